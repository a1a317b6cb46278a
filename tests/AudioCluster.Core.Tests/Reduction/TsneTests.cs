using System.Diagnostics;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.Reduction;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Reduction;

public class TsneTests
{
    /// <summary>n points around <paramref name="centers"/> well separated centres in d dimensions, and their labels.</summary>
    internal static (DataMatrix X, int[] Labels) Blobs(int n, int d, int centers, double spread, int seed)
    {
        var rng = new Random(seed);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var c = Enumerable.Range(0, centers).Select(_ => Enumerable.Range(0, d).Select(_ => 10 * Gauss()).ToArray()).ToArray();
        var x = new DataMatrix(n, d);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % centers;
            var row = x.Row(i);
            for (int j = 0; j < d; j++) row[j] = c[labels[i]][j] + spread * Gauss();
        }
        return (x, labels);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var (x, _) = Blobs(150, 6, 3, 1.0, 1);
        foreach (var method in new[] { TsneMethod.BarnesHut, TsneMethod.Exact })
        {
            var o = new TsneOptions { Method = method, Perplexity = 10, Iterations = 300, Seed = 4 };
            var a = Tsne.Fit(x, o);
            var b = Tsne.Fit(x, o with { MaxDegreeOfParallelism = 1 });
            Assert.Equal(a.Embedding.Data, b.Embedding.Data);
            Assert.Equal(a.KlDivergence, b.KlDivergence);
        }
    }

    [Fact]
    public void RandomInitAndThreeDimensionsWorkWithTheExactMethod()
    {
        var (x, labels) = Blobs(120, 5, 3, 0.5, 2);
        var r = Tsne.Fit(x, new TsneOptions { Method = TsneMethod.Exact, Dimensions = 3, Init = TsneInit.Random, Perplexity = 15, Iterations = 400, Seed = 1 });
        Assert.Equal(3, r.Embedding.Columns);
        Assert.True(double.IsFinite(r.KlDivergence) && r.KlDivergence > 0);
        var km = KMeans.Fit(r.Embedding, new KMeansOptions(3));
        Assert.Equal(1.0, ClusterMetrics.Evaluate(labels, km.Labels).ARI, 9);
    }

    [Fact]
    public void ProgressIsReportedAndCancellationStops()
    {
        var (x, _) = Blobs(60, 4, 2, 1.0, 3);
        var seen = new List<double>();
        Tsne.Fit(x, new TsneOptions { Perplexity = 5, Iterations = 300 }, new SyncProgress(seen.Add));
        Assert.NotEmpty(seen);
        Assert.Equal(1.0, seen[^1]);
        Assert.True(seen.Zip(seen.Skip(1), (a, b) => b >= a).All(v => v));

        using var cts = new CancellationTokenSource();
        var cancelling = new SyncProgress(p => { if (p > 0.2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => Tsne.Fit(x, new TsneOptions { Perplexity = 5 }, cancelling, cts.Token));
    }

    [Fact]
    public void InvalidOptionsFailBeforeAnyWork()
    {
        var (x, _) = Blobs(40, 3, 2, 1.0, 4);
        void Fails(TsneOptions o, string fragment)
        {
            var e = Assert.Throws<ArgumentException>(() => Tsne.Fit(x, o));
            Assert.Contains(fragment, e.Message);
        }
        Fails(new TsneOptions { Perplexity = 50 }, "Perplexity 50 must be greater than 0 and less than the 40 points");
        Fails(new TsneOptions { Perplexity = 40 }, "less than the 40 points");
        Fails(new TsneOptions { Perplexity = 0 }, "Perplexity 0");
        Fails(new TsneOptions { Dimensions = 3 }, "Barnes-Hut t-SNE embeds in 2 dimensions");
        Fails(new TsneOptions { Dimensions = 4, Method = TsneMethod.Exact }, "Init Pca needs Dimensions 4 to be at most 3");
        Fails(new TsneOptions { Dimensions = 0, Method = TsneMethod.Exact }, "Dimensions 0");
        Fails(new TsneOptions { Iterations = 100 }, "Iterations 100 must be at least 250");
        Fails(new TsneOptions { EarlyExaggeration = 0.5 }, "EarlyExaggeration 0.5");
        Fails(new TsneOptions { LearningRate = -1 }, "LearningRate -1");
        Fails(new TsneOptions { Angle = 1.5 }, "Angle 1.5 must be between 0 and 1");
        Fails(new TsneOptions { MinGradientNorm = -1 }, "MinGradientNorm -1");
        Fails(new TsneOptions { MaxDegreeOfParallelism = -2 }, "MaxDegreeOfParallelism -2");
        var bad = x.Clone();
        bad[5, 1] = double.PositiveInfinity;
        Assert.Contains("row 5, dimension 1", Assert.Throws<ArgumentException>(() => Tsne.Fit(bad, new TsneOptions { Perplexity = 5 })).Message);
        // Allowed on the same data: 4 dimensions from random starts.
        Tsne.Fit(x, new TsneOptions { Dimensions = 4, Method = TsneMethod.Exact, Init = TsneInit.Random, Perplexity = 5, Iterations = 250 });
    }

    /// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}

[Collection(TimingCollection.Name)]
public class TsneTiming(ITestOutputHelper output)
{
    [Fact]
    public void TimingBarnesHut3000x50()
    {
        var (x, labels) = TsneTests.Blobs(3000, 50, 10, 3.0, 5);
        var sw = Stopwatch.StartNew();
        var r = Tsne.Fit(x, new TsneOptions());
        double seconds = sw.Elapsed.TotalSeconds;
        var km = KMeans.Fit(r.Embedding, new KMeansOptions(10, Restarts: 3));
        output.WriteLine($"t-SNE Barnes-Hut 3000 x 50: {seconds:F2} s on {Environment.ProcessorCount} cores, KL {r.KlDivergence:F4}, " +
                         $"{r.Iterations} steps, k-means ARI {ClusterMetrics.Evaluate(labels, km.Labels).ARI:F3}");
        Assert.True(double.IsFinite(r.KlDivergence));
    }
}
