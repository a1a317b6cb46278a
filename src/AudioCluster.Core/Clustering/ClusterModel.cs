using System.Text.Json;

namespace AudioCluster.Clustering;

/// <summary>
/// A fitted clustering saved for later: the preprocessing it was fitted with and its cluster
/// centres, so new vectors join the cluster with the nearest centre (next week's recordings in
/// this week's clusters).
/// </summary>
public sealed class ClusterModel : IClusterAssigner
{
    public const string FormatName = "AudioCluster.ClusterModel";
    public const int FormatVersion = 1;

    public ClusterModel(string method, Standardizer? standardizer, bool l2Normalize, DataMatrix centers)
    {
        Method = method;
        Standardizer = standardizer;
        L2Normalize = l2Normalize;
        Centers = centers;
    }

    public string Method { get; }
    public Standardizer? Standardizer { get; }
    public bool L2Normalize { get; }
    public DataMatrix Centers { get; }
    public int ClusterCount => Centers.Rows;
    public int InputDimensions => Centers.Columns;

    /// <summary>Raw vectors in the space the model was fitted in.</summary>
    public DataMatrix Prepare(DataMatrix raw) => VectorPreprocessing.Apply(raw, InputDimensions, Standardizer, L2Normalize);

    /// <summary>Nearest centre of each raw vector, and the distance to it.</summary>
    public ClusterAssignments Assign(DataMatrix raw, CancellationToken cancellationToken = default) =>
        NearestCenters(Prepare(raw), Centers) with { Confidence = null };

    /// <summary>
    /// Nearest centre of every row, the distance to it, and a confidence 1 - d1 / d2 (d1, d2: distances to the
    /// nearest and the second-nearest centre): 1 at a centre, 0 half-way between two.
    /// </summary>
    public static ClusterAssignments NearestCenters(DataMatrix x, DataMatrix centers)
    {
        var labels = new int[x.Rows];
        var distances = new double[x.Rows];
        var confidence = new double[x.Rows];
        Parallel.For(0, x.Rows, i =>
        {
            double best = double.PositiveInfinity, second = double.PositiveInfinity;
            for (int c = 0; c < centers.Rows; c++)
            {
                double d2 = VectorKernels.SquaredDistance(x.Row(i), centers.Row(c));
                if (d2 < best) { second = best; best = d2; labels[i] = c; }
                else if (d2 < second) second = d2;
            }
            distances[i] = Math.Sqrt(best);
            confidence[i] = second > 0 && double.IsFinite(second) ? 1 - Math.Sqrt(best / second) : 1;
        });
        return new ClusterAssignments(labels, distances, confidence);
    }

    public void Save(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("method", Method);
        w.WriteBoolean("l2Normalize", L2Normalize);
        Json.WriteStandardizer(w, Standardizer);
        Json.WriteMatrix(w, "centers", Centers);
        w.WriteEndObject();
    }

    public static ClusterModel Load(Stream stream)
    {
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            Json.CheckFormat(root, FormatName, FormatVersion, "cluster model");
            var centers = Json.ReadMatrix(root.GetProperty("centers"));
            return new ClusterModel(root.GetProperty("method").GetString() ?? "", Json.ReadStandardizer(root, centers.Columns),
                root.GetProperty("l2Normalize").GetBoolean(), centers);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("Not a readable cluster model: " + e.Message, e);
        }
    }
}
