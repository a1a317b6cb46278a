using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>Invoke-ClusteringBenchmark: the grid's cells, the markdown table, and refusals before work.</summary>
public sealed class BenchmarkCmdletTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly TempDir temp = new();

    public BenchmarkCmdletTests(ModuleHostFixture fixture) => host = fixture.Host;

    public void Dispose() => temp.Dispose();

    Dictionary<string, object?> Vars(params (string, object?)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);

    [Fact]
    public void GridHasOneCellPerCombinationAndWritesTheTable()
    {
        var md = Path.Combine(temp.Path, "grid.md");
        var r = host.Run(@"
            New-SyntheticAudioSet -Path $dir -ClassCount 3 -PerClass 8 -Seed 4 | Out-Null
            Invoke-ClusteringBenchmark -Path $dir -LabelPattern '^(?<label>[a-z]+)_' -Reducer None, Pca -Method KMeans, Agglomerative -Seed 0, 1 -MarkdownPath $md",
            Vars(("dir", Path.Combine(temp.Path, "set")), ("md", md)));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        // 1 encoder x 2 reducers x 2 normalisations (default) x 2 methods.
        Assert.Equal(8, r.Output.Count);
        Assert.All(r.Output, c => Assert.Equal(2, (int)c.Properties["Seeds"].Value));
        Assert.All(r.Output, c => Assert.True((double)c.Properties["NMI"].Value > 0.8, $"{c.Properties["Method"].Value}: NMI {c.Properties["NMI"].Value}"));
        Assert.Equal(4, r.Output.Select(c => $"{c.Properties["Reducer"].Value}/{c.Properties["Normalization"].Value}").Distinct().Count());
        var table = File.ReadAllLines(md);
        Assert.Equal(2 + 4, table.Length);
        Assert.Contains("KMeans NMI (ARI)", table[0]);
        Assert.Contains("Agglomerative NMI (ARI)", table[0]);
        Assert.Matches(@"\| [01]\.\d{3} ± [01]\.\d{3} \([-01]\.\d{3}\) \|", table[2]);
    }

    [Fact]
    public void EmbeddingsFromThePipelineAreGroupedByEncoder()
    {
        var r = host.Run(@"
            New-SyntheticAudioSet -Path $dir -ClassCount 3 -PerClass 6 -Seed 5 | Out-Null
            $e = Get-AudioEmbedding -Path $dir -LabelPattern '^(?<label>[a-z]+)_'
            $pca = $e | Compress-AudioEmbedding -Dimensions 8
            @($e) + @($pca) | Invoke-ClusteringBenchmark -Normalization L2Normalize -Method KMeans",
            Vars(("dir", Path.Combine(temp.Path, "set2"))));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(2, r.Output.Count);
        Assert.Contains(r.Output, c => ((string)c.Properties["Encoder"].Value).EndsWith("| PCA(8)"));
    }

    [Fact]
    public void MissingLabelsOrWeightsFailBeforeWork()
    {
        var noLabels = host.Run("Invoke-ClusteringBenchmark -Path $dir", Vars(("dir", temp.Path)));
        Assert.Contains("-LabelPattern or -LabelFromDirectory", noLabels.StoppingError);
        var noModel = host.Run("Invoke-ClusteringBenchmark -Path $dir -LabelFromDirectory -Encoder Onnx", Vars(("dir", temp.Path)));
        Assert.Contains("-ModelPath", noModel.StoppingError);
    }
}
