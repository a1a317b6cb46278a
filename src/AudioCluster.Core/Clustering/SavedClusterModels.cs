using System.Text.Json;
using AudioCluster.DeepClustering;

namespace AudioCluster.Clustering;

/// <summary>Where saved models put each input: cluster, distance to its centre, and a confidence where the model has one.</summary>
public sealed record ClusterAssignments(int[] Labels, double[] Distances, double[]? Confidence);

/// <summary>A fitted clustering read back from a file, able to assign new vectors to its clusters.</summary>
public interface IClusterAssigner
{
    /// <summary>Method and settings it was fitted with.</summary>
    string Method { get; }
    int InputDimensions { get; }
    int ClusterCount { get; }
    ClusterAssignments Assign(DataMatrix raw, CancellationToken cancellationToken = default);
}

/// <summary>
/// Reads any saved clustering model by the "format" field its JSON starts with, so one cmdlet
/// parameter (Invoke-AudioClustering -ModelPath) applies classic and deep models alike.
/// </summary>
public static class SavedClusterModels
{
    // Each model kind names its format and how to read it back.
    static readonly Dictionary<string, Func<Stream, IClusterAssigner>> Readers = new()
    {
        [ClusterModel.FormatName] = s => ClusterModel.Load(s),
        [GaussianMixtureModel.FormatName] = s => GaussianMixtureModel.Load(s),
        [TemiModel.FormatName] = s => TemiModel.Load(s),
        [SpiceModel.FormatName] = s => SpiceModel.Load(s),
        [DeepClusterModel.FormatName] = s => DeepClusterModel.Load(s),
        [SpiceSemiModel.FormatName] = s => SpiceSemiModel.Load(s),
    };

    public static IReadOnlyCollection<string> Formats => Readers.Keys;

    public static IClusterAssigner Load(string path)
    {
        string format;
        using (var probe = File.OpenRead(path))
            format = ReadFormat(probe, path);
        if (!Readers.TryGetValue(format, out var read))
            throw new InvalidDataException($"'{path}' holds a '{format}' model, which this version cannot apply (known: {string.Join(", ", Readers.Keys)}).");
        using var stream = File.OpenRead(path);
        return read(stream);
    }

    static string ReadFormat(Stream stream, string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(stream);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f) && f.GetString() is { } name)
                return name;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a saved model (not JSON: {e.Message}).", e);
        }
        throw new InvalidDataException($"'{path}' is not a saved model (no \"format\" field).");
    }
}
