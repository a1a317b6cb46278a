using System.Diagnostics;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.Reduction;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Reduction;

public class UmapTests(ITestOutputHelper output)
{
    static double Ari(DataMatrix embedding, int[] truth, int k) =>
        ClusterMetrics.Evaluate(truth, KMeans.Fit(embedding, new KMeansOptions(k, Seed: 1)).Labels).ARI;

    [Fact]
    public void CurveParametersMatchUmapLearn()
    {
        // umap-learn's find_ab_params(1.0, 0.1) gives a = 1.5769, b = 0.8951.
        var (a, b) = Umap.FitAB(1.0, 0.1);
        output.WriteLine($"a {a:R}, b {b:R}");
        Assert.Equal(1.577, a, 2);
        Assert.Equal(0.895, b, 2);
    }

    [Theory]
    [InlineData(UmapMetric.Euclidean)]
    [InlineData(UmapMetric.Cosine)]
    public void SeparatedBlobsStaySeparatedAndTheSeedFixesTheResult(UmapMetric metric)
    {
        var (x, labels) = TsneTests.Blobs(300, 10, 3, 1.0, 11);
        var o = new UmapOptions { Metric = metric, Seed = 5, Epochs = 200 };
        var sw = Stopwatch.StartNew();
        var r = Umap.Fit(x, o);
        double seconds = sw.Elapsed.TotalSeconds;
        double ari = Ari(r.Embedding, labels, 3);
        output.WriteLine($"{metric}: ARI {ari}, init {r.InitUsed}, a {r.A:F4} b {r.B:F4}, {seconds:F2} s");
        Assert.Equal(UmapInit.Spectral, r.InitUsed);
        Assert.Equal(1.0, ari, 12);
        Assert.Equal(2, r.Embedding.Columns);
        Assert.Null(r.Embedding.FindNonFinite());

        var again = Umap.Fit(x, o with { MaxDegreeOfParallelism = 1 });
        Assert.Equal(r.Embedding.Data, again.Embedding.Data);
        var other = Umap.Fit(x, o with { Seed = 6 });
        Assert.NotEqual(r.Embedding.Data, other.Embedding.Data);
    }

    [Fact]
    public void ConnectedGraphUsesTheLanczosSpectralStart()
    {
        // Two touching blobs: one component, more points than the dense eigensolver takes.
        var (x, labels) = TsneTests.Blobs(600, 5, 2, 4.0, 12);
        var r = Umap.Fit(x, new UmapOptions { Seed = 1, Epochs = 100 });
        double ari = Ari(r.Embedding, labels, 2);
        output.WriteLine($"init {r.InitUsed}, ARI {ari}");
        Assert.Equal(UmapInit.Spectral, r.InitUsed);
        Assert.True(ari > 0.9, $"ARI {ari}");
    }

    [Fact]
    public void RandomInitAndThreeDimensions()
    {
        var (x, labels) = TsneTests.Blobs(150, 6, 3, 1.0, 13);
        var r = Umap.Fit(x, new UmapOptions { Init = UmapInit.Random, Dimensions = 3, Seed = 2, Epochs = 200 });
        Assert.Equal(UmapInit.Random, r.InitUsed);
        Assert.Equal(3, r.Embedding.Columns);
        Assert.Equal(1.0, Ari(r.Embedding, labels, 3), 12);
    }

    [Fact]
    public void ProgressIsReportedAndCancellationStops()
    {
        var (x, _) = TsneTests.Blobs(80, 4, 2, 1.0, 14);
        var seen = new List<double>();
        Umap.Fit(x, new UmapOptions { Epochs = 50 }, new TsneTests.SyncProgress(seen.Add));
        Assert.Equal(1.0, seen[^1]);
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Umap.Fit(x, new UmapOptions(), new TsneTests.SyncProgress(p => { if (p > 0.1) cts.Cancel(); }), cts.Token));
    }

    [Fact]
    public void InvalidOptionsFailBeforeAnyWork()
    {
        var (x, _) = TsneTests.Blobs(10, 3, 2, 1.0, 15);
        void Fails(UmapOptions o, string fragment)
        {
            var e = Assert.Throws<ArgumentException>(() => Umap.Fit(x, o));
            Assert.Contains(fragment, e.Message);
        }
        Fails(new UmapOptions(), "Neighbors 15 must be at least 2 and at most the 10 points");
        Fails(new UmapOptions { Neighbors = 1 }, "Neighbors 1");
        Fails(new UmapOptions { Neighbors = 5, MinDist = 2 }, "MinDist 2 must be at least 0 and at most Spread (1)");
        Fails(new UmapOptions { Neighbors = 5, Spread = 0 }, "Spread 0");
        Fails(new UmapOptions { Neighbors = 5, Dimensions = 10 }, "Dimensions 10 must be at least 1 and less than the 10 points");
        Fails(new UmapOptions { Neighbors = 5, Epochs = 0 }, "Epochs 0");
        Fails(new UmapOptions { Neighbors = 5, LearningRate = 0 }, "LearningRate 0");
        Fails(new UmapOptions { Neighbors = 5, NegativeSampleRate = -1 }, "NegativeSampleRate -1");
        var bad = x.Clone();
        bad[2, 0] = double.NaN;
        Assert.Contains("row 2, dimension 0", Assert.Throws<ArgumentException>(() => Umap.Fit(bad, new UmapOptions { Neighbors = 5 })).Message);
        // The smallest valid run.
        Assert.Equal(10, Umap.Fit(x, new UmapOptions { Neighbors = 10, Epochs = 20 }).Embedding.Rows);
    }
}
