using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>
/// One trained TEMI head: Linear(d, hidden) -> GELU -> Linear(hidden, bottleneck) -> L2 normalise ->
/// Linear(bottleneck, K) without bias (the weight norm folded into the last matrix). Matrices are
/// row-major and multiply from the right (x W), so W1 is d x hidden, W2 hidden x bottleneck, W3 bottleneck x K.
/// </summary>
public sealed record TemiHeadWeights(int InputDimensions, int HiddenDimensions, int BottleneckDimensions, int ClusterCount,
    float[] W1, float[] B1, float[] W2, float[] B2, float[] W3)
{
    public void Check()
    {
        void Size(float[] a, long expected, string name)
        {
            if (a.LongLength != expected) throw new InvalidDataException($"TEMI head: {name} has {a.LongLength} values, expected {expected}.");
        }
        if (InputDimensions < 1 || HiddenDimensions < 1 || BottleneckDimensions < 1 || ClusterCount < 1)
            throw new InvalidDataException("TEMI head: the layer sizes must be positive.");
        Size(W1, (long)InputDimensions * HiddenDimensions, "w1");
        Size(B1, HiddenDimensions, "b1");
        Size(W2, (long)HiddenDimensions * BottleneckDimensions, "w2");
        Size(B2, BottleneckDimensions, "b2");
        Size(W3, (long)BottleneckDimensions * ClusterCount, "w3");
    }
}

/// <summary>
/// A TEMI clustering saved for later: the preprocessing and the chosen head (the teacher's), so new
/// vectors get the cluster with the highest probability. Written as JSON (format
/// "AudioCluster.TemiModel"; weights as base64 little-endian float32) and read back by
/// <see cref="SavedClusterModels"/>.
/// </summary>
public sealed class TemiModel : IClusterAssigner
{
    public const string FormatName = "AudioCluster.TemiModel";
    public const int FormatVersion = 1;

    public TemiModel(string method, VectorPreparation preparation, TemiHeadWeights head, double temperature)
    {
        head.Check();
        if (preparation.Standardizer is { } s && (s.Mean.Length != head.InputDimensions || s.Scale.Length != head.InputDimensions))
            throw new ArgumentException("The standardisation does not match the head's input dimensions.");
        Method = method;
        Preparation = preparation;
        Head = head;
        Temperature = temperature;
    }

    public string Method { get; }
    public VectorPreparation Preparation { get; }
    public TemiHeadWeights Head { get; }
    public double Temperature { get; }
    public int InputDimensions => Head.InputDimensions;
    public int ClusterCount => Head.ClusterCount;

    public ClusterAssignments Assign(DataMatrix raw, CancellationToken cancellationToken = default) =>
        Predict(Preparation.Apply(raw, InputDimensions), cancellationToken);

    /// <summary>Cluster and its probability for vectors already prepared (standardised / normalised) as in training.</summary>
    public ClusterAssignments Predict(DataMatrix prepared, CancellationToken cancellationToken = default)
    {
        if (prepared.Columns != InputDimensions)
            throw new ArgumentException($"The model was trained on {InputDimensions}-dimensional vectors; these have {prepared.Columns}.");
        NativeStacks.EnsureTorch();
        return PredictCore(prepared, cancellationToken);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    ClusterAssignments PredictCore(DataMatrix x, CancellationToken ct)
    {
        int n = x.Rows, d = x.Columns;
        var labels = new int[n];
        var confidence = new double[n];
        var distances = new double[n];
        Array.Fill(distances, double.NaN);   // probabilities, not centres: no distance to report
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var h = Head;
        var w1 = tensor(h.W1, new long[] { d, h.HiddenDimensions });
        var b1 = tensor(h.B1, new long[] { h.HiddenDimensions });
        var w2 = tensor(h.W2, new long[] { h.HiddenDimensions, h.BottleneckDimensions });
        var b2 = tensor(h.B2, new long[] { h.BottleneckDimensions });
        var w3 = tensor(h.W3, new long[] { h.BottleneckDimensions, h.ClusterCount });
        const int Chunk = 4096;
        for (int start = 0; start < n; start += Chunk)
        {
            ct.ThrowIfCancellationRequested();
            using var inner = NewDisposeScope();
            int count = Math.Min(Chunk, n - start);
            var rows = new float[count * d];
            for (int i = 0; i < rows.Length; i++) rows[i] = (float)x.Data[(long)start * d + i];
            var input = tensor(rows, new long[] { count, d });
            var probs = Probabilities(input, w1, b1, w2, b2, w3, Temperature);
            var (best, index) = probs.max(1, keepdim: false);
            var p = best.data<float>().ToArray();
            var c = index.data<long>().ToArray();
            for (int i = 0; i < count; i++) { labels[start + i] = (int)c[i]; confidence[start + i] = p[i]; }
        }
        return new ClusterAssignments(labels, distances, confidence);
    }

    internal static Tensor Probabilities(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, double temperature)
    {
        var hidden = nn.functional.gelu(addmm(b1, x, w1, 1, 1));
        var z = nn.functional.normalize(addmm(b2, hidden, w2, 1, 1), p: 2, dim: 1);
        return nn.functional.softmax(z.mm(w3) / temperature, 1);
    }

    public void Save(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("method", Method);
        w.WriteBoolean("l2Normalize", Preparation.L2Normalize);
        if (Preparation.Standardizer is { } s)
        {
            WriteArray(w, "standardizeMean", s.Mean);
            WriteArray(w, "standardizeScale", s.Scale);
        }
        w.WriteNumber("temperature", Temperature);
        w.WriteNumber("inputDimensions", Head.InputDimensions);
        w.WriteNumber("hiddenDimensions", Head.HiddenDimensions);
        w.WriteNumber("bottleneckDimensions", Head.BottleneckDimensions);
        w.WriteNumber("clusterCount", Head.ClusterCount);
        w.WriteString("w1", Base64(Head.W1));
        w.WriteString("b1", Base64(Head.B1));
        w.WriteString("w2", Base64(Head.W2));
        w.WriteString("b2", Base64(Head.B2));
        w.WriteString("w3", Base64(Head.W3));
        w.WriteEndObject();
    }

    public static TemiModel Load(Stream stream)
    {
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != FormatName)
                throw new InvalidDataException($"Not a TEMI model: the format field is not \"{FormatName}\".");
            int version = root.GetProperty("version").GetInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"TEMI model version {version} is not supported (this version reads {FormatVersion}).");
            var head = new TemiHeadWeights(
                root.GetProperty("inputDimensions").GetInt32(), root.GetProperty("hiddenDimensions").GetInt32(),
                root.GetProperty("bottleneckDimensions").GetInt32(), root.GetProperty("clusterCount").GetInt32(),
                Floats(root, "w1"), Floats(root, "b1"), Floats(root, "w2"), Floats(root, "b2"), Floats(root, "w3"));
            head.Check();
            Standardizer? standardizer = null;
            if (root.TryGetProperty("standardizeMean", out var mean))
            {
                standardizer = new Standardizer(Doubles(mean), Doubles(root.GetProperty("standardizeScale")));
                if (standardizer.Mean.Length != head.InputDimensions || standardizer.Scale.Length != head.InputDimensions)
                    throw new InvalidDataException("TEMI model: the standardisation does not match the input dimensions.");
            }
            double temperature = root.GetProperty("temperature").GetDouble();
            if (!(temperature > 0)) throw new InvalidDataException("TEMI model: the temperature must be positive.");
            return new TemiModel(root.GetProperty("method").GetString() ?? "", new VectorPreparation(standardizer, root.GetProperty("l2Normalize").GetBoolean()), head, temperature);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException("Not a readable TEMI model: " + e.Message, e);
        }
    }

    static string Base64(float[] values) => Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()));

    static float[] Floats(JsonElement root, string name)
    {
        var bytes = Convert.FromBase64String(root.GetProperty(name).GetString() ?? "");
        if (bytes.Length % sizeof(float) != 0) throw new InvalidDataException($"TEMI model: {name} is not a float32 array.");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
