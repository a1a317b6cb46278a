using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Metrics;

namespace AudioCluster.Tests.Clustering;

/// <summary>Synthetic data and small helpers for the clustering tests.</summary>
internal static class ClusteringTestData
{
    /// <summary>Gaussian blobs around random centres in [-box, box]^d; truth[i] = i % k.</summary>
    public static (DataMatrix X, int[] Truth) Blobs(int n, int d, int k, double spread, int seed, double box = 50)
    {
        var rng = new Random(seed);
        var centres = new double[k, d];
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) centres[c, j] = (rng.NextDouble() * 2 - 1) * box;
        var x = new DataMatrix(n, d);
        var truth = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = truth[i] = i % k;
            for (int j = 0; j < d; j++) x[i, j] = centres[c, j] + spread * Normal(rng);
        }
        return (x, truth);
    }

    /// <summary>perBlob Gaussian points around each given centre, blob after blob; truth = the centre's index.</summary>
    public static (DataMatrix X, int[] Truth) BlobsAt(double[][] centres, int perBlob, double spread, int seed)
    {
        var rng = new Random(seed);
        int d = centres[0].Length;
        var x = new DataMatrix(centres.Length * perBlob, d);
        var truth = new int[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            int c = truth[i] = i / perBlob;
            for (int j = 0; j < d; j++) x[i, j] = centres[c][j] + spread * Normal(rng);
        }
        return (x, truth);
    }

    public static DataMatrix Uniform(int n, int d, double lo, double hi, int seed)
    {
        var rng = new Random(seed);
        var x = new DataMatrix(n, d);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = lo + (hi - lo) * rng.NextDouble();
        return x;
    }

    public static DataMatrix Stack(DataMatrix a, DataMatrix b)
    {
        var x = new DataMatrix(a.Rows + b.Rows, a.Columns);
        a.Data.CopyTo(x.Data, 0);
        b.Data.CopyTo(x.Data, a.Data.Length);
        return x;
    }

    static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static double Ari(int[] a, int[] b) => ClusterMetrics.AdjustedRandIndex(ContingencyTable.Create(a, b));

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    public static DataMatrix Matrix(JsonElement e) =>
        DataMatrix.FromRows(e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList());

    /// <summary>Largest |a - b| / |b| over the pairs.</summary>
    public static double MaxRelative(double[] expected, double[] actual)
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Abs(expected[i]));
        return worst;
    }
}

/// <summary>Entries of ../shared/reference/clustering-reference.json (scikit-learn 1.2.1); tests skip without it.</summary>
internal static class ClusteringReference
{
    static readonly Lazy<JsonDocument?> Doc = new(() =>
    {
        var path = SharedData.PathTo("reference/clustering-reference.json");
        return path is null ? null : JsonDocument.Parse(File.ReadAllText(path));
    });

    public static JsonElement Entry(string id)
    {
        Skip.If(Doc.Value is null, "../shared/reference/clustering-reference.json is not present");
        return Doc.Value!.RootElement.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
    }

    public static DataMatrix Data(JsonElement entry) => ClusteringTestData.Matrix(Dataset(entry).GetProperty("X"));

    public static JsonElement Dataset(JsonElement entry) =>
        Doc.Value!.RootElement.GetProperty("datasets").GetProperty(entry.GetProperty("data").GetString()!);

    static readonly Lazy<JsonDocument> Small = new(() => JsonDocument.Parse(File.ReadAllText(SharedData.Fixture("clustering-small.json"))));

    /// <summary>An entry of the small fixture that ships with the tests.</summary>
    public static JsonElement Fixture(string id) => Small.Value.RootElement.GetProperty(id);
}
