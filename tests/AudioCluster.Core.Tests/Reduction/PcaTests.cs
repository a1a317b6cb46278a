using System.Diagnostics;
using AudioCluster.Clustering;
using AudioCluster.Reduction;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Reduction;

public class PcaTests(ITestOutputHelper output)
{
    /// <summary>n x d points near a rank-r subspace (singular values spread over two decades) plus small noise.</summary>
    internal static DataMatrix LowRank(int n, int d, int rank, double noise, int seed)
    {
        var rng = new Random(seed);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var basis = new double[rank][];
        for (int c = 0; c < rank; c++) basis[c] = Enumerable.Range(0, d).Select(_ => Gauss()).ToArray();
        var x = new DataMatrix(n, d);
        var coef = new double[rank];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < rank; c++) coef[c] = Gauss() * 10 * Math.Pow(0.8, c);
            var row = x.Row(i);
            for (int j = 0; j < d; j++)
            {
                double v = noise * Gauss() + 3;
                for (int c = 0; c < rank; c++) v += coef[c] * basis[c][j];
                row[j] = v;
            }
        }
        return x;
    }

    [Fact]
    public void RandomizedSolverMatchesTheExactOneOnALowRankMatrix()
    {
        var x = LowRank(400, 60, 5, 1e-3, 1);
        var exact = Pca.Fit(x, new PcaOptions { Dimensions = 5, Solver = PcaSolver.Full });
        var fast = Pca.Fit(x, new PcaOptions { Dimensions = 5, Solver = PcaSolver.Randomized, Seed = 3 });
        Assert.Equal(PcaSolver.Randomized, fast.Solver);
        double sv = PcaReferenceTests.MaxRelative(exact.SingularValues, fast.SingularValues);
        double ratio = PcaReferenceTests.MaxRelative(exact.ExplainedVarianceRatio, fast.ExplainedVarianceRatio);
        double noise = Math.Abs(exact.NoiseVariance - fast.NoiseVariance) / exact.NoiseVariance;
        var (comp, signs) = PcaReferenceTests.MaxRelativeUpToSign(exact.Components.ToRows(), fast.Components.ToRows());
        output.WriteLine($"randomized vs full: singular values {sv:E2}, ratio {ratio:E2}, noise variance {noise:E2}, components {comp:E2}, same signs {signs}");
        Assert.True(sv < 1e-9, $"singular values {sv:E2}");
        Assert.True(ratio < 1e-9, $"ratios {ratio:E2}");
        Assert.True(comp < 1e-6, $"components {comp:E2}");
        Assert.True(signs, "both solvers apply the same sign rule");
        Assert.True(noise < 1e-6, $"noise variance {noise:E2}");
    }

    // Without power iterations the final pass writes the float32 copy itself; with oversamples on exactly
    // rank-5 data its range is rank-deficient and the general path takes over from that copy.
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void RandomizedSolverWithoutPowerIterationsFindsAnExactlyLowRankRange(int oversamples)
    {
        var x = LowRank(300, 40, 5, 0, 5);
        var exact = Pca.Fit(x, new PcaOptions { Dimensions = 5, Solver = PcaSolver.Full });
        var fast = Pca.Fit(x, new PcaOptions { Dimensions = 5, Solver = PcaSolver.Randomized, PowerIterations = 0, Oversamples = oversamples, Seed = 1 });
        double sv = PcaReferenceTests.MaxRelative(exact.SingularValues, fast.SingularValues);
        double ratio = PcaReferenceTests.MaxRelative(exact.ExplainedVarianceRatio, fast.ExplainedVarianceRatio);
        var (comp, signs) = PcaReferenceTests.MaxRelativeUpToSign(exact.Components.ToRows(), fast.Components.ToRows());
        output.WriteLine($"no power iterations, {oversamples} oversamples: singular values {sv:E2}, ratio {ratio:E2}, components {comp:E2}");
        Assert.True(sv < 1e-9, $"singular values {sv:E2}");
        Assert.True(ratio < 1e-9, $"ratios {ratio:E2}");
        Assert.True(comp < 1e-6, $"components {comp:E2}");
        Assert.True(signs, "both solvers apply the same sign rule");
    }

    [Theory]
    [InlineData(PcaSolver.Randomized, false)]
    [InlineData(PcaSolver.Randomized, true)]
    [InlineData(PcaSolver.Full, true)]
    public void FitTransformGivesExactlyTheModelsTransform(PcaSolver solver, bool whiten)
    {
        var x = LowRank(500, 40, 6, 0.5, 4);
        var fitted = Pca.FitTransform(x, new PcaOptions { Dimensions = 3, Solver = solver, Whiten = whiten, Seed = 2 }, out var model);
        Assert.Equal(model.Transform(x).Data, fitted.Data);
    }

    [Fact]
    public void WideDataUsesTheSmallGramMatrixAndKeepsOrthonormalComponents()
    {
        var x = LowRank(30, 200, 4, 0.01, 2);
        var model = Pca.Fit(x, new PcaOptions { Solver = PcaSolver.Full });
        Assert.Equal(30, model.Dimensions);
        // Centring leaves rank 29: the last singular value is zero (to the Gram matrix's precision, about
        // sqrt(eps) of the largest) and its axis is still a unit vector orthogonal to the rest.
        Assert.True(model.SingularValues[29] < 1e-6 * model.SingularValues[0]);
        var c = model.Components.ToRows();
        for (int a = 0; a < c.Length; a++)
            for (int b = a; b < c.Length; b++)
            {
                double dot = c[a].Zip(c[b], (p, q) => p * q).Sum();
                Assert.True(Math.Abs(dot - (a == b ? 1 : 0)) < 1e-9, $"components {a} and {b}: dot {dot}");
            }
        // Projection and reconstruction: with every component kept the round trip is the identity.
        var back = model.InverseTransform(model.Transform(x));
        Assert.True(PcaReferenceTests.MaxRelative(x.Data, back.Data) < 1e-9);
    }

    [Fact]
    public void WhitenedProjectionsHaveUnitVariance()
    {
        var x = LowRank(200, 10, 10, 0.1, 3);
        var model = Pca.Fit(x, new PcaOptions { Dimensions = 4, Whiten = true });
        var y = model.Transform(x);
        for (int c = 0; c < 4; c++)
        {
            double mean = 0, ss = 0;
            for (int i = 0; i < y.Rows; i++) mean += y[i, c];
            mean /= y.Rows;
            for (int i = 0; i < y.Rows; i++) ss += (y[i, c] - mean) * (y[i, c] - mean);
            Assert.Equal(1.0, ss / (y.Rows - 1), 9);
            Assert.Equal(0.0, mean, 9);
        }
    }

    [Fact]
    public void SaveAndLoadRoundTripExactly()
    {
        var x = LowRank(120, 12, 3, 0.05, 4);
        var model = Pca.Fit(x, new PcaOptions { Dimensions = 3, Whiten = true });
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = PcaModel.Load(stream);
        Assert.Equal(model.Components.Data, loaded.Components.Data);
        Assert.Equal(model.Mean, loaded.Mean);
        Assert.Equal(model.ExplainedVariance, loaded.ExplainedVariance);
        Assert.Equal(model.ExplainedVarianceRatio, loaded.ExplainedVarianceRatio);
        Assert.Equal(model.SingularValues, loaded.SingularValues);
        Assert.Equal(model.NoiseVariance, loaded.NoiseVariance);
        Assert.Equal(model.Whiten, loaded.Whiten);
        Assert.Equal(model.SampleCount, loaded.SampleCount);
        Assert.Equal(model.Solver, loaded.Solver);
        Assert.Equal(model.Transform(x).Data, loaded.Transform(x).Data);
    }

    [Fact]
    public void LoadRejectsOtherFilesAndNewerVersions()
    {
        static PcaModel LoadText(string s) => PcaModel.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(s)));
        Assert.Throws<InvalidDataException>(() => LoadText("not json"));
        Assert.Throws<InvalidDataException>(() => LoadText("{\"format\":\"something else\"}"));
        var e = Assert.Throws<InvalidDataException>(() => LoadText("{\"format\":\"AudioCluster.PcaModel\",\"version\":99}"));
        Assert.Contains("version 99", e.Message);
        Assert.Throws<InvalidDataException>(() => LoadText("{\"format\":\"AudioCluster.PcaModel\",\"version\":1,\"inputDimensions\":2}"));
    }

    // Power iterations on G = X^T X and by passes over the rows are the same iterates up to float32
    // rounding; the exact final step leaves the components equal far below that.
    [Fact]
    public void GramAndRowPowerIterationsGiveTheSameComponents()
    {
        var x = LowRank(3000, 64, 8, 0.05, 11);
        var o = new PcaOptions { Dimensions = 6, Solver = PcaSolver.Randomized, Seed = 4 };
        var gram = Pca.Fit(x, o with { GramPowerIterations = true });
        var rows = Pca.Fit(x, o with { GramPowerIterations = false });
        double sv = PcaReferenceTests.MaxRelative(rows.SingularValues, gram.SingularValues);
        double comp = rows.Components.Data.Zip(gram.Components.Data, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"Gram vs row power iterations: singular values {sv:E2}, components {comp:E2}");
        Assert.True(sv < 1e-9, $"singular values {sv:E2}");
        Assert.True(comp < 1e-9, $"components {comp:E2}");
        // Tall, narrow data: the cheaper route is the Gram matrix's.
        Assert.Equal(gram.Components.Data, Pca.Fit(x, o).Components.Data);
    }

    [Fact]
    public void SameSeedGivesTheSameRandomizedResult()
    {
        var x = LowRank(600, 40, 8, 0.5, 5);
        var o = new PcaOptions { Dimensions = 3, Solver = PcaSolver.Randomized, Seed = 7 };
        var a = Pca.Fit(x, o);
        var b = Pca.Fit(x, o with { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.Components.Data, b.Components.Data);
        Assert.Equal(a.SingularValues, b.SingularValues);
    }

    [Fact]
    public void AutoPicksTheSolverAsScikitLearn()
    {
        Assert.Equal(PcaSolver.Full, Pca.Fit(LowRank(300, 20, 3, 0.1, 6), new PcaOptions { Dimensions = 2 }).Solver);
        Assert.Equal(PcaSolver.Randomized, Pca.Fit(LowRank(600, 20, 3, 0.1, 6), new PcaOptions { Dimensions = 2 }).Solver);
        Assert.Equal(PcaSolver.Full, Pca.Fit(LowRank(600, 20, 3, 0.1, 6), new PcaOptions { Dimensions = 16 }).Solver);
    }

    [Fact]
    public void InvalidOptionsFailBeforeAnyWork()
    {
        var x = LowRank(40, 6, 2, 0.1, 7);
        void Fails(PcaOptions o, string fragment)
        {
            var e = Assert.Throws<ArgumentException>(() => Pca.Fit(x, o));
            Assert.Contains(fragment, e.Message);
        }
        Fails(new PcaOptions { Dimensions = 7 }, "Dimensions 7 must be between 1 and 6");
        Fails(new PcaOptions { Dimensions = 0 }, "Dimensions 0 must be between 1 and 6");
        Fails(new PcaOptions { VarianceShare = 1.0 }, "VarianceShare 1 must be greater than 0 and less than 1");
        Fails(new PcaOptions { Dimensions = 2, VarianceShare = 0.5 }, "not both");
        Fails(new PcaOptions { VarianceShare = 0.9, Solver = PcaSolver.Randomized }, "Solver Full");
        Fails(new PcaOptions { Dimensions = 2, Oversamples = -1 }, "Oversamples -1");
        Fails(new PcaOptions { Dimensions = 2, MaxDegreeOfParallelism = 0 }, "MaxDegreeOfParallelism 0");
        var bad = x.Clone();
        bad[3, 2] = double.NaN;
        Assert.Contains("row 3, dimension 2", Assert.Throws<ArgumentException>(() => Pca.Fit(bad, new PcaOptions())).Message);
        Assert.Contains("at least 2 points", Assert.Throws<ArgumentException>(() => Pca.Fit(new DataMatrix(1, 3), new PcaOptions())).Message);
        var model = Pca.Fit(x, new PcaOptions { Dimensions = 2 });
        Assert.Contains("6-dimensional", Assert.Throws<ArgumentException>(() => model.Transform(new DataMatrix(2, 5))).Message);
    }

    [Fact]
    public void CancellationIsHonoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Pca.Fit(LowRank(50, 5, 2, 0.1, 8), new PcaOptions(), cts.Token));
    }
}

[Collection(TimingCollection.Name)]
public class PcaTiming(ITestOutputHelper output)
{
    [Fact]
    public void TimingRandomized20000x512To32()
    {
        var x = PcaTests.LowRank(20_000, 512, 40, 1.0, 9);
        var sw = Stopwatch.StartNew();
        var model = Pca.Fit(x, new PcaOptions { Dimensions = 32, Solver = PcaSolver.Randomized });
        double fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var y = model.Transform(x);
        output.WriteLine($"PCA randomized 20000 x 512 -> 32: fit {fit:F2} s, transform {sw.Elapsed.TotalSeconds:F2} s on {Environment.ProcessorCount} cores; " +
                         $"explained {model.ExplainedVarianceRatio.Sum():P2}");
        Assert.Equal(32, y.Columns);
    }
}
