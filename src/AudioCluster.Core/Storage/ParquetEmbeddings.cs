using System.Text.Json.Serialization;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace AudioCluster.Storage;

/// <summary>
/// Embedding tables in Parquet: columns source (string), label (string, nullable), cluster
/// (int32, nullable), encoder (string, nullable) and vector (list&lt;float&gt;, the standard
/// three-level LIST), which pandas, pyarrow, DuckDB and Spark read as they are. Appending adds a
/// row group. Reading takes any file with a source and a vector column (float or double list).
/// </summary>
static class ParquetEmbeddings
{
    /// <summary>The row as the serializer sees it; the attributes fix the column names and nullability.</summary>
    public sealed class Row
    {
        [JsonPropertyName("source"), ParquetRequired] public string Source { get; set; } = "";
        [JsonPropertyName("label")] public string? Label { get; set; }
        [JsonPropertyName("cluster")] public int? Cluster { get; set; }
        [JsonPropertyName("encoder")] public string? Encoder { get; set; }
        [JsonPropertyName("vector"), ParquetListElementRequired] public float[] Vector { get; set; } = [];
    }

    /// <summary>Writes the rows as one new row group; with <paramref name="append"/> the stream
    /// already holds a file of this schema and gets one more row group.</summary>
    public static void Write(Stream stream, IReadOnlyList<EmbeddingRecord> records, bool append, CancellationToken cancellation)
    {
        var rows = records.Select(r => new Row { Source = r.Source, Label = r.Label, Cluster = r.Cluster, Encoder = r.Encoder, Vector = r.Vector });
        if (append)
        {
            var schema = Run(() => ParquetReader.ReadSchemaAsync(stream));
            var ours = typeof(Row).GetParquetSchema(forWriting: true);
            if (!schema.Equals(ours))
                throw new InvalidDataException($"It was not written by Export-AudioEmbedding (its columns are {Describe(schema)}; appending needs {Describe(ours)}). Append to a new file instead.");
            stream.Position = 0;
        }
        Run(() => ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { Append = append }, cancellationToken: cancellation));
    }

    public static IEnumerable<EmbeddingRecord> Read(Stream stream, string path, CancellationToken cancellation)
    {
        var reader = Run(() => ParquetReader.CreateAsync(stream, cancellationToken: cancellation));
        try
        {
            foreach (var record in Read(reader, path, cancellation)) yield return record;
        }
        finally
        {
            Run(() => reader.DisposeAsync().AsTask());
        }
    }

    static IEnumerable<EmbeddingRecord> Read(ParquetReader reader, string path, CancellationToken cancellation)
    {
        var schema = reader.Schema;
        var source = Column(schema, "source") ?? throw new InvalidDataException($"'{path}' has no 'source' column (its columns are {Describe(schema)}).");
        var label = Column(schema, "label");
        var cluster = Column(schema, "cluster");
        var encoder = Column(schema, "encoder");
        var vector = VectorColumn(schema) ?? throw new InvalidDataException($"'{path}' has no 'vector' column holding a list of float or double (its columns are {Describe(schema)}).");
        if (cluster != null && cluster.ClrType != typeof(int) && cluster.ClrType != typeof(long))
            throw new InvalidDataException($"'{path}': the 'cluster' column holds {cluster.ClrType.Name}, not integers.");

        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            var sources = Strings(group, source, n);
            var labels = label == null ? null : Strings(group, label, n);
            var encoders = encoder == null ? null : Strings(group, encoder, n);
            var clusters = cluster == null ? null : Integers(group, cluster, n);
            var vectors = Vectors(group, vector, n, path);
            for (int i = 0; i < n; i++)
            {
                if (sources[i] == null) throw new InvalidDataException($"'{path}': row {i} of row group {g} has no source.");
                yield return new EmbeddingRecord(sources[i]!, labels?[i], clusters?[i], encoders?[i], vectors[i]);
            }
        }
    }

    static DataField? Column(ParquetSchema schema, string name) =>
        schema.Fields.OfType<DataField>().FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase) && !f.IsArray);

    /// <summary>The leaf of the vector column: a LIST of numbers, or a legacy repeated field.</summary>
    static DataField? VectorColumn(ParquetSchema schema)
    {
        var top = schema.Fields.FirstOrDefault(f => string.Equals(f.Name, "vector", StringComparison.OrdinalIgnoreCase));
        var leaf = top switch
        {
            ListField list => list.Item as DataField,
            DataField { IsArray: true } repeated => repeated,
            _ => null,
        };
        return leaf != null && (leaf.ClrType == typeof(float) || leaf.ClrType == typeof(double)) ? leaf : null;
    }

    static string?[] Strings(ParquetRowGroupReader group, DataField field, int n)
    {
        if (field.ClrType != typeof(string) && field.ClrType != typeof(ReadOnlyMemory<char>)) throw new InvalidDataException($"The '{field.Name}' column holds {field.ClrType.Name}, not text.");
        var values = new string?[n];
        Run(() => group.ReadAsync(field, values.AsMemory()!, null).AsTask());
        return values;
    }

    static int?[] Integers(ParquetRowGroupReader group, DataField field, int n)
    {
        if (field.ClrType == typeof(int))
        {
            if (!field.IsNullable)
            {
                var dense = new int[n];
                Run(() => group.ReadAsync(field, dense.AsMemory(), null).AsTask());
                return dense.Select(v => (int?)v).ToArray();
            }
            var values = new int?[n];
            Run(() => group.ReadAsync(field, values.AsMemory(), null).AsTask());
            return values;
        }
        long?[] wide;
        if (!field.IsNullable)
        {
            var dense = new long[n];
            Run(() => group.ReadAsync(field, dense.AsMemory(), null).AsTask());
            wide = dense.Select(v => (long?)v).ToArray();
        }
        else
        {
            wide = new long?[n];
            Run(() => group.ReadAsync(field, wide.AsMemory(), null).AsTask());
        }
        return wide.Select(v => v is null ? (int?)null : checked((int)v.Value)).ToArray();
    }

    /// <summary>Rebuilds one vector per row from the leaf values and their repetition and
    /// definition levels: repetition 0 starts a row; the top definition level is a present value.</summary>
    static float[][] Vectors(ParquetRowGroupReader group, DataField leaf, int n, string path)
    {
        float[] values;
        int[] repetition, definition;
        using (var raw = Run(() => group.ReadRawColumnDataBaseAsync(leaf).AsTask()))
        {
            values = raw switch
            {
                Parquet.Data.RawColumnData<float> f => f.Values.ToArray(),
                Parquet.Data.RawColumnData<double> d => Array.ConvertAll(d.Values.ToArray(), v => (float)v),
                _ => throw new InvalidDataException($"'{path}': the vector column holds {leaf.ClrType.Name}."),
            };
            repetition = Levels(raw, true);
            definition = Levels(raw, false);
        }
        var rows = new List<float[]>(n);
        var current = new List<float>();
        int next = 0;
        for (int i = 0; i < repetition.Length; i++)
        {
            if (repetition[i] == 0 && i > 0) { rows.Add(current.ToArray()); current.Clear(); }
            if (definition.Length == 0 || definition[i] == leaf.MaxDefinitionLevel) current.Add(values[next++]);
            else if (leaf.IsNullable && definition[i] == leaf.MaxDefinitionLevel - 1)
                throw new InvalidDataException($"'{path}': row {rows.Count} has a missing (null) number in its vector.");
        }
        if (repetition.Length > 0) rows.Add(current.ToArray());
        if (rows.Count != n) throw new InvalidDataException($"'{path}': the vector column has {rows.Count} rows, the other columns {n}.");
        return rows.ToArray();
    }

    static int[] Levels(Parquet.Data.RawColumnData raw, bool repetition)
    {
        try
        {
            return (repetition ? raw.RepetitionLevels : raw.DefinitionLevels).ToArray();
        }
        catch (InvalidOperationException)
        {
            return []; // a column without these levels (required, not repeated)
        }
    }

    static string Describe(ParquetSchema schema) => string.Join(", ", schema.Fields.Select(f => f.Name));

    // Parquet.Net is asynchronous only; cmdlets run synchronously, so each call is awaited here.
    static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();
    static void Run(Func<Task> work) => Task.Run(work).GetAwaiter().GetResult();
}
