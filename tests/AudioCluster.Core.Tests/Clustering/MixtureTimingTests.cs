using System.Diagnostics;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Clustering;

/// <summary>Prints timings of the heavier methods; nothing here asserts on time.</summary>
[Trait("Category", "Timing")]
public class MixtureTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void PrintTimings()
    {
        var (x208, l208) = MixtureTestData.Blobs(3000, 208, 10, 4.0, seed: 1);
        InternalMetrics.Silhouette(new DataMatrix(x208.Data[..(200 * 208)], 200, 208), l208[..200]);   // JIT warm-up
        var sw = Stopwatch.StartNew();
        double s = InternalMetrics.Silhouette(x208, l208);
        output.WriteLine($"silhouette 3000 x 208, k = 10: {sw.Elapsed.TotalSeconds:F3} s (score {s:F4}, {Environment.ProcessorCount} cores)");
        sw.Restart();
        var q = InternalMetrics.Evaluate(x208, l208);
        output.WriteLine($"all three internal indices 3000 x 208: {sw.Elapsed.TotalSeconds:F3} s (CH {q.CalinskiHarabasz:F1}, DB {q.DaviesBouldin:F4})");

        // Overlapping blobs, so that EM and the eigen solver have real work to do.
        var (x32, _) = MixtureTestData.Blobs(3000, 32, 10, 6.0, seed: 2, box: 5);
        sw.Restart();
        var g = GaussianMixture.Fit(x32, new GaussianMixtureOptions(10, CovarianceType.Full));
        output.WriteLine($"GMM full 3000 x 32, k = 10: {sw.Elapsed.TotalSeconds:F3} s ({g.Iterations} EM iterations, converged {g.Converged}, {sw.Elapsed.TotalMilliseconds / (g.Iterations + 1):F1} ms per iteration)");
        sw.Restart();
        g = GaussianMixture.Fit(x32, new GaussianMixtureOptions(10, CovarianceType.Diagonal));
        output.WriteLine($"GMM diagonal 3000 x 32, k = 10: {sw.Elapsed.TotalSeconds:F3} s ({g.Iterations} EM iterations)");
        sw.Restart();
        var sc = SpectralClustering.Fit(x32, new SpectralClusteringOptions(10));
        output.WriteLine($"spectral 3000 x 32, k = 10: {sw.Elapsed.TotalSeconds:F3} s ({sc.ConnectedComponents} graph components)");
        sw.Restart();
        var mb = MiniBatchKMeans.Fit(x208, new MiniBatchKMeansOptions(10));
        output.WriteLine($"mini-batch k-means 3000 x 208, k = 10: {sw.Elapsed.TotalSeconds:F3} s ({mb.Iterations} passes)");
    }
}
