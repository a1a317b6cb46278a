using AudioCluster.Clustering;
using AudioCluster.Metrics;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Clustering;

public class GaussianMixtureTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("gmm_full", CovarianceType.Full)]
    [InlineData("gmm_diag", CovarianceType.Diagonal)]
    public void MatchesScikitLearnReference(string id, CovarianceType type)
    {
        var e = MixtureTestData.Entry(id);
        var x = MixtureTestData.Dataset(e.GetProperty("data").GetString()!);
        var ex = e.GetProperty("expected");
        var r = GaussianMixture.Fit(x, new GaussianMixtureOptions(3, type));

        double ll = ex.GetProperty("mean_log_likelihood").GetDouble();
        double bestLl = MixtureTestData.Doubles(ex.GetProperty("mean_log_likelihood_random_state_0_to_9")).Max();
        output.WriteLine($"{id}: mean log-likelihood {r.MeanLogLikelihood:R} (sklearn {ll:R}, best over seeds {bestLl:R}, diff {r.MeanLogLikelihood - bestLl:E2})");
        output.WriteLine($"  lower bound {r.LowerBound:R} (sklearn {ex.GetProperty("lower_bound").GetDouble():R}), iterations {r.Iterations} (sklearn {ex.GetProperty("n_iter").GetInt32()}), converged {r.Converged}");
        output.WriteLine($"  BIC {r.Bic:R} (sklearn {ex.GetProperty("bic").GetDouble():R})");
        Assert.True(Math.Abs(r.MeanLogLikelihood - bestLl) <= 1e-4, $"mean log-likelihood {r.MeanLogLikelihood} vs {bestLl}");
        Assert.True(Math.Abs(r.Bic - ex.GetProperty("bic").GetDouble()) <= 2 * x.Rows * 1e-4, "BIC");
        Assert.True(r.Converged);

        // Components are numbered arbitrarily: match them by sorting on the means.
        var expMeans = MixtureTestData.Matrix(ex.GetProperty("means"));
        var expWeights = MixtureTestData.Doubles(ex.GetProperty("weights"));
        int[] ours = Order(r.Means), theirs = Order(expMeans);
        double meanDiff = 0, weightDiff = 0, covDiff = 0;
        var expCov = ex.GetProperty("covariances").EnumerateArray().ToArray();
        var cov = r.Covariances;
        for (int m = 0; m < 3; m++)
        {
            for (int j = 0; j < x.Columns; j++) meanDiff = Math.Max(meanDiff, Math.Abs(r.Means[ours[m], j] - expMeans[theirs[m], j]));
            weightDiff = Math.Max(weightDiff, Math.Abs(r.Weights[ours[m]] - expWeights[theirs[m]]));
            var ec = type == CovarianceType.Full
                ? MixtureTestData.Matrix(expCov[theirs[m]])
                : Diagonal(MixtureTestData.Doubles(expCov[theirs[m]]));
            for (int a = 0; a < x.Columns; a++)
                for (int b = 0; b < x.Columns; b++) covDiff = Math.Max(covDiff, Math.Abs(cov[ours[m]][a, b] - ec[a, b]));
        }
        output.WriteLine($"  max |diff|: means {meanDiff:E2}, weights {weightDiff:E2}, covariances {covDiff:E2}");
        Assert.True(meanDiff <= 1e-3, $"means differ by {meanDiff}");
        Assert.True(weightDiff <= 1e-3, $"weights differ by {weightDiff}");
        double ari = ClusterMetrics.Evaluate(MixtureTestData.Ints(ex.GetProperty("labels")), r.Labels).ARI;
        output.WriteLine($"  ARI vs sklearn labels {ari:R}");
        Assert.Equal(1.0, ari, 12);
    }

    static int[] Order(DataMatrix means) =>
        Enumerable.Range(0, means.Rows).OrderBy(c => means[c, 0]).ThenBy(c => means[c, 1]).ToArray();

    static DataMatrix Diagonal(double[] v)
    {
        var m = new DataMatrix(v.Length, v.Length);
        for (int i = 0; i < v.Length; i++) m[i, i] = v[i];
        return m;
    }

    [Theory]
    [InlineData(CovarianceType.Full)]
    [InlineData(CovarianceType.Diagonal)]
    public void PredictAgreesWithFitAndResultsIgnoreThreadCount(CovarianceType type)
    {
        var (x, truth) = MixtureTestData.Blobs(700, 5, 4, 1.0, seed: 11);
        var r = GaussianMixture.Fit(x, new GaussianMixtureOptions(4, type, Seed: 3));
        var one = GaussianMixture.Fit(x, new GaussianMixtureOptions(4, type, Seed: 3) { MaxDegreeOfParallelism = 1 });
        Assert.Equal(r.Labels, one.Labels);
        Assert.Equal(r.MeanLogLikelihood, one.MeanLogLikelihood);
        Assert.Equal(r.Means.Data, one.Means.Data);

        Assert.Equal(r.Labels, r.Predict(x));
        Assert.Equal(r.MeanLogLikelihood, r.Score(x), 12);
        var p = r.PredictProbability(x);
        for (int i = 0; i < x.Rows; i++)
        {
            double sum = 0;
            for (int c = 0; c < 4; c++) sum += p[i, c];
            Assert.Equal(1.0, sum, 12);
            Assert.Equal(p[i, r.Labels[i]], r.Confidence[i], 12);
        }
        Assert.Equal(1.0, r.Weights.Sum(), 12);
        Assert.Equal(1.0, ClusterMetrics.Evaluate(truth, r.Labels).ARI, 12);
        int d = 5;
        Assert.Equal(type == CovarianceType.Full ? 4 * d + 4 * d * (d + 1) / 2 + 3 : 4 * d + 4 * d + 3, r.ParameterCount);
    }

    [Fact]
    public void MoreRestartsNeverLowerTheBound()
    {
        var (x, _) = MixtureTestData.Blobs(300, 3, 6, 2.5, seed: 4);
        var one = GaussianMixture.Fit(x, new GaussianMixtureOptions(6, Restarts: 1));
        var five = GaussianMixture.Fit(x, new GaussianMixtureOptions(6, Restarts: 5));
        Assert.True(five.LowerBound >= one.LowerBound);
        Assert.InRange(five.BestRestart, 0, 4);
    }

    [Fact]
    public void CollapsedComponentWithoutRegularisationFailsClearly()
    {
        var x = new DataMatrix(20, 2);
        for (int i = 10; i < 20; i++) { x[i, 0] = 5 + i % 3; x[i, 1] = i % 4; }   // first 10 points identical
        var ex = Assert.Throws<InvalidOperationException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(2, CovarianceRegularization: 0)));
        Assert.Contains("CovarianceRegularization", ex.Message);
        Assert.Throws<InvalidOperationException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(2, CovarianceType.Diagonal, CovarianceRegularization: 0)));
        GaussianMixture.Fit(x, new GaussianMixtureOptions(2));   // the default regularisation copes
    }

    [Fact]
    public void BadOptionsFailBeforeWork()
    {
        var (x, _) = MixtureTestData.Blobs(10, 2, 2, 1.0, seed: 1);
        Assert.Contains("must not exceed", Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(11))).Message);
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(0)));
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(2, Tolerance: -1)));
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(2, CovarianceRegularization: double.NaN)));
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(2, (CovarianceType)7)));
        Assert.Throws<ArgumentException>(() => GaussianMixture.Fit(x, new GaussianMixtureOptions(2, Restarts: 0)));
        var r = GaussianMixture.Fit(x, new GaussianMixtureOptions(2));
        Assert.Throws<ArgumentException>(() => r.Predict(new DataMatrix(3, 3)));
    }
}
