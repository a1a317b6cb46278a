using System.Text.Json;
using AudioCluster.Clustering;

namespace AudioCluster.Reduction;

/// <summary>
/// A fitted PCA: what scikit-learn keeps after fit (components_, explained_variance_, ...), able to
/// project new vectors and to be saved and loaded.
/// </summary>
public sealed class PcaModel
{
    const string FormatName = "AudioCluster.PcaModel";
    const int FormatVersion = 1;

    internal PcaModel(double[] mean, DataMatrix components, double[] explainedVariance, double[] explainedVarianceRatio,
        double[] singularValues, double noiseVariance, bool whiten, int sampleCount, PcaSolver solver)
    {
        Mean = mean; Components = components; ExplainedVariance = explainedVariance;
        ExplainedVarianceRatio = explainedVarianceRatio; SingularValues = singularValues;
        NoiseVariance = noiseVariance; Whiten = whiten; SampleCount = sampleCount; Solver = solver;
    }

    /// <summary>Principal axes, one unit row per component, by decreasing explained variance.</summary>
    public DataMatrix Components { get; }
    /// <summary>Variance along each component (s^2 / (n - 1)).</summary>
    public double[] ExplainedVariance { get; }
    /// <summary>Share of the total variance along each component.</summary>
    public double[] ExplainedVarianceRatio { get; }
    public double[] SingularValues { get; }
    /// <summary>Column means of the training data.</summary>
    public double[] Mean { get; }
    /// <summary>Mean variance of the discarded components (probabilistic PCA's noise), 0 when none is discarded.</summary>
    public double NoiseVariance { get; }
    public bool Whiten { get; }
    /// <summary>Training points.</summary>
    public int SampleCount { get; }
    /// <summary>The solver that was used (Auto resolved).</summary>
    public PcaSolver Solver { get; }
    /// <summary>Kept components (the output's width).</summary>
    public int Dimensions => Components.Rows;
    /// <summary>Width of the input vectors.</summary>
    public int InputDimensions => Components.Columns;

    /// <summary>Projects rows onto the components: (x - Mean) Components^T, divided by sqrt(ExplainedVariance) when whitening.</summary>
    public DataMatrix Transform(DataMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns != InputDimensions)
            throw new ArgumentException($"The model was fitted on {InputDimensions}-dimensional vectors; these have {x.Columns}.", nameof(x));
        var result = Project(x, ComponentRows(), Mean, new ParallelOptions());
        ApplyWhitening(result);
        return result;
    }

    /// <summary>(x - mean) W^T as x W^T - mean W^T: no centred copy of x.</summary>
    internal static DataMatrix Project(DataMatrix x, double[][] components, double[] mean, ParallelOptions po)
    {
        var result = new DataMatrix(x.Rows, components.Length);
        var shift = components.Select(w => Clustering.VectorKernels.Dot(mean, w)).ToArray();
        DenseOps.MultiplyRows(x, components, shift, result, po);
        return result;
    }

    /// <summary>Divides the projections by sqrt(ExplainedVariance) when the model whitens.</summary>
    internal void ApplyWhitening(DataMatrix projections)
    {
        if (!Whiten) return;
        var scale = WhitenScale();
        for (int i = 0; i < projections.Rows; i++)
        {
            var row = projections.Row(i);
            for (int c = 0; c < row.Length; c++) row[c] *= scale[c];
        }
    }

    /// <summary>Maps projections back to the input space (the reconstruction from the kept components).</summary>
    public DataMatrix InverseTransform(DataMatrix y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Columns != Dimensions)
            throw new ArgumentException($"The model has {Dimensions} components; these vectors have {y.Columns}.", nameof(y));
        var result = new DataMatrix(y.Rows, InputDimensions);
        var unscale = ExplainedVariance.Select(v => Whiten ? Math.Sqrt(v) : 1.0).ToArray();
        for (int i = 0; i < y.Rows; i++)
        {
            var dst = result.Row(i);
            Mean.CopyTo(dst);
            var src = y.Row(i);
            for (int c = 0; c < Dimensions; c++) DenseOps.AddScaled(dst, Components.Row(c), src[c] * unscale[c]);
        }
        return result;
    }

    double[][] ComponentRows()
    {
        var rows = new double[Dimensions][];
        for (int c = 0; c < Dimensions; c++) rows[c] = Components.Row(c).ToArray();
        return rows;
    }

    // A component of zero variance maps to 0 rather than to NaN.
    double[] WhitenScale() => ExplainedVariance.Select(v => v > 0 ? 1.0 / Math.Sqrt(v) : 0.0).ToArray();

    /// <summary>Writes the model as UTF-8 JSON (with a format name and version); doubles round-trip exactly.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("solver", Solver.ToString());
        w.WriteBoolean("whiten", Whiten);
        w.WriteNumber("samples", SampleCount);
        w.WriteNumber("inputDimensions", InputDimensions);
        w.WriteNumber("dimensions", Dimensions);
        WriteArray(w, "mean", Mean);
        w.WriteStartArray("components");
        for (int c = 0; c < Dimensions; c++)
        {
            w.WriteStartArray();
            foreach (var v in Components.Row(c)) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        WriteArray(w, "explainedVariance", ExplainedVariance);
        WriteArray(w, "explainedVarianceRatio", ExplainedVarianceRatio);
        WriteArray(w, "singularValues", SingularValues);
        w.WriteNumber("noiseVariance", NoiseVariance);
        w.WriteEndObject();
    }

    /// <summary>Reads a model written by <see cref="Save"/>; throws <see cref="InvalidDataException"/> for anything else.</summary>
    public static PcaModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(stream); }
        catch (JsonException e) { throw new InvalidDataException("Not a PCA model: the file is not valid JSON.", e); }
        using (doc)
        {
            var root = doc.RootElement;
            try
            {
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != FormatName)
                    throw new InvalidDataException($"Not a PCA model: the format field is not \"{FormatName}\".");
                int version = root.GetProperty("version").GetInt32();
                if (version != FormatVersion)
                    throw new InvalidDataException($"PCA model version {version} is not supported (this library reads version {FormatVersion}).");
                int d = root.GetProperty("inputDimensions").GetInt32();
                int k = root.GetProperty("dimensions").GetInt32();
                var mean = ReadArray(root, "mean", d);
                var rows = root.GetProperty("components").EnumerateArray().ToArray();
                if (rows.Length != k) throw new InvalidDataException($"The model declares {k} components but stores {rows.Length}.");
                var components = new DataMatrix(k, d);
                for (int c = 0; c < k; c++)
                {
                    var values = rows[c].EnumerateArray().Select(v => v.GetDouble()).ToArray();
                    if (values.Length != d) throw new InvalidDataException($"Component {c} has {values.Length} values; expected {d}.");
                    values.CopyTo(components.Row(c));
                }
                var solver = Enum.Parse<PcaSolver>(root.GetProperty("solver").GetString()!);
                return new PcaModel(mean, components, ReadArray(root, "explainedVariance", k), ReadArray(root, "explainedVarianceRatio", k),
                    ReadArray(root, "singularValues", k), root.GetProperty("noiseVariance").GetDouble(),
                    root.GetProperty("whiten").GetBoolean(), root.GetProperty("samples").GetInt32(), solver);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException($"The PCA model is incomplete or damaged: {e.Message}", e);
            }
        }
    }

    static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    static double[] ReadArray(JsonElement root, string name, int length)
    {
        var values = root.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        if (values.Length != length) throw new InvalidDataException($"\"{name}\" has {values.Length} values; expected {length}.");
        return values;
    }
}
