using AudioCluster.Clustering;
using AudioCluster.Metrics;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Clustering;

public class MiniBatchKMeansTests(ITestOutputHelper output)
{
    [Fact]
    public void FindsSeparatedBlobsWithNearlyTheInertiaOfFullKMeans()
    {
        var (x, truth) = MixtureTestData.Blobs(6000, 8, 6, 1.0, seed: 21);
        var mb = MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(6, Seed: 1));
        var full = KMeans.Fit(x, new KMeansOptions(6, Restarts: 3, Seed: 1));
        output.WriteLine($"mini-batch inertia {mb.Inertia:F3} after {mb.Iterations} passes (converged {mb.Converged}); full {full.Inertia:F3}; ratio {mb.Inertia / full.Inertia:F5}");
        Assert.Equal(1.0, ClusterMetrics.Evaluate(truth, mb.Labels).ARI, 12);
        Assert.True(mb.Inertia <= full.Inertia * 1.01);
        Assert.True(mb.Converged);
        Assert.Equal(mb.Labels, mb.Predict(x));
    }

    [SkippableFact]
    public void ReferenceBlobsReachScikitLearnsOptimumClosely()
    {
        var e = MixtureTestData.Entry("kmeans_ninit10_blobs_300x4");
        var x = MixtureTestData.Dataset(e.GetProperty("data").GetString()!);
        double best = e.GetProperty("expected").GetProperty("inertia").GetDouble();
        var r = MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(5, BatchSize: 64));
        output.WriteLine($"inertia {r.Inertia:R} vs sklearn KMeans best {best:R} (ratio {r.Inertia / best:F6}), {r.Iterations} passes");
        Assert.True(r.Inertia <= best * 1.01, $"inertia {r.Inertia} vs {best}");
    }

    [Fact]
    public void SmallClustersAreReassignedAndResultsIgnoreThreadCount()
    {
        // Many centres for few blobs: reassignment keeps every centre in use.
        var (x, _) = MixtureTestData.Blobs(3000, 4, 5, 1.5, seed: 9);
        var a = MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(40, BatchSize: 256, Seed: 4));
        var b = MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(40, BatchSize: 256, Seed: 4) { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Centers.Data, b.Centers.Data);
        Assert.Equal(a.Inertia, b.Inertia);
        Assert.Equal(40, a.Labels.Distinct().Count());
        var c = MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(40, BatchSize: 256, Seed: 5));
        Assert.NotEqual(a.Centers.Data, c.Centers.Data);
    }

    [Fact]
    public void ToleranceAndIterationLimitsStopTheRun()
    {
        var (x, _) = MixtureTestData.Blobs(2000, 3, 4, 1.0, seed: 2);
        var once = MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(4, BatchSize: 100, MaxIterations: 1, MaxNoImprovement: 0));
        Assert.Equal(1, once.Iterations);
        Assert.False(once.Converged);
        var tol = MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(4, BatchSize: 100, Tolerance: 1e-2, MaxNoImprovement: 0));
        Assert.True(tol.Converged);
        Assert.True(tol.Iterations < 100);
    }

    [Fact]
    public void BadOptionsFailBeforeWork()
    {
        var (x, _) = MixtureTestData.Blobs(10, 2, 2, 1.0, seed: 1);
        Assert.Throws<ArgumentException>(() => MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(11)));
        Assert.Throws<ArgumentException>(() => MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(2, BatchSize: 0)));
        Assert.Throws<ArgumentException>(() => MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(2, MaxNoImprovement: -1)));
        Assert.Throws<ArgumentException>(() => MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(2, ReassignmentRatio: double.NaN)));
        Assert.Throws<ArgumentException>(() => MiniBatchKMeans.Fit(x, new MiniBatchKMeansOptions(2, InitSize: -3)));
    }
}
