using System.Text.Json;
using AudioCluster.Storage;

namespace AudioCluster.Encoders;

/// <summary>
/// The log-mel normalisation a BYOL-A encoder was trained with, kept beside its weights as NAME.pth.json (as an
/// ONNX model keeps its settings in NAME.onnx.json), so that Get-AudioEmbedding -ModelPath embeds new clips as
/// training did without being told the statistics. The file names the weights' hash: statistics of other weights
/// (the .pth replaced since) are refused rather than applied.
/// </summary>
public static class ByolaNormalizationFile
{
    public const string FormatName = "AudioCluster.ByolaNormalization";

    public static string PathFor(string weightsPath) => weightsPath + ".json";

    /// <summary>Writes the file beside weights already written (through a temporary file and a rename).</summary>
    public static void Write(string weightsPath, NormalizationStats stats)
    {
        stats.Validate();
        string hash = OnnxEncoder.WeightsHash(weightsPath);
        AtomicFile.Write(PathFor(weightsPath), stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", 1);
            w.WriteString("weightsSha256", hash);
            w.WriteNumber("normalizationMean", stats.Mean);
            w.WriteNumber("normalizationStd", stats.Std);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The statistics kept beside <paramref name="weightsPath"/>, or null when there is no such file. Throws
    /// InvalidDataException, naming the file, when it cannot be read or belongs to other weights.
    /// </summary>
    public static NormalizationStats? Read(string weightsPath)
    {
        string path = PathFor(weightsPath);
        if (!File.Exists(path)) return null;
        NormalizationStats stats;
        string hash;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != FormatName)
                throw new InvalidDataException($"'{path}' is not a {FormatName} file.");
            hash = root.GetProperty("weightsSha256").GetString() ?? "";
            stats = new NormalizationStats(root.GetProperty("normalizationMean").GetDouble(), root.GetProperty("normalizationStd").GetDouble());
            stats.Validate();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' cannot be read as the BYOL-A encoder's normalisation: {e.Message}", e);
        }
        string actual = OnnxEncoder.WeightsHash(weightsPath);
        if (hash != actual)
            throw new InvalidDataException($"'{path}' holds the normalisation of other weights (sha256={hash}; '{Path.GetFileName(weightsPath)}' has sha256={actual}): " +
                                           "delete it, or give -NormalizationMean and -NormalizationStd.");
        return stats;
    }
}
