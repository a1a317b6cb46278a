using AudioCluster.Clustering;
using Xunit.Abstractions;
using static AudioCluster.Tests.Clustering.ClusteringTestData;

namespace AudioCluster.Tests.Clustering;

public class HdbscanTests(ITestOutputHelper output)
{
    // Four blobs of two spreads, 5 apart, and a sprinkling of uniform noise over a much wider box
    // (sparse enough that its core distances exceed the gaps between the blobs).
    static (DataMatrix X, int[] Truth) BlobsAndNoise(int seed)
    {
        var (a, ta) = BlobsAt([[-2.5, -2.5], [2.5, -2.5]], 120, 0.35, seed);
        var (b, tb) = BlobsAt([[-2.5, 2.5], [2.5, 2.5]], 100, 0.6, seed + 1);
        var noise = Uniform(60, 2, -18, 18, seed + 2);
        var x = Stack(Stack(a, b), noise);
        var truth = ta.Concat(tb.Select(t => t + 2)).Concat(Enumerable.Repeat(-1, 60)).ToArray();
        return (x, truth);
    }

    [Fact]
    public void FindsTheBlobsAndLabelsMostNoiseAsNoise()
    {
        var (x, truth) = BlobsAndNoise(31);
        var r = Hdbscan.Fit(x, new HdbscanOptions(15));
        int blobPoints = 440;
        double ari = Ari(truth.Take(blobPoints).ToArray(), r.Labels.Take(blobPoints).ToArray());
        int noiseCaught = r.Labels.Skip(blobPoints).Count(l => l == -1);
        int blobsLost = r.Labels.Take(blobPoints).Count(l => l == -1);
        output.WriteLine($"{r.ClusterCount} clusters, ARI on the blob points {ari:F4}, {noiseCaught}/60 uniform points as noise, {blobsLost} blob points as noise");
        Assert.Equal(4, r.ClusterCount);
        Assert.True(ari > 0.95, $"ARI {ari}");
        Assert.True(noiseCaught >= 45, $"only {noiseCaught} of 60 noise points labelled -1");
        Assert.True(blobsLost <= 44, $"{blobsLost} blob points labelled noise");
        Assert.Equal(r.Labels.Count(l => l == -1), r.NoiseCount);
        Assert.Equal(Enumerable.Range(0, 4), r.Labels.Where(l => l >= 0).Distinct().Order());

        Assert.All(r.Probabilities, p => Assert.InRange(p, 0, 1));
        for (int i = 0; i < x.Rows; i++)
            if (r.Labels[i] < 0) Assert.Equal(0, r.Probabilities[i]);
        // Every cluster has a core that reaches probability 1, and the noise points that joined a
        // cluster sit on its fringe.
        for (int c = 0; c < 4; c++) Assert.Contains(1.0, r.Probabilities.Where((_, i) => r.Labels[i] == c));
        double meanBlob = r.Probabilities.Take(blobPoints).Where((_, i) => r.Labels[i] >= 0).Average();
        var joined = r.Probabilities.Skip(blobPoints).Where((_, i) => r.Labels[blobPoints + i] >= 0).ToList();
        if (joined.Count > 0) Assert.True(joined.Average() < meanBlob);
        Assert.Equal(x.Rows, r.CoreDistances.Length);
    }

    [Fact]
    public void CoreDistanceCountsThePointItself()
    {
        var x = DataMatrix.FromRows(new[] { 0.0, 1, 3, 6, 10 }.Select(v => new[] { v }).ToList());
        var r = Hdbscan.Fit(x, new HdbscanOptions(2, MinSamples: 2));
        Assert.Equal(new[] { 1.0, 1, 2, 3, 4 }, r.CoreDistances);
        Assert.Equal(new[] { 0.0, 0, 0, 0, 0 }, Hdbscan.Fit(x, new HdbscanOptions(2, MinSamples: 1)).CoreDistances);
    }

    [Fact]
    public void LeafSelectionSplitsAtLeastAsFinely()
    {
        var (x, _) = BlobsAndNoise(41);
        var eom = Hdbscan.Fit(x, new HdbscanOptions(10));
        var leaf = Hdbscan.Fit(x, new HdbscanOptions(10) { Selection = HdbscanSelection.Leaf });
        output.WriteLine($"excess of mass: {eom.ClusterCount} clusters; leaf: {leaf.ClusterCount}");
        Assert.True(leaf.ClusterCount >= eom.ClusterCount);
        Assert.True(eom.ClusterCount >= 4);
    }

    [Fact]
    public void OneGroupIsAClusterOnlyWhenASingleClusterIsAllowed()
    {
        // Eight close points and an outlier (hdbscan issue #492: the library, with min_samples=1,
        // that is MinSamples 2 here, calls every point noise unless a single cluster is allowed).
        var x = DataMatrix.FromRows(new double[][]
        {
            [0.36789608, 0.17779213, 0.83797550, 0.77753013], [0.36628222, 0.17353597, 0.83745314, 0.78465497],
            [0.37088317, 0.17572623, 0.84084779, 0.78386849], [0.36569396, 0.17433393, 0.83739746, 0.78440967],
            [0.36793751, 0.17673337, 0.84037548, 0.78139651], [0.36722952, 0.17239252, 0.83743829, 0.78435159],
            [0.88804066, 0.81364667, 0.99931133, 1.0], [0.36865044, 0.18000209, 0.83752632, 0.78532994],
            [0.36644703, 0.17631954, 0.83802074, 0.78327519],
        });
        var none = Hdbscan.Fit(x, new HdbscanOptions(2, MinSamples: 2));
        Assert.All(none.Labels, l => Assert.Equal(-1, l));
        Assert.Equal(0, none.ClusterCount);
        var single = Hdbscan.Fit(x, new HdbscanOptions(2, MinSamples: 2) { AllowSingleCluster = true });
        output.WriteLine($"single cluster allowed: [{string.Join(" ", single.Labels)}]");
        Assert.Equal(1, single.ClusterCount);
        Assert.Equal(-1, single.Labels[6]);

        // A pile of duplicates: one cluster of everything when allowed, all noise otherwise.
        var pile = new DataMatrix(50, 2);
        pile.Data.AsSpan().Fill(1.0);
        Assert.All(Hdbscan.Fit(pile, new HdbscanOptions(5) { AllowSingleCluster = true }).Labels, l => Assert.Equal(0, l));
        Assert.All(Hdbscan.Fit(pile, new HdbscanOptions(5)).Labels, l => Assert.Equal(-1, l));
    }

    [Fact]
    public void DuplicatePointsAndCosineWork()
    {
        // 30 copies of one point (distance 0: lambda infinite) next to a blob.
        var (blob, _) = Blobs(60, 2, 1, 0.5, 61, box: 5);
        var copies = new DataMatrix(30, 2);
        for (int i = 0; i < 30; i++) { copies[i, 0] = 40; copies[i, 1] = 40; }
        var r = Hdbscan.Fit(Stack(blob, copies), new HdbscanOptions(10));
        Assert.Equal(2, r.ClusterCount);
        Assert.All(r.Labels.Skip(60), l => Assert.Equal(r.Labels[60], l));
        Assert.All(r.Probabilities.Skip(60), p => Assert.Equal(1.0, p));

        // Cosine: two directions at many lengths form two clusters.
        var rows = new List<double[]>();
        var rng = new Random(3);
        for (int i = 0; i < 80; i++)
        {
            double s = 1 + 9 * rng.NextDouble(), a = (i % 2 == 0 ? 0.3 : 1.2) + 0.02 * (rng.NextDouble() - 0.5);
            rows.Add([s * Math.Cos(a), s * Math.Sin(a)]);
        }
        var cos = Hdbscan.Fit(DataMatrix.FromRows(rows), new HdbscanOptions(10, Metric: ClusteringMetric.Cosine));
        Assert.Equal(2, cos.ClusterCount);
        Assert.Equal(1.0, Ari(Enumerable.Range(0, 80).Select(i => i % 2).ToArray(), cos.Labels));
    }

    [Theory]
    [InlineData(1, null, "MinClusterSize must be at least 2")]
    [InlineData(5, 0, "MinSamples must be at least 1")]
    [InlineData(5, 40, "MinSamples=40 is more than the 30 points")]
    [InlineData(31, null, "more than the 30 points")]
    public void BadOptionsFailBeforeAnyWork(int minClusterSize, int? minSamples, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => Hdbscan.Fit(Uniform(30, 2, 0, 1, 1), new HdbscanOptions(minClusterSize, minSamples)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void SameResultWhateverTheThreadCount()
    {
        var (x, _) = Blobs(1200, 16, 5, 4.0, 71, box: 15);
        var a = Hdbscan.Fit(x, new HdbscanOptions(20));
        var b = Hdbscan.Fit(x, new HdbscanOptions(20) { MaxDegreeOfParallelism = 1 });
        var c = Hdbscan.Fit(x, new HdbscanOptions(20) { MaxDegreeOfParallelism = 3 });
        output.WriteLine($"{a.ClusterCount} clusters, {a.NoiseCount} noise");
        foreach (var o in new[] { b, c })
        {
            Assert.Equal(a.Labels, o.Labels);
            Assert.Equal(a.Probabilities, o.Probabilities);
        }
    }

    [Fact]
    public void CancellationStopsTheFit()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Hdbscan.Fit(Uniform(500, 4, 0, 1, 2), new HdbscanOptions(), cts.Token));
    }
}
