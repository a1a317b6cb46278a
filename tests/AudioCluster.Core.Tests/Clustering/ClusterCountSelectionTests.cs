using AudioCluster.Clustering;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Clustering;

public class ClusterCountSelectionTests(ITestOutputHelper output)
{
    void Print(ClusterCountSelectionResult r)
    {
        output.WriteLine($"{r.Criterion}: chose k = {r.ClusterCount} ({(r.HigherIsBetter ? "higher" : "lower")} is better)");
        foreach (var p in r.Curve) output.WriteLine($"  k = {p.ClusterCount,2}  {p.Score:G6}");
    }

    [Fact]
    public void SilhouetteFindsTheBlobCountWithKMeans()
    {
        var (x, _) = MixtureTestData.Blobs(500, 4, 5, 1.0, seed: 31);
        var r = ClusterCountSelection.BySilhouette(x, 2, 8, k => KMeans.Fit(x, new KMeansOptions(k, Restarts: 3)).Labels);
        Print(r);
        Assert.Equal(5, r.ClusterCount);
        Assert.Equal(7, r.Curve.Count);
        Assert.Equal(Enumerable.Range(2, 7), r.Curve.Select(p => p.ClusterCount));
    }

    [Fact]
    public void BicFindsTheComponentCount()
    {
        var (x, _) = MixtureTestData.Blobs(450, 2, 3, 1.0, seed: 12);
        var r = ClusterCountSelection.ByBic(x, 1, 6);
        Print(r);
        Assert.Equal(3, r.ClusterCount);
        Assert.False(r.HigherIsBetter);
    }

    [Fact]
    public void EigengapFindsTheBlobCount()
    {
        var (x, _) = MixtureTestData.Blobs(400, 3, 4, 0.8, seed: 13, box: 20);
        var r = ClusterCountSelection.ByEigengap(x, 1, 8);
        Print(r);
        Assert.Equal(4, r.ClusterCount);
    }

    [Fact]
    public void EigengapFromGivenEigenvalues()
    {
        var r = ClusterCountSelection.ByEigengap([0, 0.01, 0.02, 0.5, 0.6], 1, 4);
        Assert.Equal(3, r.ClusterCount);
        Assert.Equal(0.48, r.Curve[2].Score, 12);
    }

    [Fact]
    public void UnscorablePartitionsAreSkippedAndTiesGoToTheSmallestK()
    {
        var (x, _) = MixtureTestData.Blobs(30, 2, 3, 1.0, seed: 1);
        // k = 2 yields a single cluster (NaN); k = 3 and 4 the same partition (tie).
        int[] Labels(int k) => k == 2 ? new int[30] : Enumerable.Range(0, 30).Select(i => i % 3).ToArray();
        var r = ClusterCountSelection.BySilhouette(x, 2, 4, Labels);
        Assert.True(double.IsNaN(r.Curve[0].Score));
        Assert.Equal(3, r.ClusterCount);
        Assert.Throws<InvalidOperationException>(() => ClusterCountSelection.BySilhouette(x, 2, 3, _ => new int[30]));
    }

    [Fact]
    public void BadRangesFailBeforeWork()
    {
        var (x, _) = MixtureTestData.Blobs(30, 2, 3, 1.0, seed: 1);
        int calls = 0;
        int[] Count(int k) { calls++; return new int[30]; }
        Assert.Throws<ArgumentException>(() => ClusterCountSelection.BySilhouette(x, 1, 4, Count));
        Assert.Throws<ArgumentException>(() => ClusterCountSelection.BySilhouette(x, 5, 4, Count));
        Assert.Throws<ArgumentException>(() => ClusterCountSelection.BySilhouette(x, 2, 30, Count));
        Assert.Throws<ArgumentException>(() => ClusterCountSelection.ByBic(x, 0, 3));
        Assert.Throws<ArgumentException>(() => ClusterCountSelection.ByEigengap([0, 0.1, 0.2], 1, 3));
        Assert.Equal(0, calls);
    }
}
