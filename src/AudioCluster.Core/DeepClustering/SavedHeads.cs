using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Runtime;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>
/// What the saved deep clustering heads (TEMI, SPICE) share: the JSON frame (format, version,
/// method, preprocessing, float32 weights as base64) and prediction in chunks (most probable cluster
/// and its probability).
/// </summary>
internal static class SavedHeads
{
    /// <summary>Writes the fields every saved head starts with, then <paramref name="body"/>'s own.</summary>
    public static void Write(Stream stream, string format, int version, string method, VectorPreparation preparation, Action<Utf8JsonWriter> body)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", format);
        w.WriteNumber("version", version);
        w.WriteString("method", method);
        w.WriteBoolean("l2Normalize", preparation.L2Normalize);
        if (preparation.Standardizer is { } s)
        {
            WriteArray(w, "standardizeMean", s.Mean);
            WriteArray(w, "standardizeScale", s.Scale);
        }
        body(w);
        w.WriteEndObject();
    }

    /// <summary>
    /// Parses a saved head of <paramref name="format"/> and hands its root to <paramref name="read"/>;
    /// malformed JSON or missing fields become InvalidDataException naming <paramref name="what"/>.
    /// </summary>
    public static T Read<T>(Stream stream, string format, int version, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != format)
                throw new InvalidDataException($"Not a {what}: the format field is not \"{format}\".");
            int saved = root.GetProperty("version").GetInt32();
            if (saved != version)
                throw new InvalidDataException($"{what} version {saved} is not supported (this version reads {version}).");
            return read(root);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Not a readable {what}: " + e.Message, e);
        }
    }

    public static string Method(JsonElement root) => root.GetProperty("method").GetString() ?? "";

    /// <summary>The preprocessing saved with a head of <paramref name="dimensions"/> inputs.</summary>
    public static VectorPreparation Preparation(JsonElement root, int dimensions, string what)
    {
        Standardizer? standardizer = null;
        if (root.TryGetProperty("standardizeMean", out var mean))
        {
            standardizer = new Standardizer(Doubles(mean), Doubles(root.GetProperty("standardizeScale")));
            CheckPreparation(standardizer, dimensions, what);
        }
        return new VectorPreparation(standardizer, root.GetProperty("l2Normalize").GetBoolean());
    }

    public static void CheckPreparation(Standardizer? s, int dimensions, string what)
    {
        if (s != null && (s.Mean.Length != dimensions || s.Scale.Length != dimensions))
            throw new InvalidDataException($"{what}: the standardisation does not match the {dimensions} input dimensions.");
    }

    public static void WriteFloats(Utf8JsonWriter w, string name, float[] values) =>
        w.WriteString(name, Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan())));

    public static float[] Floats(JsonElement root, string name, string what)
    {
        var bytes = Convert.FromBase64String(root.GetProperty(name).GetString() ?? "");
        if (bytes.Length % sizeof(float) != 0) throw new InvalidDataException($"{what}: {name} is not a float32 array.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    public static void CheckSize(float[] a, long expected, string name, string what)
    {
        if (a.LongLength != expected) throw new InvalidDataException($"{what}: {name} has {a.LongLength} values, expected {expected}.");
    }

    static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>
    /// Each row's most probable cluster and its probability, by the function <paramref name="makeProbabilities"/>
    /// builds once (its weight tensors live until the end): float32 rows [count, d] to [count, K], applied
    /// in chunks. Distance is NaN (there are no centres).
    /// </summary>
    public static ClusterAssignments Predict(DataMatrix prepared, int inputDimensions, Func<Func<Tensor, Tensor>> makeProbabilities, CancellationToken ct)
    {
        if (prepared.Columns != inputDimensions)
            throw new ArgumentException($"The model was trained on {inputDimensions}-dimensional vectors; these have {prepared.Columns}.");
        NativeStacks.EnsureTorch();
        return PredictCore(prepared, makeProbabilities, ct);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static ClusterAssignments PredictCore(DataMatrix x, Func<Func<Tensor, Tensor>> makeProbabilities, CancellationToken ct)
    {
        int n = x.Rows, d = x.Columns;
        var labels = new int[n];
        var confidence = new double[n];
        var distances = new double[n];
        Array.Fill(distances, double.NaN);   // probabilities, not centres: no distance to report
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var probabilities = makeProbabilities();
        const int Chunk = 4096;
        for (int start = 0; start < n; start += Chunk)
        {
            ct.ThrowIfCancellationRequested();
            using var inner = NewDisposeScope();
            int count = Math.Min(Chunk, n - start);
            var rows = new float[count * d];
            for (int i = 0; i < rows.Length; i++) rows[i] = (float)x.Data[(long)start * d + i];
            var (best, index) = probabilities(tensor(rows, new long[] { count, d })).max(1, keepdim: false);
            var p = best.data<float>().ToArray();
            var c = index.data<long>().ToArray();
            for (int i = 0; i < count; i++) { labels[start + i] = (int)c[i]; confidence[start + i] = p[i]; }
        }
        return new ClusterAssignments(labels, distances, confidence);
    }
}

/// <summary>
/// A saved MLP clustering head (TEMI's or SPICE's) with the preprocessing it was trained on: what assigns
/// new vectors is shared, each method gives its own forward pass and file fields.
/// </summary>
public abstract class SavedHeadModel : ITrainedClusterModel
{
    protected SavedHeadModel(string method, VectorPreparation preparation, int inputDimensions, int clusterCount, string what)
    {
        SavedHeads.CheckPreparation(preparation.Standardizer, inputDimensions, what);
        Method = method;
        Preparation = preparation;
        InputDimensions = inputDimensions;
        ClusterCount = clusterCount;
    }

    public string Method { get; }
    public VectorPreparation Preparation { get; }
    public int InputDimensions { get; }
    public int ClusterCount { get; }

    public ClusterAssignments Assign(DataMatrix raw, CancellationToken cancellationToken = default) =>
        Predict(Preparation.Apply(raw, InputDimensions), cancellationToken);

    /// <summary>Cluster and its probability for vectors already prepared (standardised / normalised) as in training.</summary>
    public ClusterAssignments Predict(DataMatrix prepared, CancellationToken cancellationToken = default) =>
        SavedHeads.Predict(prepared, InputDimensions, Probabilities, cancellationToken);

    /// <summary>The head's forward pass from prepared rows to cluster probabilities, its weights as tensors.</summary>
    protected abstract Func<Tensor, Tensor> Probabilities();

    public abstract void Save(Stream stream);
}
