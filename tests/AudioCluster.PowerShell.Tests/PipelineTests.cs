using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>The whole pipeline, as users type it, on audio the tests generate.</summary>
public sealed class PipelineTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly TempDir temp = new();

    public PipelineTests(ModuleHostFixture fixture) => host = fixture.Host;

    public void Dispose() => temp.Dispose();

    Dictionary<string, object?> Vars(params (string, object?)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);

    string MakeSet(int classes = 4, int perClass = 6, int seed = 1)
    {
        var r = host.Run("New-SyntheticAudioSet -Path $dir -ClassCount $c -PerClass $p -Seed $s | Measure-Object | ForEach-Object Count",
            Vars(("dir", temp.Path), ("c", classes), ("p", perClass), ("s", seed)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(classes * perClass, (int)r.Output.Single().BaseObject);
        return temp.Path;
    }

    [Fact]
    public void FullPipelineFromGetChildItemFindsTheSyntheticClasses()
    {
        var dir = MakeSet(classes: 4, perClass: 10);
        var r = host.Run(@"
            Get-ChildItem $dir -Filter *.wav |
                Import-Audio -SampleRate 16000 -LabelPattern '^(?<label>[a-z]+)_' |
                Get-AudioEmbedding |
                Invoke-AudioClustering -ClusterCount 4 -Seed 0 -L2Normalize |
                Measure-ClusterQuality", Vars(("dir", dir)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var q = r.Output.Single();
        Assert.Equal(40, (int)q.Properties["N"].Value);
        Assert.Equal(4, (int)q.Properties["Classes"].Value);
        Assert.True((double)q.Properties["NMI"].Value > 0.8, $"NMI {q.Properties["NMI"].Value}");
        Assert.True((double)q.Properties["Accuracy"].Value > 0.8, $"Accuracy {q.Properties["Accuracy"].Value}");
    }

    [Fact]
    public void EmbeddingStreamsInInputOrderAndBindsFileInfoWithoutImportAudio()
    {
        var dir = MakeSet(classes: 3, perClass: 5);
        var r = host.Run(@"
            Get-ChildItem $dir -Filter *.wav | Sort-Object Name -Descending |
                Get-AudioEmbedding -LabelPattern '^(?<label>[a-z]+)_'", Vars(("dir", dir)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var expected = Directory.GetFiles(dir, "*.wav").OrderByDescending(f => Path.GetFileName(f), StringComparer.OrdinalIgnoreCase).ToArray();
        Assert.Equal(expected, r.Output.Select(o => (string)o.Properties["Source"].Value));
        Assert.All(r.Output, o => Assert.StartsWith((string)o.Properties["Label"].Value + "_", (string)o.Properties["Name"].Value));
        Assert.All(r.Output, o => Assert.Equal(208, ((float[])o.Properties["Vector"].Value).Length));
        Assert.All(r.Output, o => Assert.StartsWith("MelStats", (string)o.Properties["Encoder"].Value));
    }

    [Fact]
    public void BadFilesInTheMiddleAreNonTerminatingErrorsNamingTheFile()
    {
        var dir = MakeSet(classes: 2, perClass: 3);
        File.WriteAllBytes(Path.Combine(dir, "m_corrupt.wav"), "RIFF\x10\0\0\0WAVEjunkjunk"u8.ToArray());
        File.WriteAllBytes(Path.Combine(dir, "m_empty.wav"), Array.Empty<byte>());
        File.WriteAllText(Path.Combine(dir, "m_text.mp3"), "this is not audio at all");
        var r = host.Run("Get-ChildItem $dir | Sort-Object Name | Import-Audio | ForEach-Object Name", Vars(("dir", dir)));
        Assert.Null(r.Terminating);
        Assert.Equal(6, r.Output.Count);
        Assert.Equal(3, r.Errors.Count);
        foreach (var name in new[] { "m_corrupt.wav", "m_empty.wav", "m_text.mp3" })
            Assert.Contains(r.Errors, e => e.Exception.Message.Contains(name) && e.TargetObject?.ToString()?.EndsWith(name) == true);
        Assert.All(r.Errors, e => Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category));
    }

    [Fact]
    public void ErrorActionStopMakesABadFileTerminating()
    {
        var dir = MakeSet(classes: 2, perClass: 2);
        File.WriteAllBytes(Path.Combine(dir, "a_broken.wav"), "RIFF\x10\0\0\0WAVEjunkjunk"u8.ToArray());
        var r = host.Run("Get-ChildItem $dir | Sort-Object Name | Get-AudioEmbedding -ErrorAction Stop", Vars(("dir", dir)));
        Assert.NotNull(r.Terminating);
        Assert.Contains("a_broken.wav", r.Terminating!.Message);
    }

    [Fact]
    public void MissingPathIsReportedAndTheRestGoesOn()
    {
        var dir = MakeSet(classes: 1, perClass: 2);
        var r = host.Run("Import-Audio -Path (Join-Path $dir 'nope.wav'), (Join-Path $dir '*.wav') | Measure-Object | ForEach-Object Count", Vars(("dir", dir)));
        Assert.Equal(2, (int)r.Output.Single().BaseObject);
        Assert.Single(r.Errors);
        Assert.Contains("nope.wav", r.Errors[0].Exception.Message);
    }

    [Fact]
    public void ImportAudioOptionsResampleCropAndLabelFromDirectory()
    {
        var dir = MakeSet(classes: 1, perClass: 1);
        var r = host.Run(@"
            Get-ChildItem $dir -Filter *.wav | Import-Audio -SampleRate 8000 -Offset 0.25 -Duration 0.5 -LabelFromDirectory |
                Select-Object SampleRate, Channels, FrameCount, Label", Vars(("dir", dir)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var clip = r.Output.Single();
        Assert.Equal(8000, (int)clip.Properties["SampleRate"].Value);
        Assert.Equal(1, (int)clip.Properties["Channels"].Value);
        Assert.Equal(4000, (int)clip.Properties["FrameCount"].Value);
        Assert.Equal(Path.GetFileName(dir), (string)clip.Properties["Label"].Value);
    }

    [Fact]
    public void GetSpectrogramGivesTorchaudioShapes()
    {
        var dir = MakeSet(classes: 1, perClass: 1);
        var r = host.Run(@"
            $clip = Get-ChildItem $dir -Filter *.wav | Import-Audio
            $mel = $clip | Get-Spectrogram
            $mfcc = $clip | Get-Spectrogram -Kind Mfcc -MfccCount 20
            $mel.Bins, $mel.Frames, $mfcc.Bins, $mfcc.Frames", Vars(("dir", dir)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(new[] { 64, 101, 20, 101 }, r.Output.Select(o => (int)o.BaseObject));
    }

    [Fact]
    public void BadParametersFailBeforeAnyWork()
    {
        var dir = MakeSet(classes: 1, perClass: 2);
        var noGroup = host.Run("Get-ChildItem $dir | Import-Audio -LabelPattern '^(\\w+)_'", Vars(("dir", dir)));
        Assert.Contains("no named group 'label'", noGroup.StoppingError);
        Assert.Empty(noGroup.Output);

        var tooMany = host.Run("Get-ChildItem $dir | Get-AudioEmbedding | Invoke-AudioClustering -ClusterCount 5", Vars(("dir", dir)));
        Assert.Contains("more than the 2 inputs", tooMany.StoppingError);
        Assert.Empty(tooMany.Output);

        var badFmax = host.Run("Get-ChildItem $dir | Get-Spectrogram -SampleRate 8000 -MaxFrequency 7800", Vars(("dir", dir)));
        Assert.Contains("half the sample rate", badFmax.StoppingError);
        Assert.Empty(badFmax.Output);
    }

    [Fact]
    public void ClusteringAcceptsAnyObjectWithANumericVector()
    {
        var r = host.Run(@"
            $points = foreach ($i in 0..19) {
                $c = $i % 2
                $x = 10 * $c + $i * 0.01
                $y = -5 * $c - $i * 0.02
                [pscustomobject]@{ Name = ""p$i""; Label = ""class$c""; Vector = [double[]]@($x, $y) }
            }
            $points | Invoke-AudioClustering -ClusterCount 2 -Seed 3 | Measure-ClusterQuality");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var q = r.Output.Single();
        Assert.Equal(1.0, (double)q.Properties["NMI"].Value, 12);
        Assert.Equal(1.0, (double)q.Properties["ARI"].Value, 12);
        Assert.Equal(1.0, (double)q.Properties["Accuracy"].Value, 12);
    }

    [Fact]
    public void MeasureClusterQualityMatchesHandComputedValuesAndEmitsTheMatrix()
    {
        // labels a a a b b b; clusters 0 0 1 1 1 1: Hungarian matches a-0 (2) and b-1 (3) -> 5/6.
        var r = host.Run(@"
            $rows = @(('a',0),('a',0),('a',1),('b',1),('b',1),('b',1)) | ForEach-Object { [pscustomobject]@{ Label = $_[0]; Cluster = $_[1] } }
            $rows | Measure-ClusterQuality -ConfusionMatrix");
        Assert.Null(r.Terminating);
        var q = r.Output[0];
        Assert.Equal(5.0 / 6.0, (double)q.Properties["Accuracy"].Value, 12);
        Assert.Equal(5.0 / 6.0, (double)q.Properties["Purity"].Value, 12);
        Assert.Equal(6, (int)q.Properties["N"].Value);
        Assert.Equal(3, r.Output.Count);
        var rowA = r.Output[1];
        Assert.Equal("a", rowA.Properties["Label"].Value);
        Assert.Equal(2, Convert.ToInt32(rowA.Properties["0"].Value));
        Assert.Equal(1, Convert.ToInt32(rowA.Properties["1"].Value));
    }

    [Fact]
    public void MeasureClusterQualityWithoutLabelsSaysWhatIsMissing()
    {
        var r = host.Run("@([pscustomobject]@{ Cluster = 1 }, [pscustomobject]@{ Cluster = 2 }) | Measure-ClusterQuality");
        Assert.Contains("LabelPattern", r.StoppingError);
        Assert.Empty(r.Output);
        Assert.Contains(r.Warnings, w => w.Message.Contains("2 input(s) have no 'Label'"));
    }

    [Fact]
    public void SyntheticSetHonoursWhatIf()
    {
        var target = Path.Combine(temp.Path, "whatif");
        var r = host.Run("New-SyntheticAudioSet -Path $p -ClassCount 2 -PerClass 2 -WhatIf", Vars(("p", target)));
        Assert.Null(r.Terminating);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void StoppingAPipelineEndsItPromptly()
    {
        var dir = MakeSet(classes: 3, perClass: 10);
        using var ps = System.Management.Automation.PowerShell.Create();
        using var rs = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace();
        rs.Open();
        ps.Runspace = rs;
        ps.AddScript($"Import-Module '{ModuleHost.ModuleManifest}'; 1..1000 | ForEach-Object {{ Get-ChildItem '{dir}' -Filter *.wav }} | Get-AudioEmbedding");
        var async = ps.BeginInvoke();
        Thread.Sleep(1500);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ps.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stop took {clock.Elapsed}");
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }
}
