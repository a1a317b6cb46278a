using System.Text.Json;
using AudioCluster.Metrics;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Metrics;

/// <summary>Every case and every metric of the scikit-learn reference (Fixtures/metrics-reference.json).</summary>
public class MetricsReferenceTests(ITestOutputHelper output)
{
    const double Tol = 1e-12, AmiTol = 1e-10;

    sealed record Case(int Id, string Kind, int[] True, int[] Pred, JsonElement Expected);

    static readonly Lazy<Dictionary<int, Case>> Cases = new(Load);

    static Dictionary<int, Case> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("metrics-reference.json")));
        var result = new Dictionary<int, Case>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            int id = c.GetProperty("id").GetInt32();
            result[id] = new Case(id, c.GetProperty("kind").GetString()!,
                c.GetProperty("labels_true").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("labels_pred").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("expected").Clone());
        }
        return result;
    }

    public static IEnumerable<object[]> CaseIds() => Cases.Value.Keys.OrderBy(k => k).Select(k => new object[] { k });

    [Fact]
    public void FixtureHasAllCases() => Assert.Equal(30, Cases.Value.Count);

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void EveryMetricMatchesScikitLearn(int id)
    {
        var c = Cases.Value[id];
        // String ids, as the cmdlets pass them: their order differs from the integers' and must not matter.
        var t = ContingencyTable.Create(c.True.Select(v => v.ToString()).ToList(), c.Pred.Select(v => v.ToString()).ToList());
        var e = c.Expected;
        double X(string name) => e.GetProperty(name).GetDouble();
        void Near(string name, double actual, double tol = Tol)
        {
            output.WriteLine($"{name,-32} {actual:R,-24} diff {actual - X(name):E2}");
            Assert.True(Math.Abs(actual - X(name)) <= tol, $"case {id} ({c.Kind}) {name}: expected {X(name):R}, got {actual:R}");
        }

        Near("nmi_arithmetic", ClusterMetrics.NormalizedMutualInformation(t, NmiAverage.Arithmetic));
        Near("nmi_geometric", ClusterMetrics.NormalizedMutualInformation(t, NmiAverage.Geometric));
        Near("nmi_min", ClusterMetrics.NormalizedMutualInformation(t, NmiAverage.Min));
        Near("nmi_max", ClusterMetrics.NormalizedMutualInformation(t, NmiAverage.Max));
        Near("ami_arithmetic", ClusterMetrics.AdjustedMutualInformation(t), AmiTol);
        Near("ari", ClusterMetrics.AdjustedRandIndex(t));
        Near("rand_index", ClusterMetrics.RandIndex(t));
        var (h, comp, v) = ClusterMetrics.HomogeneityCompletenessVMeasure(t);
        Near("homogeneity", h);
        Near("completeness", comp);
        Near("v_measure", v);
        Near("fowlkes_mallows", ClusterMetrics.FowlkesMallows(t));
        Near("purity", ClusterMetrics.Purity(t));
        Near("accuracy_hungarian", ClusterMetrics.HungarianAccuracy(t));
        Near("accuracy_hungarian_noise_wrong", ClusterMetrics.HungarianAccuracy(t, t.ClusterIndex("-1")));
        Near("mutual_info_nats", ClusterMetrics.MutualInformation(t));
        Near("entropy_true_nats", ClusterMetrics.Entropy(t.ClassSizes));
        Near("entropy_pred_nats", ClusterMetrics.Entropy(t.ClusterSizes));

        var pcm = e.GetProperty("pair_confusion_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt64()).ToArray()).ToArray();
        var p = ClusterMetrics.PairConfusion(t);
        Assert.Equal((pcm[0][0], pcm[0][1], pcm[1][0], pcm[1][1]), (p.TrueNegatives, p.FalsePositives, p.FalseNegatives, p.TruePositives));

        Assert.Equal(c.True.Distinct().Count(), t.ClassCount);
        Assert.Equal(c.Pred.Distinct().Count(), t.ClusterCount);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void EvaluateGivesTheSameNumbersForIntAndStringIds(int id)
    {
        var c = Cases.Value[id];
        var qi = ClusterMetrics.Evaluate(c.True, c.Pred);
        var qs = ClusterMetrics.Evaluate(c.True.Select(v => "c" + v).ToList(), c.Pred.Select(v => v.ToString()).ToList());
        var e = c.Expected;
        foreach (var q in new[] { qi, qs })
        {
            Assert.Equal(c.True.Length, q.N);
            Assert.Equal(c.True.Distinct().Count(), q.Classes);
            Assert.Equal(c.Pred.Where(v => v != -1).Distinct().Count(), q.Clusters);
            Assert.Equal(c.Pred.Count(v => v == -1), q.NoisePoints);
            Assert.Equal(NmiAverage.Arithmetic, q.NmiAverage);
            Assert.InRange(q.NMI - e.GetProperty("nmi_arithmetic").GetDouble(), -Tol, Tol);
            Assert.InRange(q.AMI - e.GetProperty("ami_arithmetic").GetDouble(), -AmiTol, AmiTol);
            Assert.InRange(q.ARI - e.GetProperty("ari").GetDouble(), -Tol, Tol);
            Assert.InRange(q.Accuracy - e.GetProperty("accuracy_hungarian").GetDouble(), -Tol, Tol);
            Assert.InRange(q.AccuracyNoiseAsWrong - e.GetProperty("accuracy_hungarian_noise_wrong").GetDouble(), -Tol, Tol);
            Assert.InRange(q.Purity - e.GetProperty("purity").GetDouble(), -Tol, Tol);
            Assert.InRange(q.VMeasure - e.GetProperty("v_measure").GetDouble(), -Tol, Tol);
            Assert.InRange(q.RandIndex - e.GetProperty("rand_index").GetDouble(), -Tol, Tol);
            Assert.InRange(q.FowlkesMallows - e.GetProperty("fowlkes_mallows").GetDouble(), -Tol, Tol);
            Assert.InRange(q.MutualInformation - e.GetProperty("mutual_info_nats").GetDouble(), -Tol, Tol);
            Assert.InRange(q.LabelEntropy - e.GetProperty("entropy_true_nats").GetDouble(), -Tol, Tol);
            Assert.InRange(q.ClusterEntropy - e.GetProperty("entropy_pred_nats").GetDouble(), -Tol, Tol);
        }
        var geo = ClusterMetrics.Evaluate(c.True, c.Pred, NmiAverage.Geometric);
        Assert.Equal(NmiAverage.Geometric, geo.NmiAverage);
        Assert.InRange(geo.NMI - e.GetProperty("nmi_geometric").GetDouble(), -Tol, Tol);
    }
}
