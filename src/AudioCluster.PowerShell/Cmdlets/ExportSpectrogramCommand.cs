using System.Management.Automation;
using System.Text.RegularExpressions;
using AudioCluster.Audio;
using AudioCluster.Features;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Reporting;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>Frequency axis of the spectrograms computed from audio.</summary>
public enum SpectrogramScale { Mel, Linear }

/// <summary>
/// <para type="synopsis">Draws spectrograms as PNG images with a colour map, a dB scale and axes in Hz and seconds: one image per clip, or a grid of many.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "Spectrogram", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSpectrogramCommand : AudioClusterCmdlet
{
    /// <summary>A .png file, a folder (one image per clip) or a name template with {Name}, {Label} or {Index}.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>AudioClip or Spectrogram objects, audio file paths or FileInfo objects.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>All inputs in one image, in rows of -Columns.</summary>
    [Parameter]
    public SwitchParameter Grid { get; set; }

    /// <summary>Images per row of a grid; 0 picks a near-square layout.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int Columns { get; set; }

    [Parameter]
    public ColorMapName ColorMap { get; set; } = ColorMapName.Viridis;

    /// <summary>Decibels below each clip's peak that the colours span.</summary>
    [Parameter]
    [ValidateRange(10.0, 200.0)]
    public double DynamicRange { get; set; } = 80;

    /// <summary>Frequency axis of spectrograms computed from audio: Mel (128 bands) or Linear (STFT bins).</summary>
    [Parameter]
    public SpectrogramScale FrequencyScale { get; set; } = SpectrogramScale.Mel;

    /// <summary>Rate audio is resampled to first; its half is the top of the frequency axis.</summary>
    [Parameter]
    [ValidateRange(4000, 384000)]
    public int SampleRate { get; set; } = 16000;

    /// <summary>Width of each image (of each cell with -Grid), axes included; 0 for the default.</summary>
    [Parameter]
    [ValidateRange(0, 8000)]
    public int Width { get; set; }

    /// <summary>Height of each image (of each cell with -Grid), axes included; 0 for the default.</summary>
    [Parameter]
    [ValidateRange(0, 8000)]
    public int Height { get; set; }

    /// <summary>Overwrite existing files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    const string Activity = "Drawing spectrograms";
    static readonly Regex Placeholder = new(@"\{(Name|Label|Index)\}", RegexOptions.IgnoreCase);

    enum Target { File, Folder, Template }

    Target target;
    string output = "";
    int width, height, index;
    readonly HashSet<string> written = new(StringComparer.OrdinalIgnoreCase);
    readonly List<(Spectrogram Spectrogram, string Title)> held = new();

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        output = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        bool png = output.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
        if (Placeholder.IsMatch(Path)) target = Target.Template;
        else if (Directory.Exists(output) || !png) target = Target.Folder;
        else target = Target.File;
        if (Grid && target != Target.File)
            ThrowParameterError($"-Grid writes one image: give -Path a file name ending in .png, not '{Path}'.", nameof(Path));
        if (target == Target.Template && !png) output += ".png";
        if (target == Target.File && File.Exists(output) && !Force)
            ThrowParameterError($"'{output}' exists; add -Force to overwrite it.", nameof(Path));
        width = Width > 0 ? Width : Grid ? 360 : 1000;
        height = Height > 0 ? Height : Grid ? 200 : 460;
        if (width < 120 || height < 80)
            ThrowParameterError($"{width} x {height} pixels is too small for a spectrogram with axes; give at least 120 x 80.", nameof(Width));
    }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        foreach (var (spectrogram, source) in Spectrograms(InputObject))
        {
            ThrowIfStopping();
            var title = spectrogram.Label != null ? $"{System.IO.Path.GetFileName(source)} ({spectrogram.Label})" : System.IO.Path.GetFileName(source);
            if (target == Target.File || Grid)
            {
                // One image: hold the spectrograms until the input ends.
                if (!Grid && held.Count == 1)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Path '{Path}' names one image but more than one clip came in: give a folder, a name template with {{Name}}, or -Grid."),
                        "OneImageManyClips", ErrorCategory.InvalidArgument, Path));
                held.Add((spectrogram, title));
                ReportProgress(Activity, held.Count, 0, title);
                continue;
            }
            var file = FileFor(source, spectrogram.Label);
            index++;
            if (File.Exists(file) && !Force)
            {
                WriteItemError(new IOException($"'{file}' exists; add -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, file);
                continue;
            }
            if (!ShouldProcess(file, "Write spectrogram image")) continue;
            Save(file, () => SpectrogramImage.Render(spectrogram, width, height, Style(title)));
            ReportProgress(Activity, index, 0, System.IO.Path.GetFileName(file));
        }
    }

    protected override void EndProcessing()
    {
        CompleteProgress(Activity);
        if (held.Count == 0) return;
        var what = Grid ? $"Write a grid of {held.Count} spectrograms" : "Write spectrogram image";
        if (!ShouldProcess(output, what)) return;
        if (Grid)
        {
            int columns = Columns > 0 ? Columns : (int)Math.Ceiling(Math.Sqrt(held.Count));
            Save(output, () => SpectrogramImage.RenderGrid(held, columns, width, height, Style(null) with { FontScale = 1 }));
        }
        else
        {
            Save(output, () => SpectrogramImage.Render(held[0].Spectrogram, width, height, Style(held[0].Title)));
        }
    }

    SpectrogramImageOptions Style(string? title) => new()
    {
        ColorMap = ColorMap,
        DynamicRange = DynamicRange,
        Title = title,
        // Large images get a larger font; small ones keep their room for the plot.
        FontScale = width >= 600 && height >= 300 ? 2 : 1,
        AxisTitles = height >= 160 && width >= 300,
    };

    void Save(string file, Func<RgbImage> draw)
    {
        try
        {
            var image = draw();
            AtomicFile.Write(file, stream => PngEncoder.Write(stream, image));
            written.Add(file);
            WriteObject(new FileInfo(file));
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message, nameof(Width));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteItemError(e, "WriteFailed", ErrorCategory.WriteError, file);
        }
    }

    /// <summary>The file for one clip: in the folder under its own name, or the template filled in; never one written in this run.</summary>
    string FileFor(string source, string? label)
    {
        var name = Safe(System.IO.Path.GetFileNameWithoutExtension(source));
        string file = target == Target.Folder
            ? System.IO.Path.Combine(output, name + ".png")
            : Placeholder.Replace(output, m => m.Groups[1].Value.ToLowerInvariant() switch
            {
                "name" => name,
                "label" => Safe(label ?? "unlabelled"),
                _ => index.ToString("000", System.Globalization.CultureInfo.InvariantCulture),
            });
        // Two clips with the same name (from different folders) get -2, -3 ...
        var stem = file[..^4];
        for (int k = 2; written.Contains(file); k++) file = $"{stem}-{k}.png";
        return file;
    }

    static string Safe(string text)
    {
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        var chars = text.Select(c => invalid.Contains(c) || c == '/' || c == '\\' ? '_' : c).ToArray();
        return chars.Length == 0 ? "clip" : new string(chars);
    }

    /// <summary>The spectrograms of one input: a Spectrogram as it is, clips and files computed here.</summary>
    IEnumerable<(Spectrogram, string)> Spectrograms(PSObject input)
    {
        switch (input.BaseObject)
        {
            case Spectrogram s:
                yield return (s, s.Source);
                yield break;
            case AudioClip clip:
                if (Compute(clip) is { } fromClip) yield return (fromClip, clip.Source);
                yield break;
        }
        if (input.BaseObject is System.Collections.IEnumerable list and not string)
        {
            // An array given to -InputObject: each item as if it came down the pipeline.
            foreach (var item in list)
                foreach (var result in Spectrograms(PSObject.AsPSObject(item)))
                    yield return result;
            yield break;
        }
        IEnumerable<string> files;
        if (input.BaseObject is FileSystemInfo info) files = PathResolution.Resolve(this, new[] { info.FullName }, literal: true, recurse: false, Missing);
        else if (input.BaseObject is string path) files = PathResolution.Resolve(this, new[] { path }, literal: false, recurse: false, Missing);
        else
        {
            WriteItemError(new ArgumentException($"Cannot draw a {input.BaseObject.GetType().Name}: pipe AudioClip or Spectrogram objects, audio file paths or files from Get-ChildItem."),
                "UnsupportedInput", ErrorCategory.InvalidType, input);
            yield break;
        }
        foreach (var file in files)
        {
            AudioClip clip;
            try
            {
                clip = AudioDecoder.Decode(file, new AudioReadOptions { SampleRate = SampleRate, Mono = true });
            }
            catch (AudioDecodeException e)
            {
                WriteItemError(e, "ExportSpectrogram.Failed", ErrorCategory.InvalidData, file);
                continue;
            }
            if (Compute(clip) is { } spectrogram) yield return (spectrogram, file);
        }
    }

    void Missing(Exception e, string path) => WriteItemError(e, "PathNotFound", ErrorCategory.ObjectNotFound, path);

    MelSpectrogramOptions? options;

    Spectrogram? Compute(AudioClip clip)
    {
        // 64 ms windows, 10 ms hops (at 16 kHz: 1024 and 160 samples), the full band up to Nyquist.
        options ??= new MelSpectrogramOptions
        {
            SampleRate = SampleRate,
            NFft = 1 << (int)Math.Round(Math.Log2(SampleRate * 0.064)),
            HopLength = Math.Max(1, SampleRate / 100),
            NMels = 128,
            FMin = 0,
            FMax = SampleRate / 2.0,
        };
        var mono = clip.MonoAt(SampleRate);
        if (mono.Length == 0)
        {
            WriteItemError(new InvalidDataException($"'{clip.Source}' has no samples to draw."), "EmptyClip", ErrorCategory.InvalidData, clip.Source);
            return null;
        }
        return FrequencyScale == SpectrogramScale.Linear
            ? Stft.Compute(mono, options, clip.Source, clip.Label)
            : LogMel.Compute(mono, options, clip.Source, clip.Label);
    }
}
