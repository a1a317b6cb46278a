using System.Management.Automation;
using AudioCluster.Audio;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>
/// Base of the streaming cmdlets that take audio: file paths (wildcards), FileInfo objects
/// (bound by PSPath/FullName), or AudioClip objects. Inputs are processed in parallel batches
/// and emitted in input order; a file that fails is one non-terminating error.
/// </summary>
public abstract class AudioInputCmdlet : AudioClusterCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";
    protected const string ClipSet = "Clip";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Regex on the file name whose named group 'label' gives the clip's label.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? LabelPattern { get; set; }

    /// <summary>Use the name of the folder that holds each file as its label.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter LabelFromDirectory { get; set; }

    /// <summary>Also take audio files in subfolders of a folder given as a path.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Recurse { get; set; }

    protected abstract string Activity { get; }

    /// <summary>How files are decoded (sample rate, channels, crop); the label is added per file.</summary>
    protected abstract AudioReadOptions ReadOptions { get; }

    /// <summary>Turns one decoded clip into the output object; runs on worker threads.</summary>
    protected abstract object Transform(AudioClip clip, CancellationToken cancellation);

    /// <summary>Turns one file into the output object: decodes it and calls <see cref="Transform"/>
    /// (a cmdlet with a cache may answer without decoding). Runs on worker threads.</summary>
    protected virtual object TransformFile(string path, AudioReadOptions read, CancellationToken cancellation)
    {
        var clip = AudioDecoder.Decode(path, read);
        cancellation.ThrowIfCancellationRequested();
        return Transform(clip, cancellation);
    }

    /// <summary>An error of one input that must stop the whole command (a broken cache, say), or null.</summary>
    protected virtual ErrorRecord? StoppingError(Exception error) => null;

    /// <summary>Checks parameters before any work; call ThrowParameterError on bad ones.</summary>
    protected virtual void ValidateParameters() { }

    /// <summary>Hands one result on, in input order; a cmdlet that must see every input first may hold it back.</summary>
    protected virtual void Emit(object value) => WriteObject(value);

    LabelRule labels = LabelRule.None;
    OrderedBatch<(string? Path, AudioClip? Clip), object> batch = null!;
    int done;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (LabelPattern != null && LabelFromDirectory)
            ThrowParameterError("Give either -LabelPattern or -LabelFromDirectory, not both.", nameof(LabelPattern));
        try
        {
            labels = LabelPattern != null ? LabelRule.FromPattern(LabelPattern) : LabelFromDirectory ? LabelRule.FromDirectory : LabelRule.None;
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message, nameof(LabelPattern));
        }
        ValidateParameters();
        var read = ReadOptions;
        batch = new((item, ct) => item.Clip != null
            ? Transform(item.Clip, ct)
            : TransformFile(item.Path!, read with { Label = labels.LabelOf(item.Path!) }, ct));
    }

    /// <summary>Queues an AudioClip given on the pipeline.</summary>
    protected void Enqueue(AudioClip clip)
    {
        batch.Add((null, clip));
        if (batch.IsFull) Flush();
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ClipSet) return;
        var literal = ParameterSetName == LiteralPathSet;
        var inputs = literal ? LiteralPath : Path;
        foreach (var file in PathResolution.Resolve(this, inputs, literal, Recurse, (e, p) => WriteItemError(e, "PathNotFound", ErrorCategory.ObjectNotFound, p)))
        {
            batch.Add((file, null));
            if (batch.IsFull) Flush();
        }
    }

    protected override void EndProcessing()
    {
        Flush();
        CompleteProgress(Activity);
    }

    void Flush()
    {
        Outcome<(string? Path, AudioClip? Clip), object>[] results;
        try
        {
            results = batch.Drain(Cancellation);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        foreach (var r in results)
        {
            done++;
            var source = r.Input.Path ?? r.Input.Clip!.Source;
            if (r.Error != null)
            {
                if (StoppingError(r.Error) is { } stop) ThrowTerminatingError(stop);
                var category = r.Error is AudioDecodeException or InvalidDataException ? ErrorCategory.InvalidData : ErrorCategory.NotSpecified;
                var message = r.Error.Message.Contains(source, StringComparison.Ordinal) ? r.Error.Message : $"'{source}': {r.Error.Message}";
                WriteItemError(new IOException(message, r.Error), GetType().Name.Replace("Command", "") + ".Failed", category, source);
                continue;
            }
            if (!labels.IsNone && r.Input.Path != null && labels.LabelOf(r.Input.Path) == null)
                WriteWarning($"'{source}': no label (the file name does not match -LabelPattern '{LabelPattern}').");
            Emit(r.Value!);
        }
        if (results.Length > 0)
            ReportProgress(Activity, done, 0, System.IO.Path.GetFileName(results[^1].Input.Path ?? results[^1].Input.Clip!.Source), force: true);
    }
}
