using System.Diagnostics;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Clustering;

public class KMeansTests(ITestOutputHelper output)
{
    // Gaussian blobs around well-separated random centres; truth[i] is the blob of point i.
    static (DataMatrix X, int[] Truth) Blobs(int n, int d, int k, double spread, int seed)
    {
        var rng = new Random(seed);
        var centres = new double[k, d];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) centres[c, j] = rng.NextDouble() * 100 - 50;
        var x = new DataMatrix(n, d);
        var truth = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = truth[i] = i % k;
            for (int j = 0; j < d; j++)
            {
                // Box-Muller normal noise.
                double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                x[i, j] = centres[c, j] + spread * g;
            }
        }
        return (x, truth);
    }

    [Fact]
    public void SeparableBlobsArePartitionedPerfectly()
    {
        var (x, truth) = Blobs(600, 8, 6, 1.0, 1);
        var r = KMeans.Fit(x, new KMeansOptions(6, Seed: 3));
        Assert.Equal(1.0, ClusterMetrics.Evaluate(truth, r.Labels).ARI);
        Assert.True(r.Converged);
        Assert.Equal(6, r.ClusterCount);
        Assert.Equal(600, r.Distances.Length);
        // Inertia is the sum of the squared distances reported per point.
        Assert.Equal(r.Inertia, r.Distances.Sum(v => v * v), 1e-9 * r.Inertia);
    }

    [Theory]
    [InlineData(1.0)]       // unit-sized coordinates
    [InlineData(1e6)]       // far from the origin
    [InlineData(1e-30)]     // tiny values (float32 would underflow without scaling)
    public void NearTiesAreDecidedAsInDoublePrecision(double scale)
    {
        // Centres a + u and a - u; each point is placed so that the criteria ||c||^2 - 2 x.c of the two
        // centres differ by eps, from 1e-5 down to 1e-10 of |x| |c|: below float32's resolution of the
        // dot products, above double's. The labels must be those of the double-precision criterion.
        const int d = 96;
        var rng = new Random(5);
        double[] Random(double size) => Enumerable.Range(0, d).Select(_ => (rng.NextDouble() * 2 - 1) * size).ToArray();
        var a = Random(50 * scale);
        var u = Random(scale);
        var centres = new DataMatrix(2, d);
        for (int j = 0; j < d; j++) { centres[0, j] = a[j] + u[j]; centres[1, j] = a[j] - u[j]; }
        var model = KMeans.Fit(centres, new KMeansOptions(2, Init: KMeansInit.Explicit, InitialCenters: centres));
        Assert.Equal(2, model.Centers.Rows);

        static double Dot(ReadOnlySpan<double> p, ReadOnlySpan<double> q) { double s = 0; for (int j = 0; j < p.Length; j++) s += p[j] * q[j]; return s; }
        var c0 = model.Centers.Row(0).ToArray();
        var c1 = model.Centers.Row(1).ToArray();
        var x = new DataMatrix(400, d);
        var expected = new int[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            var w = Random(100 * scale);
            double size = Math.Sqrt(Dot(w, w) * Dot(c0, c0));
            double eps = (i % 2 == 0 ? 1 : -1) * Math.Pow(10, -5 - i % 6) * size;
            // v0 - v1 = ||c0||^2 - ||c1||^2 - 2 x.(c0 - c1): choose x = w + t (c0 - c1) to make it eps.
            var diff = c0.Zip(c1, (p, q) => p - q).ToArray();
            double target = (Dot(c0, c0) - Dot(c1, c1) - eps) / 2;
            double t = (target - Dot(w, diff)) / Dot(diff, diff);
            for (int j = 0; j < d; j++) x[i, j] = w[j] + t * diff[j];
            var xi = x.Row(i);
            expected[i] = Dot(c1, c1) - 2 * Dot(xi, c1) < Dot(c0, c0) - 2 * Dot(xi, c0) ? 1 : 0;
        }
        Assert.Equal(expected, model.Predict(x));
        Assert.Contains(0, expected);
        Assert.Contains(1, expected);
    }

    [Fact]
    public void SameSeedSameResultWhateverTheThreadCount()
    {
        var (x, _) = Blobs(3000, 64, 10, 15.0, 2);
        var a = KMeans.Fit(x, new KMeansOptions(10, Seed: 7));
        var b = KMeans.Fit(x, new KMeansOptions(10, Seed: 7));
        var c = KMeans.Fit(x, new KMeansOptions(10, Seed: 7) { MaxDegreeOfParallelism = 1 });
        var d = KMeans.Fit(x, new KMeansOptions(10, Seed: 7) { MaxDegreeOfParallelism = 3 });
        foreach (var o in new[] { b, c, d })
        {
            Assert.Equal(a.Labels, o.Labels);
            Assert.Equal(a.Centers.Data, o.Centers.Data);
            Assert.Equal(a.Inertia, o.Inertia);
            Assert.Equal(a.Iterations, o.Iterations);
            Assert.Equal(a.BestRestart, o.BestRestart);
        }
        var other = KMeans.Fit(x, new KMeansOptions(10, Restarts: 1, Seed: 8));
        var same = KMeans.Fit(x, new KMeansOptions(10, Restarts: 1, Seed: 8));
        Assert.Equal(other.Labels, same.Labels);
    }

    [Fact]
    public void ExplicitInitOnAHandExample()
    {
        var x = new DataMatrix(new double[] { 0, 1, 10, 11, 12 }, 5, 1);
        var init = new DataMatrix(new double[] { 0, 1 }, 2, 1);
        var r = KMeans.Fit(x, new KMeansOptions(2, Init: KMeansInit.Explicit, InitialCenters: init));
        Assert.Equal(new[] { 0, 0, 1, 1, 1 }, r.Labels);
        Assert.Equal(0.5, r.Centers[0, 0], 1e-12);
        Assert.Equal(11.0, r.Centers[1, 0], 1e-12);
        Assert.Equal(0.25 * 2 + 1 + 0 + 1, r.Inertia, 1e-12);
        // Iteration 1: {0} and {1,10,11,12}; 2: {0,1} and {10,11,12}; 3: no change.
        Assert.Equal(3, r.Iterations);
        Assert.Equal(new[] { 0.5, 0.5, 1, 0, 1 }, r.Distances.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void EmptyClusterTakesTheFarthestPoint()
    {
        // The centre at 100 wins no point; it is moved to the point farthest from its centre (20).
        var x = new DataMatrix(new double[] { 0, 0.1, 0.2, 10, 20 }, 5, 1);
        var init = new DataMatrix(new double[] { 0, 100, 10 }, 3, 1);
        var r = KMeans.Fit(x, new KMeansOptions(3, Init: KMeansInit.Explicit, InitialCenters: init));
        Assert.Equal(new[] { 0, 0, 0, 2, 1 }, r.Labels);
        Assert.Equal(20.0, r.Centers[1, 0], 1e-12);
        Assert.Equal(10.0, r.Centers[2, 0], 1e-12);
    }

    [Fact]
    public void EmptyClusterSplitsAPerturbedCopyOfANonEmptyOneWhenAsked()
    {
        // DeepCluster's rule: the centre at 100 wins no point and becomes a copy of a non-empty cluster's centre,
        // nudged apart from it, so the next assignment splits that cluster's points between the two.
        var x = new DataMatrix(new double[] { 0, 0.1, 0.2, 10, 20 }, 5, 1);
        var init = new DataMatrix(new double[] { 0, 100, 10 }, 3, 1);
        var options = new KMeansOptions(3, Init: KMeansInit.Explicit, InitialCenters: init, Seed: 4) { EmptyClusters = KMeansEmptyClusters.SplitPerturbed };
        var r = KMeans.Fit(x, options);
        Assert.Equal(3, r.Labels.Distinct().Count());
        for (int c = 0; c < 3; c++) Assert.InRange(r.Centers[c, 0], 0.0, 20.0);
        Assert.Equal(r.Labels, KMeans.Fit(x, options).Labels);
    }

    [Fact]
    public void DuplicatePointsWithKEqualToNStillGiveKClusters()
    {
        var x = new DataMatrix(new double[] { 1, 1, 1, 2, 2, 2, 3, 3 }, 4, 2);
        var r = KMeans.Fit(x, new KMeansOptions(4, Seed: 1));
        Assert.Equal(4, r.Labels.Distinct().Count());
        Assert.Equal(0.0, r.Inertia, 1e-12);
    }

    [Fact]
    public void PredictAssignsToNearestCentre()
    {
        var (x, _) = Blobs(400, 5, 4, 1.0, 4);
        var r = KMeans.Fit(x, new KMeansOptions(4, Seed: 0));
        Assert.Equal(r.Labels, r.Predict(x));
        var fresh = new DataMatrix(2, 5);
        r.Centers.Row(2).CopyTo(fresh.Row(0));
        r.Centers.Row(1).CopyTo(fresh.Row(1));
        fresh[1, 0] += 0.01;
        var labels = r.Predict(fresh, out var dist);
        Assert.Equal(new[] { 2, 1 }, labels);
        Assert.Equal(0.0, dist[0], 1e-12);
        Assert.Equal(0.01, dist[1], 1e-9);
        Assert.Throws<ArgumentException>(() => r.Predict(new DataMatrix(1, 4)));
        Assert.Throws<ArgumentException>(() => r.Predict(new DataMatrix(new[] { 1, 2, double.NaN, 4, 5 }, 1, 5)));
    }

    [Fact]
    public void SingleClusterIsTheMean()
    {
        var x = new DataMatrix(new double[] { 1, 2, 3, 4, 5, 9 }, 3, 2);
        var r = KMeans.Fit(x, new KMeansOptions(1));
        Assert.Equal(new[] { 0, 0, 0 }, r.Labels);
        Assert.Equal(3.0, r.Centers[0, 0], 1e-12);
        Assert.Equal(5.0, r.Centers[0, 1], 1e-12);
    }

    public static IEnumerable<object[]> BadParameters()
    {
        var init = new DataMatrix(2, 3);
        yield return new object[] { new KMeansOptions(0), "at least 1" };
        yield return new object[] { new KMeansOptions(-2), "at least 1" };
        yield return new object[] { new KMeansOptions(11), "must not exceed the number of points (10)" };
        yield return new object[] { new KMeansOptions(2, Restarts: 0), "Restarts" };
        yield return new object[] { new KMeansOptions(2, MaxIterations: 0), "MaxIterations" };
        yield return new object[] { new KMeansOptions(2, Tolerance: -1), "Tolerance" };
        yield return new object[] { new KMeansOptions(2, Tolerance: double.NaN), "Tolerance" };
        yield return new object[] { new KMeansOptions(2, Init: KMeansInit.Explicit), "InitialCenters is not given" };
        yield return new object[] { new KMeansOptions(3, Init: KMeansInit.Explicit, InitialCenters: init), "must be 3 x 3" };
        yield return new object[] { new KMeansOptions(2, InitialCenters: init), "Init is not Explicit" };
        yield return new object[] { new KMeansOptions(2) { MaxDegreeOfParallelism = 0 }, "MaxDegreeOfParallelism" };
    }

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void BadParametersFailBeforeAnyWork(KMeansOptions options, string message)
    {
        var x = new DataMatrix(10, 3);
        var ex = Assert.Throws<ArgumentException>(() => KMeans.Fit(x, options));
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteDataIsRejected(double bad)
    {
        var x = new DataMatrix(10, 3);
        x[7, 2] = bad;
        var ex = Assert.Throws<ArgumentException>(() => KMeans.Fit(x, new KMeansOptions(2)));
        Assert.Contains("row 7, dimension 2", ex.Message);
    }

    [Fact]
    public void EmptyDataIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => KMeans.Fit(new DataMatrix(0, 3), new KMeansOptions(1)));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void CancellationStopsTheFit()
    {
        var (x, _) = Blobs(500, 4, 3, 1.0, 5);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => KMeans.Fit(x, new KMeansOptions(3), cts.Token));
    }

    [Fact]
    public void EmbeddingSizedInputRuns()
    {
        // 3,000 x 208 (an embedding-sized job), k = 10, 10 restarts. Prints the time; asserts only results.
        var (x, truth) = Blobs(3000, 208, 10, 20.0, 6);
        KMeans.Fit(x, new KMeansOptions(10, Restarts: 1));   // warm up the JIT
        var sw = Stopwatch.StartNew();
        var r = KMeans.Fit(x, new KMeansOptions(10, Restarts: 10, Seed: 0));
        sw.Stop();
        output.WriteLine($"k-means 3000x208 k=10 restarts=10: {sw.Elapsed.TotalMilliseconds:F0} ms on {Environment.ProcessorCount} cores, best restart {r.BestRestart}, {r.Iterations} iterations, ARI {ClusterMetrics.Evaluate(truth, r.Labels).ARI}");
        Assert.Equal(3000, r.Labels.Length);
        Assert.True(r.Converged);
    }
}
