using System.Globalization;
using System.Text;

namespace AudioCluster.Storage;

/// <summary>
/// Embedding tables as CSV: a header "source,label,cluster,encoder,vector", one row per clip,
/// the vector as one field of space-separated numbers in their shortest round-trip form (so the
/// column count does not depend on the dimension, rows of different encoders can share a file,
/// and appending never changes the header). An empty label or cluster reads back as none.
/// </summary>
static class CsvEmbeddings
{
    public static readonly string[] Header = ["source", "label", "cluster", "encoder", "vector"];
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the rows; with <paramref name="append"/> the stream holds a file of this layout and the rows go at its end.</summary>
    public static void Write(Stream stream, IEnumerable<EmbeddingRecord> records, bool append, string path, bool withVector = true)
    {
        var expected = withVector ? Header : Header[..^1];
        if (append && stream.Length > 0)
        {
            stream.Position = 0;
            using (var reader = new StreamReader(stream, Utf8, true, 4096, leaveOpen: true))
            {
                var header = Csv.Read(reader).FirstOrDefault();
                if (header == null || !header.Select(h => h.Trim()).SequenceEqual(expected, StringComparer.OrdinalIgnoreCase))
                    throw new InvalidDataException($"'{path}' does not start with the header '{string.Join(",", expected)}'; append to a file written by Export-AudioEmbedding.");
            }
            // Make sure the new rows start on a line of their own.
            stream.Position = stream.Length - 1;
            bool endsWithNewline = stream.ReadByte() == '\n';
            stream.Position = stream.Length;
            if (!endsWithNewline) stream.WriteByte((byte)'\n');
        }
        using var writer = new StreamWriter(stream, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        if (!append || stream.Length == 0) writer.WriteLine(Csv.Line(expected));
        foreach (var r in records)
        {
            string?[] fields = [r.Source, r.Label, r.Cluster?.ToString(CultureInfo.InvariantCulture), r.Encoder];
            writer.WriteLine(Csv.Line(withVector ? [.. fields, VectorText(r.Vector)] : fields));
        }
    }

    public static IEnumerable<EmbeddingRecord> Read(Stream stream, string path, bool withVector = true)
    {
        using var reader = new StreamReader(stream, Utf8, true, 1 << 16);
        int line = 0;
        int[]? columns = null;
        foreach (var fields in Csv.Read(reader))
        {
            line++;
            if (columns == null)
            {
                columns = Header.Select(name => fields.FindIndex(f => string.Equals(f.Trim(), name, StringComparison.OrdinalIgnoreCase))).ToArray();
                if (columns[0] < 0 || (withVector && columns[4] < 0))
                    throw new InvalidDataException($"'{path}' needs a 'source'{(withVector ? " and a 'vector'" : "")} column in its header (it has: {string.Join(", ", fields)}).");
                continue;
            }
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count <= columns.Max())
                throw new InvalidDataException($"'{path}', record {line}: {fields.Count} fields, the header has more (a line cut short?).");
            string? Get(int column) => columns[column] < 0 || fields[columns[column]].Length == 0 ? null : fields[columns[column]];
            var source = Get(0) ?? throw new InvalidDataException($"'{path}', record {line}: no source.");
            int? cluster = null;
            if (Get(2) is { } c)
            {
                if (!int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k))
                    throw new InvalidDataException($"'{path}', record {line}: cluster '{c}' is not an integer.");
                cluster = k;
            }
            yield return new EmbeddingRecord(source, Get(1), cluster, Get(3), withVector ? ParseVector(Get(4) ?? "", path, line) : []);
        }
        if (columns == null) throw new InvalidDataException($"'{path}' is empty: no header.");
    }

    public static string VectorText(float[] vector)
    {
        var text = new StringBuilder(vector.Length * 12);
        for (int i = 0; i < vector.Length; i++)
        {
            if (i > 0) text.Append(' ');
            // .NET prints the shortest text that parses back to the same float.
            text.Append(vector[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    static float[] ParseVector(string text, string path, int line)
    {
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new InvalidDataException($"'{path}', record {line}: the vector is empty.");
        var vector = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out vector[i]))
                throw new InvalidDataException($"'{path}', record {line}: '{parts[i]}' in the vector is not a number.");
        }
        return vector;
    }
}
