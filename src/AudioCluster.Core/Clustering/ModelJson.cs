using System.Text.Json;

namespace AudioCluster.Clustering;

/// <summary>The JSON pieces every saved model uses: format check, arrays, matrices, the z-scoring.</summary>
internal static class Json
{
    public static void CheckFormat(JsonElement root, string formatName, int version, string what)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != formatName)
            throw new InvalidDataException($"Not a {what}: the format field is not \"{formatName}\".");
        int found = root.GetProperty("version").GetInt32();
        if (found != version)
            throw new InvalidDataException($"{what} version {found} is not supported (this version reads {version}).");
    }

    public static void WriteArray(Utf8JsonWriter w, string name, ReadOnlySpan<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    public static void WriteMatrix(Utf8JsonWriter w, string name, DataMatrix m)
    {
        w.WriteStartArray(name);
        for (int r = 0; r < m.Rows; r++)
        {
            w.WriteStartArray();
            foreach (var v in m.Row(r)) w.WriteNumberValue(v);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    public static double[] ReadArray(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static DataMatrix ReadMatrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(ReadArray).ToList();
        if (rows.Count == 0 || rows.Any(r => r.Length != rows[0].Length || r.Length == 0))
            throw new InvalidDataException("A matrix in the model is empty or ragged.");
        return DataMatrix.FromRows(rows);
    }

    public static void WriteStandardizer(Utf8JsonWriter w, Standardizer? s)
    {
        if (s == null) return;
        WriteArray(w, "standardizeMean", s.Mean);
        WriteArray(w, "standardizeScale", s.Scale);
    }

    public static Standardizer? ReadStandardizer(JsonElement root, int dimensions)
    {
        if (!root.TryGetProperty("standardizeMean", out var mean)) return null;
        var s = new Standardizer(ReadArray(mean), ReadArray(root.GetProperty("standardizeScale")));
        if (s.Mean.Length != dimensions || s.Scale.Length != dimensions)
            throw new InvalidDataException("The model's standardisation does not match its dimensions.");
        return s;
    }
}
