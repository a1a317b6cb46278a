using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.Tests.Clustering;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Metrics;

public class InternalMetricsTests(ITestOutputHelper output)
{
    const double Rel = 1e-10;

    void Near(string what, double expected, double actual, double rel = Rel)
    {
        output.WriteLine($"{what,-20} {actual:R} (sklearn {expected:R}, rel {(actual - expected) / expected:E2})");
        Assert.True(Math.Abs(actual - expected) <= rel * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");
    }

    void CheckAgainst(DataMatrix x, int[] labels, JsonElement expected)
    {
        Near("silhouette", expected.GetProperty("silhouette_score").GetDouble(), InternalMetrics.Silhouette(x, labels));
        Near("calinski_harabasz", expected.GetProperty("calinski_harabasz_score").GetDouble(), InternalMetrics.CalinskiHarabasz(x, labels));
        Near("davies_bouldin", expected.GetProperty("davies_bouldin_score").GetDouble(), InternalMetrics.DaviesBouldin(x, labels));
        var samples = MixtureTestData.Doubles(expected.GetProperty("silhouette_samples"));
        var s = InternalMetrics.SilhouetteSamples(x, labels);
        double worst = 0;
        for (int i = 0; i < s.Length; i++) worst = Math.Max(worst, Math.Abs(s[i] - samples[i]) / Math.Abs(samples[i]));
        output.WriteLine($"silhouette_samples   max rel diff {worst:E2} over {s.Length}");
        Assert.True(worst <= Rel, $"silhouette samples differ by {worst:E2} relative");
        var all = InternalMetrics.Evaluate(x, labels);
        Assert.Equal(InternalMetrics.Silhouette(x, labels), all.Silhouette);
        Assert.Equal(x.Rows, all.N);
        Assert.Equal(0, all.NoisePoints);
    }

    [Fact]
    public void FixtureMatchesScikitLearn()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("internal-indices-reference.json")));
        var root = doc.RootElement;
        var x = MixtureTestData.Matrix(root.GetProperty("X"));
        CheckAgainst(x, MixtureTestData.Ints(root.GetProperty("labels")), root.GetProperty("expected"));
    }

    [SkippableFact]
    public void SharedReferenceMatchesScikitLearn()
    {
        var e = MixtureTestData.Entry("internal_indices");
        var name = e.GetProperty("data").GetString()!;
        CheckAgainst(MixtureTestData.Dataset(name), MixtureTestData.DatasetLabels(name), e.GetProperty("expected"));
    }

    // Direct O(n^2) definition, for comparison with the blocked parallel code.
    static double[] NaiveSilhouette(DataMatrix x, int[] labels)
    {
        int n = x.Rows;
        var s = new double[n];
        var ids = labels.Distinct().ToArray();
        for (int i = 0; i < n; i++)
        {
            var mean = ids.ToDictionary(c => c, c =>
            {
                double sum = 0; int count = 0;
                for (int j = 0; j < n; j++)
                {
                    if (labels[j] != c || j == i) continue;
                    double dd = 0;
                    for (int t = 0; t < x.Columns; t++) dd += (x[i, t] - x[j, t]) * (x[i, t] - x[j, t]);
                    sum += Math.Sqrt(dd); count++;
                }
                return count == 0 ? double.NaN : sum / count;
            });
            if (labels.Count(l => l == labels[i]) == 1) { s[i] = 0; continue; }
            double a = mean[labels[i]], b = ids.Where(c => c != labels[i]).Min(c => mean[c]);
            s[i] = (b - a) / Math.Max(a, b);
        }
        return s;
    }

    [Fact]
    public void BlockedParallelSilhouetteEqualsDefinitionAndIgnoresThreadCount()
    {
        // 301 points: several row chunks and column blocks, and a ragged tail of each.
        var (x, labels) = MixtureTestData.Blobs(301, 7, 4, 3.0, seed: 5);
        labels[17] = 9;   // a singleton cluster gets silhouette 0
        var naive = NaiveSilhouette(x, labels);
        var one = InternalMetrics.SilhouetteSamples(x, labels, maxDegreeOfParallelism: 1);
        var all = InternalMetrics.SilhouetteSamples(x, labels);
        Assert.Equal(one, all);
        Assert.Equal(0.0, all[17]);
        for (int i = 0; i < naive.Length; i++) Assert.True(Math.Abs(naive[i] - all[i]) <= 1e-12, $"point {i}: {all[i]} vs {naive[i]}");
    }

    [Fact]
    public void NoisePointsAreLeftOut()
    {
        var (x, labels) = MixtureTestData.Blobs(90, 3, 3, 1.0, seed: 2);
        var noisy = (int[])labels.Clone();
        int[] noise = [3, 40, 41, 89];
        foreach (var i in noise) noisy[i] = -1;
        var keep = Enumerable.Range(0, 90).Where(i => !noise.Contains(i)).ToArray();
        var xs = DataMatrix.FromRows(keep.Select(i => x.Row(i).ToArray()).ToList());
        var ls = keep.Select(i => labels[i]).ToArray();

        var q = InternalMetrics.Evaluate(x, noisy);
        Assert.Equal(4, q.NoisePoints);
        Assert.Equal(86, q.N);
        Assert.Equal(3, q.Clusters);
        Assert.Equal(InternalMetrics.Silhouette(xs, ls), q.Silhouette);
        Assert.Equal(InternalMetrics.CalinskiHarabasz(xs, ls), q.CalinskiHarabasz);
        Assert.Equal(InternalMetrics.DaviesBouldin(xs, ls), q.DaviesBouldin);
        var s = InternalMetrics.SilhouetteSamples(x, noisy);
        Assert.All(noise, i => Assert.True(double.IsNaN(s[i])));
        var sub = InternalMetrics.SilhouetteSamples(xs, ls);
        for (int m = 0; m < keep.Length; m++) Assert.Equal(sub[m], s[keep[m]]);
    }

    [Fact]
    public void SampledSilhouetteIsSeededAndNearTheFullOne()
    {
        var (x, labels) = MixtureTestData.Blobs(2000, 5, 4, 2.0, seed: 3);
        double full = InternalMetrics.Silhouette(x, labels);
        double a = InternalMetrics.Silhouette(x, labels, 500, seed: 1), b = InternalMetrics.Silhouette(x, labels, 500, seed: 1);
        output.WriteLine($"full {full:F5}, 500-point sample {a:F5}");
        Assert.Equal(a, b);
        Assert.NotEqual(a, InternalMetrics.Silhouette(x, labels, 500, seed: 2));
        Assert.True(Math.Abs(a - full) < 0.03);
        Assert.Equal(full, InternalMetrics.Silhouette(x, labels, 2000, seed: 1));
        Assert.Throws<ArgumentException>(() => InternalMetrics.Silhouette(x, labels, 1, seed: 1));
    }

    [Fact]
    public void BadInputsFailWithAReason()
    {
        var (x, labels) = MixtureTestData.Blobs(10, 2, 2, 1.0, seed: 1);
        var one = new int[10];
        var ex = Assert.Throws<ArgumentException>(() => InternalMetrics.Silhouette(x, one));
        Assert.Contains("between 2 and n - 1", ex.Message);
        Assert.Throws<ArgumentException>(() => InternalMetrics.CalinskiHarabasz(x, Enumerable.Range(0, 10).ToArray()));
        Assert.Throws<ArgumentException>(() => InternalMetrics.DaviesBouldin(x, labels[..9]));
        var bad = (int[])labels.Clone(); bad[0] = -2;
        Assert.Throws<ArgumentException>(() => InternalMetrics.Silhouette(x, bad));
    }

    [Fact]
    public void IdenticalPointsGiveZeroNotNaN()
    {
        var x = new DataMatrix(6, 2);   // all points equal
        int[] labels = [0, 0, 0, 1, 1, 1];
        Assert.Equal(0.0, InternalMetrics.Silhouette(x, labels));
        Assert.Equal(0.0, InternalMetrics.DaviesBouldin(x, labels));
        Assert.Equal(1.0, InternalMetrics.CalinskiHarabasz(x, labels));
    }
}
