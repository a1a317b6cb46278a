using System.Diagnostics;
using AudioCluster.Tests;
using Xunit.Abstractions;

namespace AudioCluster.PowerShell.Tests;

/// <summary>The README's pipeline on the real FSDD spoken digits (3,000 files), where ../shared has them.</summary>
public sealed class FsddIntegrationTests : IClassFixture<ModuleHostFixture>
{
    readonly ModuleHost host;
    readonly ITestOutputHelper output;

    public FsddIntegrationTests(ModuleHostFixture fixture, ITestOutputHelper output)
    {
        host = fixture.Host;
        this.output = output;
    }

    [SkippableFact]
    public void WholePipelineOverFsdd()
    {
        var recordings = SharedData.PathTo("datasets/fsdd/recordings");
        Skip.If(recordings == null, "../shared/datasets/fsdd/recordings is not present on this machine");
        var clock = Stopwatch.StartNew();
        var r = host.Run(@"
            $emb = Get-ChildItem $dir -Filter *.wav | Import-Audio -SampleRate 16000 -LabelPattern '^(?<label>\d)_' | Get-AudioEmbedding
            $digits = $emb | Invoke-AudioClustering -ClusterCount 10 -Seed 0 | Measure-ClusterQuality
            $speakers = $emb | Invoke-AudioClustering -ClusterCount 6 -Seed 0 |
                Select-Object Cluster, @{ n = 'Label'; e = { ($_.Name -split '_')[1] } } | Measure-ClusterQuality
            $digits, $speakers", new Dictionary<string, object?> { ["dir"] = recordings });
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var digits = r.Output[0];
        var speakers = r.Output[1];
        Assert.Equal(3000, (int)digits.Properties["N"].Value);
        Assert.Equal(10, (int)digits.Properties["Classes"].Value);
        Assert.Equal(6, (int)speakers.Properties["Classes"].Value);
        var line = $"FSDD 3000 files, MelStats + K-means: {clock.Elapsed.TotalSeconds:0.0} s; digits NMI {digits.Properties["NMI"].Value:0.000} " +
                   $"accuracy {digits.Properties["Accuracy"].Value:0.000}; speakers (k=6) NMI {speakers.Properties["NMI"].Value:0.000} accuracy {speakers.Properties["Accuracy"].Value:0.000}";
        output.WriteLine(line);
        Console.WriteLine(line);
        // MelStats vectors follow the voice more than the word (as the data set's notice says clusters
        // tend to follow the speaker); a broken pipeline would be near 0 on both.
        Assert.True((double)speakers.Properties["NMI"].Value > 0.5, line);
        Assert.True((double)digits.Properties["NMI"].Value > 0.08, line);
    }
}
