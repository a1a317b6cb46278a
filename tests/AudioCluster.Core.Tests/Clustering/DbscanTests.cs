using AudioCluster.Clustering;
using Xunit.Abstractions;
using static AudioCluster.Tests.Clustering.ClusteringTestData;

namespace AudioCluster.Tests.Clustering;

public class DbscanTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("dbscan_min5")]
    [InlineData("dbscan_min10")]
    public void MatchesScikitLearnExactly(string id)
    {
        var e = ClusteringReference.Entry(id);
        var p = e.GetProperty("params");
        var ex = e.GetProperty("expected");
        var r = Dbscan.Fit(ClusteringReference.Data(e), new DbscanOptions(p.GetProperty("eps").GetDouble(), p.GetProperty("min_samples").GetInt32()));
        var labels = Ints(ex.GetProperty("labels"));
        Assert.Equal(Ints(ex.GetProperty("core_sample_indices")), r.CoreSampleIndices);
        Assert.Equal(labels.Select(l => l == -1), r.Labels.Select(l => l == -1));
        Assert.Equal(labels, r.Labels);
        Assert.Equal(ex.GetProperty("n_clusters").GetInt32(), r.ClusterCount);
        Assert.Equal(ex.GetProperty("n_noise").GetInt32(), r.NoiseCount);
        Assert.False(r.EpsEstimated);
    }

    [Fact]
    public void MatchesTheShippedScikitLearnExcerpt()
    {
        var f = ClusteringReference.Fixture("dbscan_min5");
        var r = Dbscan.Fit(Matrix(f.GetProperty("X")), new DbscanOptions(f.GetProperty("eps").GetDouble(), f.GetProperty("min_samples").GetInt32()));
        Assert.Equal(Ints(f.GetProperty("core_sample_indices")), r.CoreSampleIndices);
        Assert.Equal(Ints(f.GetProperty("labels")), r.Labels);
    }

    [Fact]
    public void BorderPointJoinsTheFirstClusterThatReachesIt()
    {
        // Two dense groups on a line with one point between them, within eps of both.
        double[] xs = [0, 0.1, 0.2, 0.3, 1.0, 1.7, 1.8, 1.9, 2.0];
        var x = DataMatrix.FromRows(xs.Select(v => new[] { v }).ToList());
        var r = Dbscan.Fit(x, new DbscanOptions(0.75, 4));
        Assert.Equal(new[] { 0, 1, 2, 3, 5, 6, 7, 8 }, r.CoreSampleIndices);
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 1, 1, 1, 1 }, r.Labels);
        // Numbered from the lowest core point: mirrored, the right group is found first.
        var mirrored = DataMatrix.FromRows(xs.Select(v => new[] { 2 - v }).ToList());
        Assert.Equal(new[] { 0, 0, 0, 0, 0, 1, 1, 1, 1 }, Dbscan.Fit(mirrored, new DbscanOptions(0.75, 4)).Labels);
    }

    [Fact]
    public void AutomaticEpsFindsBlobsAndLeavesNoiseOut()
    {
        var (blobs, truth) = BlobsAt([[0, 0], [6, 0], [0, 6]], 100, 0.5, 21);
        var x = Stack(blobs, Uniform(30, 2, -10, 16, 22));
        var r = Dbscan.Fit(x, new DbscanOptions(MinSamples: 8));
        int noiseCaught = r.Labels.Skip(300).Count(l => l == -1);
        double ari = Ari(truth, r.Labels.Take(300).ToArray());
        output.WriteLine($"estimated eps {r.Eps:F4}: {r.ClusterCount} clusters, {r.NoiseCount} noise, {noiseCaught}/30 uniform points as noise, ARI on the blobs {ari:F4}");
        Assert.True(r.EpsEstimated);
        Assert.Equal(r.Eps, Dbscan.EstimateEps(x, 8));
        Assert.Equal(3, r.ClusterCount);
        Assert.True(ari > 0.95);
        Assert.True(noiseCaught >= 20);
    }

    [Fact]
    public void EstimatedEpsIsTheKneeOfTheKDistances()
    {
        // With MinSamples 2 the k-distance is the distance to the nearest other point: 1 for 20
        // points on a unit grid, then growing gaps 10, 20, 40 for the outliers.
        var values = Enumerable.Range(0, 20).Select(i => (double)i).Concat([29, 49, 89]).ToList();
        var x = DataMatrix.FromRows(values.Select(v => new[] { v }).ToList());
        Assert.Equal(1.0, Dbscan.EstimateEps(x, 2));
        // All duplicates: the k-distance curve is flat at 0, and eps falls back to 1.
        Assert.Equal(1.0, Dbscan.EstimateEps(new DataMatrix(10, 3), 3));
    }

    [Fact]
    public void CosineUsesAngles()
    {
        // Two directions, each at several lengths, and a zero vector (cosine distance 1 to all).
        var rows = new List<double[]>();
        foreach (var s in new[] { 1.0, 2, 5, 10 }) { rows.Add([s, 0.01 * s]); rows.Add([0, s]); }
        rows.Add([0, 0]);
        var r = Dbscan.Fit(DataMatrix.FromRows(rows), new DbscanOptions(0.01, 3, ClusteringMetric.Cosine));
        Assert.Equal(new[] { 0, 1, 0, 1, 0, 1, 0, 1, -1 }, r.Labels);
        Assert.Equal(2, r.ClusterCount);
        Assert.Equal(1, r.NoiseCount);
    }

    [Fact]
    public void MinSamplesOneMakesEveryPointCore()
    {
        var x = Uniform(50, 2, 0, 100, 3);
        var r = Dbscan.Fit(x, new DbscanOptions(0.5, 1));
        Assert.Equal(Enumerable.Range(0, 50), r.CoreSampleIndices);
        Assert.Equal(0, r.NoiseCount);
    }

    [Theory]
    [InlineData(0.0, 5, "Eps must be > 0")]
    [InlineData(-1.0, 5, "Eps must be > 0")]
    [InlineData(double.NaN, 5, "Eps must be > 0")]
    [InlineData(double.PositiveInfinity, 5, "Eps must be > 0")]
    [InlineData(1.0, 0, "MinSamples must be at least 1")]
    public void BadOptionsFailBeforeAnyWork(double eps, int minSamples, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => Dbscan.Fit(Uniform(10, 2, 0, 1, 1), new DbscanOptions(eps, minSamples)));
        Assert.Contains(message, ex.Message);
        Assert.Contains("Unknown Metric", Assert.Throws<ArgumentException>(() =>
            Dbscan.Fit(Uniform(10, 2, 0, 1, 1), new DbscanOptions(1, 2, (ClusteringMetric)5))).Message);
    }

    [Fact]
    public void SameResultWhateverTheThreadCount()
    {
        var (x, _) = Blobs(1500, 16, 6, 3.0, 9, box: 10);
        var a = Dbscan.Fit(x, new DbscanOptions(MinSamples: 10));
        var b = Dbscan.Fit(x, new DbscanOptions(MinSamples: 10) { MaxDegreeOfParallelism = 1 });
        var c = Dbscan.Fit(x, new DbscanOptions(a.Eps, 10) { MaxDegreeOfParallelism = 3 });
        output.WriteLine($"eps {a.Eps:F4}, {a.ClusterCount} clusters, {a.NoiseCount} noise");
        foreach (var o in new[] { b, c })
        {
            Assert.Equal(a.Eps, o.Eps);
            Assert.Equal(a.Labels, o.Labels);
            Assert.Equal(a.CoreSampleIndices, o.CoreSampleIndices);
        }
    }

    [Fact]
    public void CancellationStopsTheFit()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Dbscan.Fit(Uniform(500, 4, 0, 1, 2), new DbscanOptions(0.1, 5), cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => Dbscan.Fit(Uniform(500, 4, 0, 1, 2), new DbscanOptions(), cts.Token));
    }
}
