using System.Buffers.Binary;
using System.Text.RegularExpressions;
using AudioCluster.Tests;
using Xunit.Abstractions;

namespace AudioCluster.PowerShell.Tests;

/// <summary>Export-ClusterReport and Export-Spectrogram from PowerShell; the report also in a real browser.</summary>
public sealed class ReportCmdletTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly ITestOutputHelper output;
    readonly TempDir temp = new();

    public ReportCmdletTests(ModuleHostFixture fixture, ITestOutputHelper output)
    {
        host = fixture.Host;
        this.output = output;
    }

    public void Dispose() => temp.Dispose();

    static Dictionary<string, object?> Vars(params (string, object?)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);

    /// <summary>4 classes x 10 synthetic clips, embedded and clustered into $clusters.</summary>
    void ClusterSyntheticSet()
    {
        var r = host.Run(@"
            $ProgressPreference = 'SilentlyContinue'
            New-SyntheticAudioSet -Path (Join-Path $dir 'demo') -ClassCount 4 -PerClass 10 -Seed 2 | Out-Null
            $global:clusters = Get-AudioEmbedding -Path (Join-Path $dir 'demo') -LabelPattern '^(?<label>[a-z]+)_' |
                Invoke-AudioClustering -ClusterCount 4 -L2Normalize -Seed 0", Vars(("dir", temp.Path)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
    }

    static string Attribute(string dom, string element, string attribute)
    {
        var tag = Regex.Match(dom, $"<{element}(?=[\\s>])[^>]*>");
        Assert.True(tag.Success, $"no <{element}> matching in the rendered page");
        var value = Regex.Match(tag.Value, $"\\b{attribute}=\"([^\"]*)\"");
        Assert.True(value.Success, $"{tag.Value} has no {attribute}");
        return value.Groups[1].Value;
    }

    [SkippableFact]
    public void ReportOpensInChromiumWithMapMatrixAndNoScriptErrors()
    {
        Skip.If(Chromium.Executable == null, Chromium.MissingReason);
        ClusterSyntheticSet();
        var report = temp.File("report.html");
        var r = host.Run("$clusters | Export-ClusterReport -Path $path -Title 'Synthetic set'", Vars(("path", report)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
        Assert.Equal(report, ((FileInfo)r.Output.Single().BaseObject).FullName);

        var (dom, log, elapsed) = Chromium.DumpDom(Chromium.Url(report) + "#selftest");
        output.WriteLine($"Chromium rendered the report in {elapsed.TotalSeconds:0.0} s (page script {Attribute(dom, "html", "data-render-ms")} ms)");
        Assert.Equal("0", Attribute(dom, "html", "data-js-errors"));
        Assert.Empty(Chromium.ConsoleMessages(log));
        Assert.Equal("true", Attribute(dom, "html", "data-ready"));
        Assert.Equal("40", Attribute(dom, "canvas id=\"map\"", "data-points"));
        Assert.Equal("40", Attribute(dom, "canvas id=\"map\"", "data-drawn-points"));
        Assert.Equal("4", Attribute(dom, "canvas id=\"confusion\"", "data-rows"));
        Assert.Equal("4", Attribute(dom, "canvas id=\"confusion\"", "data-cols"));
        Assert.Equal("true", Attribute(dom, "canvas id=\"confusion\"", "data-drawn"));
        Assert.Equal("4", Attribute(dom, "div id=\"clusters\"", "data-clusters"));
        Assert.Equal("4", Attribute(dom, "ul id=\"legend\"", "data-entries"));
        // Hovering the first clip shows its name, label and cluster.
        var hover = Attribute(dom, "html", "data-selftest-hover");
        Assert.Matches("^[a-z]+_\\d{3}\\.wavlabel: [a-z]+cluster: \\d", hover);
        // Four mean spectrograms and embedded players (the set is far under 20 MB).
        Assert.Equal(4, Regex.Matches(dom, "<img class=\"thumb\" src=\"data:image/png;base64,").Count);
        Assert.Equal(12, Regex.Matches(dom, "<audio controls=\"\" preload=\"none\" src=\"data:audio/wav;base64,").Count);

        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        var png = Path.Combine(shots, "cluster-report.png");
        File.Delete(png);
        var (shotLog, _) = Chromium.Screenshot(Chromium.Url(report), png);
        Assert.True(File.Exists(png), "no screenshot: " + shotLog);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal((1400, 1000), (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))));
        // Also on the console, so that scripts/test.sh shows where it is.
        output.WriteLine("Screenshot: " + png);
        Console.WriteLine("Cluster report screenshot: " + png);
    }

    [SkippableFact]
    public void TenThousandClipsRenderQuicklyInChromium()
    {
        Skip.If(Chromium.Executable == null, Chromium.MissingReason);
        var report = temp.File("large.html");
        // Vectors only, no audio: 12 blobs on a ring, labels agreeing with 90 % of the clusters.
        var r = host.Run(@"
            $random = [Random]::new(5)
            $items = foreach ($i in 0..9999) {
                $k = $i % 12
                $angle = $k * [Math]::PI / 6
                [pscustomobject]@{
                    Source  = 'clip{0:d5}.wav' -f $i
                    Label   = 'class{0}' -f $(if ($i % 10 -eq 0) { ($k + 1) % 12 } else { $k })
                    Cluster = $k
                    Vector  = [float[]]@((5 * [Math]::Cos($angle) + $random.NextDouble()), (5 * [Math]::Sin($angle) + $random.NextDouble()))
                }
            }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $items | Export-ClusterReport -Path $path | Out-Null
            $clock.Elapsed.TotalSeconds", Vars(("path", report)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        output.WriteLine($"Export-ClusterReport of 10,000 clips: {(double)r.Output.Single().BaseObject:0.0} s, {new FileInfo(report).Length / 1024} KB");

        var (dom, log, elapsed) = Chromium.DumpDom(Chromium.Url(report));
        var scriptMs = int.Parse(Attribute(dom, "html", "data-render-ms"));
        output.WriteLine($"Chromium: {elapsed.TotalSeconds:0.0} s in all, page script {scriptMs} ms");
        Assert.Equal("0", Attribute(dom, "html", "data-js-errors"));
        Assert.Empty(Chromium.ConsoleMessages(log));
        Assert.Equal("10000", Attribute(dom, "canvas id=\"map\"", "data-points"));
        Assert.Equal("12", Attribute(dom, "canvas id=\"confusion\"", "data-rows"));
        // A page that draws 10,000 points on a canvas needs well under a second; allow for a busy machine.
        Assert.True(scriptMs < 5000, $"the page script took {scriptMs} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"Chromium took {elapsed}");
        // Canvas, not one element per clip.
        Assert.True(Regex.Matches(dom, "<(li|div|span|circle)\\b").Count < 500);
    }

    /// <summary>The issue's check: the FSDD spoken digits (3,000 clips), where ../shared has them.</summary>
    [SkippableFact]
    public void FsddReportOpensInChromiumWithMapAndMatrix()
    {
        Skip.If(Chromium.Executable == null, Chromium.MissingReason);
        var recordings = SharedData.PathTo("datasets/fsdd/recordings");
        Skip.If(recordings == null, "../shared/datasets/fsdd/recordings is not present on this machine");
        var report = temp.File("fsdd.html");
        var r = host.Run(@"
            $ProgressPreference = 'SilentlyContinue'
            Get-ChildItem $dir -Filter *.wav | Get-AudioEmbedding -LabelPattern '^(?<label>\d)_' |
                Invoke-AudioClustering -ClusterCount 10 -Seed 0 |
                Export-ClusterReport -Path $path -Title 'FSDD spoken digits' | Out-Null", Vars(("dir", recordings), ("path", report)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        // 27 MB of audio: over the limit for embedding, so the players link to the files.
        Assert.DoesNotContain("data:audio", File.ReadAllText(report));

        var (dom, log, _) = Chromium.DumpDom(Chromium.Url(report));
        Assert.Equal("0", Attribute(dom, "html", "data-js-errors"));
        Assert.Empty(Chromium.ConsoleMessages(log));
        Assert.Equal("3000", Attribute(dom, "canvas id=\"map\"", "data-points"));
        Assert.Equal("10", Attribute(dom, "canvas id=\"confusion\"", "data-rows"));
        Assert.Equal("10", Attribute(dom, "canvas id=\"confusion\"", "data-cols"));
        Assert.Equal(10, Regex.Matches(dom, "<img class=\"thumb\" src=\"data:image/png;base64,").Count);

        var png = Path.Combine(AppContext.BaseDirectory, "screenshots", "fsdd-report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);
        File.Delete(png);
        Chromium.Screenshot(Chromium.Url(report), png);
        Assert.True(File.Exists(png));
        output.WriteLine("Screenshot: " + png);
        Console.WriteLine("FSDD report screenshot: " + png);
    }

    [Fact]
    public void ReportHonoursWhatIfForceAndEmbedAudioNever()
    {
        ClusterSyntheticSet();
        var report = temp.File("out.html");
        var r = host.Run("$clusters | Export-ClusterReport -Path $path -WhatIf", Vars(("path", report)));
        Assert.Empty(r.Errors);
        Assert.False(File.Exists(report));

        r = host.Run("$clusters | Export-ClusterReport -Path $path -EmbedAudio Never -Map Umap -Seed 1", Vars(("path", report)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var html = File.ReadAllText(report);
        Assert.DoesNotContain("data:audio", html);
        Assert.Contains("\"demo/tone_000.wav\"", html);
        Assert.Contains("UMAP of the 208-D vectors", html);

        // An existing file needs -Force; the old one stays as it was.
        r = host.Run("$clusters | Export-ClusterReport -Path $path", Vars(("path", report)));
        Assert.Contains("-Force", r.StoppingError);
        Assert.Equal(html, File.ReadAllText(report));
        r = host.Run("$clusters | Export-ClusterReport -Path $path -Force -Quality ($clusters | Measure-ClusterQuality)", Vars(("path", report)));
        Assert.Empty(r.Errors);
        Assert.Contains("as given (-Quality)", File.ReadAllText(report));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));

        // Objects without a cluster are named one by one; the rest still make the report.
        r = host.Run("@([pscustomobject]@{ Source = 'x.wav'; Vector = 1, 2 }) + @($clusters) | Export-ClusterReport -Path $path -Force", Vars(("path", report)));
        Assert.Single(r.Errors);
        Assert.Equal("NoCluster,AudioCluster.PowerShell.Cmdlets.ExportClusterReportCommand", r.Errors[0].FullyQualifiedErrorId);
    }

    [Fact]
    public void TagsOfTheInputsAreCountedPerCluster()
    {
        var report = temp.File("tags.html");
        var r = host.Run(@"
            @(
                [pscustomobject]@{ Source = 'a.wav'; Cluster = 0; Vector = 0, 0; TopTag = 'Dog'; Tags = 'Dog', 'Animal', 'Bark', 'Pet' }
                [pscustomobject]@{ Source = 'b.wav'; Cluster = 0; Vector = 0, 1; Tags = @([pscustomobject]@{ Name = 'Dog'; Score = 0.9 }) }
                [pscustomobject]@{ Source = 'c.wav'; Cluster = 1; Vector = 1, 0; TopTag = 'Music' }
            ) | Export-ClusterReport -Path $path", Vars(("path", report)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var html = File.ReadAllText(report);
        Assert.Contains("\"tags\":[[\"Dog\",2],[\"Animal\",1],[\"Bark\",1]]", html);
        Assert.Contains("\"tags\":[[\"Music\",1]]", html);
    }

    static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, bytes[..8]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void ExportSpectrogramWritesOneImagePerClipOrAGrid()
    {
        var r = host.Run(@"
            $ProgressPreference = 'SilentlyContinue'
            New-SyntheticAudioSet -Path (Join-Path $dir 'demo') -ClassCount 3 -PerClass 2 -Duration 0.5 | Out-Null
            Get-ChildItem (Join-Path $dir 'demo') -Filter *.wav | Export-Spectrogram -Path (Join-Path $dir 'each') | ForEach-Object Name", Vars(("dir", temp.Path)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(new[] { "chirp_000.png", "chirp_001.png", "noise_000.png", "noise_001.png", "tone_000.png", "tone_001.png" }, r.Output.Select(o => o.ToString()).Order());
        Assert.Equal((1000, 460), PngSize(Path.Combine(temp.Path, "each", "tone_000.png")));

        // Clips, spectrograms and paths alike; a template names the files; sizes and colour maps as asked.
        r = host.Run(@"
            Import-Audio (Join-Path $dir 'demo/tone_*.wav') -LabelPattern '^(?<label>[a-z]+)_' |
                Export-Spectrogram -Path (Join-Path $dir 'named/{Label}-{Index}.png') -Width 500 -Height 240 -ColorMap Magma -FrequencyScale Linear | ForEach-Object Name
            Get-Spectrogram (Join-Path $dir 'demo/noise_000.wav') | Export-Spectrogram -Path (Join-Path $dir 'single.png') -ColorMap Gray -DynamicRange 60 | ForEach-Object Name
            (Join-Path $dir 'demo/*_001.wav') | Export-Spectrogram -Path (Join-Path $dir 'grid.png') -Grid -Columns 2 | ForEach-Object Name", Vars(("dir", temp.Path)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(new[] { "tone-000.png", "tone-001.png", "single.png", "grid.png" }, r.Output.Select(o => o.ToString()));
        Assert.Equal((500, 240), PngSize(Path.Combine(temp.Path, "named", "tone-000.png")));
        Assert.Equal((1000, 460), PngSize(Path.Combine(temp.Path, "single.png")));
        var grid = PngSize(Path.Combine(temp.Path, "grid.png"));
        Assert.Equal(2 * 200, grid.Height);       // 3 clips in 2 columns: 2 rows of 200 pixels
        Assert.True(grid.Width > 2 * 360);

        // One file name for many clips is refused before anything is written; existing files need -Force.
        r = host.Run("(Join-Path $dir 'demo/*_001.wav') | Export-Spectrogram -Path (Join-Path $dir 'many.png')", Vars(("dir", temp.Path)));
        Assert.Contains("-Grid", r.StoppingError);
        Assert.False(File.Exists(temp.File("many.png")));
        r = host.Run("Get-Spectrogram (Join-Path $dir 'demo/noise_000.wav') | Export-Spectrogram -Path (Join-Path $dir 'single.png')", Vars(("dir", temp.Path)));
        Assert.Contains("-Force", r.StoppingError);
        r = host.Run("(Join-Path $dir 'demo/tone_000.wav'), (Join-Path $dir 'missing.wav') | Export-Spectrogram -Path (Join-Path $dir 'each') -Force -WhatIf", Vars(("dir", temp.Path)));
        Assert.Single(r.Errors);
        Assert.Contains("missing.wav", r.Errors[0].Exception.Message);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
