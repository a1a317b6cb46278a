using System.Globalization;
using System.Text;
using AudioCluster.Runtime;

namespace AudioCluster.Encoders;

/// <summary>One tag of a clip: a class name and the model's probability that the clip contains it.</summary>
public sealed record AudioTag(string Name, int Index, double Probability)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Probability:0.000})");
}

/// <summary>The most probable tags of one clip, most probable first.</summary>
public sealed class AudioTags
{
    public AudioTags(string source, string? label, string model, AudioTag[] tags)
    {
        Source = source; Label = label; Model = model; Tags = tags;
    }

    public string Source { get; }
    public string Name => Path.GetFileName(Source);
    public string? Label { get; }
    /// <summary>The tagging model's id (file and weights hash).</summary>
    public string Model { get; }
    public AudioTag[] Tags { get; }
    public AudioTag? TopTag => Tags.Length > 0 ? Tags[0] : null;

    public override string ToString() => $"{Name}: {string.Join(", ", Tags.Select(t => t.ToString()))}";
}

/// <summary>
/// Class names of a tagging model, in output order, from a CSV laid out as AudioSet's class_labels_indices.csv
/// (header "index,mid,display_name", then one row per class; names may be quoted and hold commas).
/// </summary>
public static class ClassLabels
{
    /// <summary>The file looked for beside a model when no labels path is given.</summary>
    public const string DefaultFileName = "class_labels_indices.csv";

    public static string[] Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Class labels file '{path}' not found.", path);
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2) throw new InvalidDataException($"'{path}' holds no class labels.");
        var header = Split(lines[0]);
        int indexColumn = header.FindIndex(h => h.Equals("index", StringComparison.OrdinalIgnoreCase));
        int nameColumn = header.FindIndex(h => h.Equals("display_name", StringComparison.OrdinalIgnoreCase));
        if (indexColumn < 0 || nameColumn < 0)
            throw new InvalidDataException($"'{path}': the header must name the columns index and display_name (as AudioSet's class_labels_indices.csv), found '{lines[0]}'.");
        var names = new string[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = Split(lines[i]);
            if (cells.Count <= Math.Max(indexColumn, nameColumn) || !int.TryParse(cells[indexColumn], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index != i - 1)
                throw new InvalidDataException($"'{path}' line {i + 1}: expected class index {i - 1} and a name, found '{lines[i]}'.");
            names[i - 1] = cells[nameColumn];
        }
        return names;
    }

    // RFC 4180 cells: quotes around a cell, "" for a quote inside one.
    static List<string> Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') cell.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}

/// <summary>
/// Tags clips with EfficientAT's AudioSet classes: the TorchSharp network for a PyTorch state dict (.pt/.pth), or
/// ONNX Runtime for an ONNX export with a "logits" output (the front end as <see cref="OnnxEncoderOptions.EfficientAt"/>,
/// or the model's sidecar). Thread-safe.
/// </summary>
public sealed class AudioTagger : IDisposable
{
    readonly EfficientAtEncoder? torchModel;
    readonly OnnxEncoder? onnxModel;

    /// <param name="modelPath">mn04_as_mAP_432.pt (or another EfficientAT state dict), or an ONNX export.</param>
    /// <param name="labelsPath">Class names; null takes class_labels_indices.csv beside the model.</param>
    /// <param name="device">Cpu, Cuda or Auto.</param>
    /// <param name="threads">Intra-op threads per clip.</param>
    public AudioTagger(string modelPath, string? labelsPath = null, ComputeDevice device = ComputeDevice.Cpu, int threads = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"Model file '{modelPath}' not found.", modelPath);
        labelsPath ??= DefaultLabelsPath(modelPath);
        if (!File.Exists(labelsPath))
            throw new FileNotFoundException($"Class labels file '{labelsPath}' not found: give -LabelsPath, or put {ClassLabels.DefaultFileName} beside the model.", labelsPath);
        Labels = ClassLabels.Load(labelsPath);
        LabelsPath = Path.GetFullPath(labelsPath);
        int classes;
        if (IsOnnx(modelPath))
        {
            var options = (OnnxEncoderOptions.FromSidecar(Path.GetFullPath(modelPath), out _) ?? OnnxEncoderOptions.EfficientAt) with { OutputName = "logits" };
            onnxModel = new OnnxEncoder(modelPath, options, device, threads);
            classes = onnxModel.Dimensions;
            Id = onnxModel.Id;
            SampleRate = onnxModel.SampleRate;
        }
        else
        {
            torchModel = new EfficientAtEncoder(new EfficientAtEncoderOptions { WeightsPath = modelPath, Device = device, Threads = threads });
            classes = torchModel.ClassCount;
            Id = torchModel.Id;
            SampleRate = torchModel.SampleRate;
        }
        if (classes != Labels.Length)
        {
            Dispose();
            throw new InvalidDataException($"The model has {classes} classes but '{labelsPath}' names {Labels.Length}.");
        }
    }

    public static string DefaultLabelsPath(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", ClassLabels.DefaultFileName);

    static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public string Id { get; }
    public int SampleRate { get; }
    public string[] Labels { get; }
    public string LabelsPath { get; }
    /// <summary>Where the model runs and why not on CUDA when asked, for verbose messages.</summary>
    public string DeviceDescription => torchModel != null
        ? "libtorch on " + torchModel.DeviceName + (torchModel.DeviceNote is { } n ? "; " + n : "")
        : "ONNX Runtime " + onnxModel!.ExecutionProvider + (onnxModel.DeviceNote is { } m ? "; " + m : "");

    /// <summary>Probability of every class for a mono clip at <see cref="SampleRate"/>.</summary>
    public float[] Probabilities(ReadOnlySpan<float> mono)
    {
        if (torchModel != null) return torchModel.Run(mono).Probabilities;
        var logits = onnxModel!.Encode(mono);
        for (int i = 0; i < logits.Length; i++) logits[i] = 1f / (1f + MathF.Exp(-logits[i]));
        return logits;
    }

    /// <summary>The <paramref name="count"/> most probable classes, most probable first (ties: lower index first).</summary>
    public AudioTag[] Tag(ReadOnlySpan<float> mono, int count) => Top(Probabilities(mono), count);

    public AudioTag[] Top(float[] probabilities, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1.");
        return Enumerable.Range(0, probabilities.Length)
            .OrderByDescending(i => probabilities[i]).ThenBy(i => i)
            .Take(count)
            .Select(i => new AudioTag(Labels[i], i, probabilities[i]))
            .ToArray();
    }

    public void Dispose()
    {
        torchModel?.Dispose();
        onnxModel?.Dispose();
    }
}
