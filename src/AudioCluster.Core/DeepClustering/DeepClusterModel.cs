using System.Globalization;
using System.Text;
using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Encoders;
using AudioCluster.Reduction;

namespace AudioCluster.DeepClustering;

/// <summary>The BYOL-A encoder a DeepCluster model was trained with: its weights' hash, width and log-mel normalisation.</summary>
public sealed record ByolaEncoderBinding(string WeightsHash, int Dimensions, NormalizationStats Normalization)
{
    /// <summary>Why embeddings with encoder id <paramref name="encoderId"/> do not fit (null when they do, or carry no id).</summary>
    public string? Mismatch(string? encoderId)
    {
        if (string.IsNullOrWhiteSpace(encoderId)) return null;
        string stats = string.Create(CultureInfo.InvariantCulture, $"-NormalizationMean {Normalization.Mean:R} -NormalizationStd {Normalization.Std:R}");
        if (!encoderId.StartsWith("ByolA/v1 ", StringComparison.Ordinal) || !encoderId.Contains($" sha256={WeightsHash} ", StringComparison.Ordinal))
            return $"The model clusters embeddings of the BYOL-A encoder trained with it (weights sha256={WeightsHash}); these come from '{encoderId}'. " +
                   $"Embed with Get-AudioEmbedding -Encoder ByolA -ModelPath <the encoder file saved beside the model> {stats}.";
        if (!encoderId.EndsWith(" norm " + Normalization, StringComparison.Ordinal))
            return $"The embeddings come from the right encoder but another log-mel normalisation ('{encoderId}'); the model was trained with {Normalization}. " +
                   $"Give Get-AudioEmbedding {stats}.";
        return null;
    }

    /// <summary>Writes the "encoder" object of a saved model bound to this encoder.</summary>
    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject("encoder");
        w.WriteString("kind", "ByolA/v1");
        w.WriteString("sha256", WeightsHash);
        w.WriteNumber("dimensions", Dimensions);
        w.WriteNumber("normalizationMean", Normalization.Mean);
        w.WriteNumber("normalizationStd", Normalization.Std);
        w.WriteEndObject();
    }

    /// <summary>Reads the "encoder" object of a saved model's root.</summary>
    internal static ByolaEncoderBinding Read(JsonElement root)
    {
        var e = root.GetProperty("encoder");
        var binding = new ByolaEncoderBinding(e.GetProperty("sha256").GetString() ?? "", e.GetProperty("dimensions").GetInt32(),
            new NormalizationStats(e.GetProperty("normalizationMean").GetDouble(), e.GetProperty("normalizationStd").GetDouble()));
        binding.Normalization.Validate();
        return binding;
    }
}

/// <summary>A saved model that only fits embeddings of one encoder, and can tell from an embedding's encoder id.</summary>
public interface IEncoderBoundModel
{
    /// <summary>Why embeddings with this encoder id do not fit the model, or null when they do (or the id is unknown).</summary>
    string? EncoderMismatch(string? encoderId);
}

/// <summary>
/// A DeepCluster clustering saved for later: the PCA whitening of the trained encoder's features, the L2
/// normalisation, and the final k-means centres, bound to the encoder (written beside it) by the weights' hash and
/// the log-mel normalisation. New clips embedded by that encoder join the cluster of the nearest centre.
/// JSON with format "AudioCluster.DeepClusterModel", read back by <see cref="SavedClusterModels"/>.
/// </summary>
public sealed class DeepClusterModel : IClusterAssigner, IEncoderBoundModel
{
    public const string FormatName = "AudioCluster.DeepClusterModel";
    public const int FormatVersion = 1;

    public DeepClusterModel(string method, ByolaEncoderBinding encoder, PcaModel whitening, DataMatrix centers)
    {
        if (!whitening.Whiten) throw new ArgumentException("DeepCluster's PCA whitens.", nameof(whitening));
        if (centers.Columns != whitening.Dimensions)
            throw new ArgumentException($"The centres have {centers.Columns} dimensions; the PCA gives {whitening.Dimensions}.", nameof(centers));
        if (encoder.Dimensions != whitening.InputDimensions)
            throw new ArgumentException($"The encoder gives {encoder.Dimensions} dimensions; the PCA takes {whitening.InputDimensions}.", nameof(encoder));
        Method = method;
        Encoder = encoder;
        Whitening = whitening;
        Centers = centers;
    }

    public string Method { get; }
    public ByolaEncoderBinding Encoder { get; }
    public PcaModel Whitening { get; }
    /// <summary>k-means centres in the whitened, L2-normalised space.</summary>
    public DataMatrix Centers { get; }
    public int InputDimensions => Whitening.InputDimensions;
    public int ClusterCount => Centers.Rows;

    public string? EncoderMismatch(string? encoderId) => Encoder.Mismatch(encoderId);

    /// <summary>Encoder features as k-means sees them: PCA-whitened, then L2-normalised.</summary>
    public DataMatrix Prepare(DataMatrix features) => VectorPreprocessing.L2Normalize(Whitening.Transform(features));

    public ClusterAssignments Assign(DataMatrix raw, CancellationToken cancellationToken = default)
    {
        if (raw.Columns != InputDimensions)
            throw new ArgumentException($"The model clusters {InputDimensions}-dimensional BYOL-A embeddings; these have {raw.Columns}.");
        return ClusterModel.NearestCenters(Prepare(raw), Centers);
    }

    public void Save(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("method", Method);
        Encoder.Write(w);
        using (var pca = new MemoryStream())
        {
            Whitening.Save(pca);
            w.WritePropertyName("pca");
            w.WriteRawValue(pca.ToArray());
        }
        w.WriteBoolean("l2Normalize", true);
        Json.WriteMatrix(w, "centers", Centers);
        w.WriteEndObject();
    }

    public static DeepClusterModel Load(Stream stream)
    {
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            Json.CheckFormat(root, FormatName, FormatVersion, "DeepCluster model");
            var binding = ByolaEncoderBinding.Read(root);
            var pca = PcaModel.Load(new MemoryStream(Encoding.UTF8.GetBytes(root.GetProperty("pca").GetRawText())));
            return new DeepClusterModel(root.GetProperty("method").GetString() ?? "", binding, pca, Json.ReadMatrix(root.GetProperty("centers")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException("Not a readable DeepCluster model: " + e.Message, e);
        }
    }
}
