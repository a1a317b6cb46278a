using AudioCluster.Clustering;
using Xunit.Abstractions;
using static AudioCluster.Tests.Clustering.ClusteringTestData;

namespace AudioCluster.Tests.Clustering;

public class MeanShiftTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void MatchesScikitLearn()
    {
        var e = ClusteringReference.Entry("meanshift");
        var x = ClusteringReference.Data(e);
        var ex = e.GetProperty("expected");
        double expectedBandwidth = ex.GetProperty("bandwidth").GetDouble();

        double bandwidth = MeanShift.EstimateBandwidth(x, 0.3);
        output.WriteLine($"bandwidth {bandwidth:R} (sklearn {expectedBandwidth:R})");
        Assert.True(Math.Abs(bandwidth - expectedBandwidth) <= 1e-12 * expectedBandwidth);

        var r = MeanShift.Fit(x, new MeanShiftOptions(bandwidth));
        var centers = Matrix(ex.GetProperty("cluster_centers"));
        Assert.Equal(centers.Rows, r.ClusterCount);
        double worst = 0;
        for (int c = 0; c < centers.Rows; c++)
            for (int j = 0; j < centers.Columns; j++) worst = Math.Max(worst, Math.Abs(centers[c, j] - r.Centers[c, j]));
        output.WriteLine($"largest centre difference {worst:E2}; intensities {string.Join(", ", r.Intensities)}; n_iter {r.Iterations}");
        Assert.True(worst <= 1e-3, $"centres differ by {worst}");
        Assert.Equal(Ints(ex.GetProperty("labels")), r.Labels);
        Assert.Equal(ex.GetProperty("n_iter").GetInt32(), r.Iterations);
        // Bandwidth = null estimates it the same way.
        Assert.Equal(bandwidth, MeanShift.Fit(x, new MeanShiftOptions()).Bandwidth);
    }

    [Fact]
    public void BandwidthIsTheMeanDistanceToTheKthNeighbourCountingThePoint()
    {
        var x = DataMatrix.FromRows(new[] { 0.0, 1, 3, 7 }.Select(v => new[] { v }).ToList());
        // k = int(4 * 0.5) = 2: the nearest other point, at 1, 1, 2 and 4.
        Assert.Equal(2.0, MeanShift.EstimateBandwidth(x, 0.5));
        // k = 4: the farthest point, at 7, 6, 4 and 7.
        Assert.Equal(6.0, MeanShift.EstimateBandwidth(x, 1.0));
        // k = int(4 * 0.1) = 0 is raised to 1: the point itself.
        Assert.Equal(0.0, MeanShift.EstimateBandwidth(x, 0.1));
        // A sample of every point is the whole set.
        Assert.Equal(2.0, MeanShift.EstimateBandwidth(x, 0.5, sampleCount: 4));
    }

    [Fact]
    public void BinSeedingFindsTheSameModes()
    {
        var (x, truth) = Blobs(400, 3, 4, 1.0, 81, box: 15);
        var all = MeanShift.Fit(x, new MeanShiftOptions(4.0));
        var binned = MeanShift.Fit(x, new MeanShiftOptions(4.0, BinSeeding: true));
        Assert.Equal(4, all.ClusterCount);
        Assert.Equal(1.0, Ari(truth, all.Labels));
        Assert.Equal(all.Labels, binned.Labels);
        for (int c = 0; c < 4; c++)
            for (int j = 0; j < 3; j++) Assert.Equal(all.Centers[c, j], binned.Centers[c, j], 0.05);
    }

    [Fact]
    public void WithoutClusterAllFarPointsAreNoise()
    {
        var (blobs, _) = Blobs(100, 2, 2, 0.5, 91, box: 10);
        var x = Stack(blobs, DataMatrix.FromRows(new[] { new[] { 100.0, 100.0 } }));
        // Bin seeds with at least 5 points: the outlier seeds nothing.
        var r = MeanShift.Fit(x, new MeanShiftOptions(2.0, BinSeeding: true, MinBinFrequency: 5, ClusterAll: false));
        Assert.Equal(2, r.ClusterCount);
        Assert.Equal(-1, r.Labels[^1]);
        Assert.DoesNotContain(-1, r.Labels.Take(100));
        var all = MeanShift.Fit(x, new MeanShiftOptions(2.0, BinSeeding: true, MinBinFrequency: 5));
        Assert.NotEqual(-1, all.Labels[^1]);
    }

    [Theory]
    [InlineData(0.0, 1, 300, "Bandwidth must be > 0")]
    [InlineData(-2.0, 1, 300, "Bandwidth must be > 0")]
    [InlineData(double.NaN, 1, 300, "Bandwidth must be > 0")]
    [InlineData(1.0, 0, 300, "MinBinFrequency must be at least 1")]
    [InlineData(1.0, 1, -1, "MaxIterations must be >= 0")]
    public void BadOptionsFailBeforeAnyWork(double bandwidth, int minBinFrequency, int maxIterations, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => MeanShift.Fit(Uniform(20, 2, 0, 1, 1),
            new MeanShiftOptions(bandwidth, MinBinFrequency: minBinFrequency, MaxIterations: maxIterations)));
        Assert.Contains(message, ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MeanShift.EstimateBandwidth(Uniform(20, 2, 0, 1, 1), 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MeanShift.EstimateBandwidth(Uniform(20, 2, 0, 1, 1), 0.3, sampleCount: 21));
    }

    [Fact]
    public void SameResultWhateverTheThreadCount()
    {
        var (x, _) = Blobs(600, 8, 4, 2.0, 101, box: 20);
        var a = MeanShift.Fit(x, new MeanShiftOptions());
        var b = MeanShift.Fit(x, new MeanShiftOptions() { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.Bandwidth, b.Bandwidth);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Centers.Data, b.Centers.Data);
    }

    [Fact]
    public void CancellationStopsTheFit()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => MeanShift.Fit(Uniform(400, 4, 0, 1, 2), new MeanShiftOptions(0.3), cts.Token));
    }
}
