using System.Text.Json;
using AudioCluster.Clustering;

namespace AudioCluster.Tests.Clustering;

/// <summary>Generated inputs and reference-file access for the clustering tests.</summary>
internal static class MixtureTestData
{
    /// <summary>Isotropic Gaussian blobs (like make_blobs): centres uniform in [-box, box], labels = blob.</summary>
    public static (DataMatrix X, int[] Labels) Blobs(int n, int d, int centers, double std, int seed, double box = 10)
    {
        var rng = new Random(seed);
        var c = new double[centers * d];
        for (int i = 0; i < c.Length; i++) c[i] = (rng.NextDouble() * 2 - 1) * box;
        var x = new DataMatrix(n, d);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int l = labels[i] = i % centers;
            for (int j = 0; j < d; j++) x[i, j] = c[l * d + j] + std * Gaussian(rng);
        }
        return (x, labels);
    }

    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    static readonly Lazy<JsonDocument?> Reference = new(() =>
    {
        var path = SharedData.PathTo("reference/clustering-reference.json");
        return path is null ? null : JsonDocument.Parse(File.ReadAllText(path));
    });

    /// <summary>An entry of ../shared/reference/clustering-reference.json; skips the test when the file is absent.</summary>
    public static JsonElement Entry(string id)
    {
        Skip.If(Reference.Value is null, "../shared/reference/clustering-reference.json is not present");
        return Reference.Value!.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
    }

    public static DataMatrix Dataset(string name) => Matrix(Reference.Value!.RootElement.GetProperty("datasets").GetProperty(name).GetProperty("X"));

    public static int[] DatasetLabels(string name) => Ints(Reference.Value!.RootElement.GetProperty("datasets").GetProperty(name).GetProperty("y_true"));

    public static DataMatrix Matrix(JsonElement rows) =>
        DataMatrix.FromRows(rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList());

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
