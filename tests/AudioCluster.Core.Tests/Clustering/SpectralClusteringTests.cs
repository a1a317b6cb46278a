using AudioCluster.Clustering;
using AudioCluster.Metrics;
using MathNet.Numerics.LinearAlgebra;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Clustering;

public class SpectralClusteringTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("spectral_moons_200")]
    [InlineData("spectral_circles_200")]
    public void MatchesScikitLearnReference(string id)
    {
        var e = MixtureTestData.Entry(id);
        var x = MixtureTestData.Dataset(e.GetProperty("data").GetString()!);
        var ex = e.GetProperty("expected");
        var r = SpectralClustering.Fit(x, new SpectralClusteringOptions(2));
        double ari = ClusterMetrics.Evaluate(MixtureTestData.Ints(ex.GetProperty("labels")), r.Labels).ARI;
        output.WriteLine($"{id}: ARI vs sklearn {ari:R}; components {r.ConnectedComponents} (sklearn {ex.GetProperty("affinity_graph_connected_components").GetInt32()}); eigenvalues {string.Join(", ", r.Eigenvalues.Select(v => v.ToString("G6")))}");
        Assert.Equal(1.0, ari, 12);
        Assert.Equal(ex.GetProperty("affinity_graph_connected_components").GetInt32(), r.ConnectedComponents);
        Assert.Equal(3, r.Eigenvalues.Length);
        Assert.True(Math.Abs(r.Eigenvalues[0]) < 1e-9);
    }

    // The same Laplacian built densely and solved by MathNet: the sparse Lanczos path must agree.
    static double[] DenseLaplacianEigenvalues(DataMatrix x, int neighbors)
    {
        int n = x.Rows;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            var d = Enumerable.Range(0, n).Select(j => (D: Enumerable.Range(0, x.Columns).Sum(t => (x[i, t] - x[j, t]) * (x[i, t] - x[j, t])), J: j))
                .OrderBy(p => p.D).ThenBy(p => p.J).Take(neighbors);
            foreach (var (_, j) in d) a[i, j] = 1;
        }
        var w = Matrix<double>.Build.Dense(n, n, (i, j) => i == j ? 0 : 0.5 * (a[i, j] + a[j, i]));
        var deg = w.RowSums();
        var l = Matrix<double>.Build.Dense(n, n, (i, j) => (i == j ? 1 : 0) - w[i, j] / Math.Sqrt(deg[i] * deg[j]));
        return l.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderBy(v => v).ToArray();
    }

    [Fact]
    public void LanczosEigenvaluesEqualDenseOnes()
    {
        var (x, _) = MixtureTestData.Blobs(240, 3, 4, 2.5, seed: 8);
        var dense = DenseLaplacianEigenvalues(x, 10);
        var sparse = SpectralClustering.LaplacianEigenvalues(x, 8);
        output.WriteLine("dense : " + string.Join(", ", dense.Take(8).Select(v => v.ToString("G8"))));
        output.WriteLine("sparse: " + string.Join(", ", sparse.Select(v => v.ToString("G8"))));
        for (int i = 0; i < 8; i++) Assert.True(Math.Abs(dense[i] - sparse[i]) < 1e-9, $"eigenvalue {i}: {sparse[i]} vs {dense[i]}");
    }

    [Fact]
    public void DisconnectedGraphGivesOneZeroPerComponent()
    {
        // Three far-apart tight blobs: the 5-NN graph has three components.
        var (x, truth) = MixtureTestData.Blobs(150, 2, 3, 0.3, seed: 3, box: 50);
        var r = SpectralClustering.Fit(x, new SpectralClusteringOptions(3, Neighbors: 5));
        Assert.Equal(3, r.ConnectedComponents);
        Assert.All(r.Eigenvalues.Take(3), v => Assert.True(Math.Abs(v) < 1e-9));
        Assert.True(r.Eigenvalues[3] > 1e-3);
        Assert.Equal(1.0, ClusterMetrics.Evaluate(truth, r.Labels).ARI, 12);
    }

    [Fact]
    public void ResultsIgnoreThreadCount()
    {
        var (x, _) = MixtureTestData.Blobs(400, 4, 5, 2.0, seed: 6);
        var a = SpectralClustering.Fit(x, new SpectralClusteringOptions(5, Seed: 2));
        var b = SpectralClustering.Fit(x, new SpectralClusteringOptions(5, Seed: 2) { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Eigenvalues, b.Eigenvalues);
        Assert.Equal(a.Embedding.Data, b.Embedding.Data);
    }

    [Fact]
    public void BadOptionsFailBeforeWork()
    {
        var (x, _) = MixtureTestData.Blobs(20, 2, 2, 1.0, seed: 1);
        Assert.Throws<ArgumentException>(() => SpectralClustering.Fit(x, new SpectralClusteringOptions(21)));
        Assert.Throws<ArgumentException>(() => SpectralClustering.Fit(x, new SpectralClusteringOptions(0)));
        Assert.Contains("Neighbors", Assert.Throws<ArgumentException>(() => SpectralClustering.Fit(x, new SpectralClusteringOptions(2, Neighbors: 21))).Message);
        Assert.Throws<ArgumentException>(() => SpectralClustering.Fit(x, new SpectralClusteringOptions(2, Neighbors: 1)));
        Assert.Throws<ArgumentException>(() => SpectralClustering.Fit(x, new SpectralClusteringOptions(2, Restarts: 0)));
        Assert.Throws<ArgumentException>(() => SpectralClustering.LaplacianEigenvalues(x, 21));
    }
}
