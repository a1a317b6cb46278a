using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Reduction;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Reduction;

/// <summary>
/// PCA against scikit-learn 1.2.1 (entries pca_full_whiten_false/true of clustering-reference.json):
/// from the fixture copy, which is always present, and from ../shared when it is there.
/// </summary>
public class PcaReferenceTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-6; // asked for; the reached error is printed

    static JsonDocument? Load(string source)
    {
        string? path = source == "fixture"
            ? SharedData.Fixture("pca-correlated-100x8.json")
            : SharedData.PathTo("reference/clustering-reference.json");
        Skip.If(path is null, "../shared/reference/clustering-reference.json is not present");
        return JsonDocument.Parse(File.ReadAllText(path!));
    }

    static (DataMatrix X, JsonElement Entry) Case(JsonDocument doc, string source, string id)
    {
        var root = doc.RootElement;
        var entry = root.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        var x = source == "fixture" ? root.GetProperty("X") : root.GetProperty("datasets").GetProperty("correlated_100x8").GetProperty("X");
        return (DataMatrix.FromRows(Rows(x)), entry);
    }

    internal static double[][] Rows(JsonElement e) =>
        e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    internal static double[] Values(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [SkippableTheory]
    [InlineData("fixture", "pca_full_whiten_false")]
    [InlineData("fixture", "pca_full_whiten_true")]
    [InlineData("shared", "pca_full_whiten_false")]
    [InlineData("shared", "pca_full_whiten_true")]
    public void FullSolverMatchesScikitLearn(string source, string id)
    {
        using var doc = Load(source);
        var (x, entry) = Case(doc!, source, id);
        var ex = entry.GetProperty("expected");
        bool whiten = id.EndsWith("true");
        var model = Pca.Fit(x, new PcaOptions { Dimensions = 5, Whiten = whiten, Solver = PcaSolver.Full });
        Assert.Equal(PcaSolver.Full, model.Solver);

        double ev = MaxRelative(Values(ex.GetProperty("explained_variance")), model.ExplainedVariance);
        double ratio = MaxRelative(Values(ex.GetProperty("explained_variance_ratio")), model.ExplainedVarianceRatio);
        double sv = MaxRelative(Values(ex.GetProperty("singular_values")), model.SingularValues);
        double mean = MaxRelative(Values(ex.GetProperty("mean")), model.Mean);
        double noise = MaxRelative([ex.GetProperty("noise_variance").GetDouble()], [model.NoiseVariance]);
        var expectedComponents = Rows(ex.GetProperty("components"));
        var (comp, compSigns) = MaxRelativeUpToSign(expectedComponents, model.Components.ToRows());
        var (transform, transformSigns) = MaxRelativeUpToSign(Transpose(Rows(ex.GetProperty("transform"))), Transpose(model.Transform(x).ToRows()));
        output.WriteLine($"{source} {id}: max relative error: explained variance {ev:E2}, ratio {ratio:E2}, singular values {sv:E2}, " +
                         $"mean {mean:E2}, noise variance {noise:E2}, components {comp:E2}, transform {transform:E2}");
        output.WriteLine($"component signs equal to scikit-learn's: {compSigns}; transform column signs equal: {transformSigns}");

        Assert.True(ev <= Tolerance, $"explained variance off by {ev:E2}");
        Assert.True(ratio <= Tolerance, $"explained variance ratio off by {ratio:E2}");
        Assert.True(sv <= Tolerance, $"singular values off by {sv:E2}");
        Assert.True(mean <= Tolerance, $"mean off by {mean:E2}");
        Assert.True(noise <= Tolerance, $"noise variance off by {noise:E2}");
        Assert.True(comp <= Tolerance, $"components off by {comp:E2}");
        Assert.True(transform <= Tolerance, $"transform off by {transform:E2}");
        // svd_flip is reproduced, so the signs agree too.
        Assert.True(compSigns && transformSigns, "signs differ from scikit-learn's svd_flip");
    }

    [SkippableFact]
    public void VarianceShareKeepsTheFewestComponentsReachingIt()
    {
        using var doc = Load("fixture");
        var (x, entry) = Case(doc!, "fixture", "pca_full_whiten_false");
        var ratio = Values(entry.GetProperty("expected").GetProperty("explained_variance_ratio"));
        // Cumulative: 0.803, 0.982, 0.997, ...
        Assert.Equal(1, Pca.Fit(x, new PcaOptions { VarianceShare = 0.8 }).Dimensions);
        Assert.Equal(2, Pca.Fit(x, new PcaOptions { VarianceShare = 0.95 }).Dimensions);
        var three = Pca.Fit(x, new PcaOptions { VarianceShare = 0.99 });
        Assert.Equal(3, three.Dimensions);
        Assert.True(MaxRelative(ratio[..3], three.ExplainedVarianceRatio) <= Tolerance);
        // With every component kept there is no noise left over.
        Assert.Equal(0.0, Pca.Fit(x, new PcaOptions()).NoiseVariance);
        Assert.Equal(8, Pca.Fit(x, new PcaOptions()).Dimensions);
    }

    /// <summary>Largest |a - b| over the largest |a| of the array (so that near-zero entries do not dominate).</summary>
    internal static double MaxRelative(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0, diff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            diff = Math.Max(diff, Math.Abs(expected[i] - actual[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /// <summary>Per row, the smaller error of the row and of its negation; whether every row matched without flipping.</summary>
    internal static (double Error, bool SameSigns) MaxRelativeUpToSign(double[][] expected, double[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        bool same = true;
        for (int r = 0; r < expected.Length; r++)
        {
            double plus = MaxRelative(expected[r], actual[r]);
            double minus = MaxRelative(expected[r], actual[r].Select(v => -v).ToArray());
            if (minus < plus) same = false;
            worst = Math.Max(worst, Math.Min(plus, minus));
        }
        return (worst, same);
    }

    internal static double[][] Transpose(double[][] rows) =>
        Enumerable.Range(0, rows[0].Length).Select(c => rows.Select(r => r[c]).ToArray()).ToArray();
}
