namespace AudioCluster.Storage;

/// <summary>Reads and writes embedding tables in Parquet, CSV or NumPy form; every write is atomic.</summary>
public static class EmbeddingFiles
{
    /// <summary>The format of a path: <paramref name="format"/> when given, else from the extension.</summary>
    public static EmbeddingFileFormat FormatOf(string path, EmbeddingFileFormat format = EmbeddingFileFormat.Auto)
    {
        if (format != EmbeddingFileFormat.Auto) return format;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".parquet" or ".pq" => EmbeddingFileFormat.Parquet,
            ".csv" => EmbeddingFileFormat.Csv,
            ".npy" => EmbeddingFileFormat.Npy,
            var ext => throw new ArgumentException($"Cannot tell the format of '{path}' from its extension '{ext}': use .parquet, .csv or .npy, or give -Format."),
        };
    }

    /// <summary>Every file a write makes: the file itself, and for NPY the .rows.csv beside it.</summary>
    public static IReadOnlyList<string> FilesOf(string path, EmbeddingFileFormat format) =>
        FormatOf(path, format) == EmbeddingFileFormat.Npy ? [path, NpyEmbeddings.RowsPath(path)] : [path];

    /// <summary>
    /// Writes the records (replacing any file), or with <paramref name="append"/> adds them to an
    /// existing file of the same layout (a new row group in Parquet; new rows in CSV and NPY).
    /// The result replaces the file by a rename, so an interrupted write leaves the old file.
    /// </summary>
    public static void Write(string path, IReadOnlyList<EmbeddingRecord> records, EmbeddingFileFormat format, bool append, CancellationToken cancellation = default)
    {
        format = FormatOf(path, format);
        append &= File.Exists(path);
        switch (format)
        {
            case EmbeddingFileFormat.Parquet:
                AtomicFile.Update(path, stream =>
                {
                    if (!append) stream.SetLength(0);
                    Wrap(path, () => ParquetEmbeddings.Write(stream, records, append, cancellation));
                });
                break;
            case EmbeddingFileFormat.Csv:
                AtomicFile.Update(path, stream =>
                {
                    if (!append) stream.SetLength(0);
                    CsvEmbeddings.Write(stream, records, append, path);
                });
                break;
            case EmbeddingFileFormat.Npy:
                var all = append ? Read(path, format, cancellation).Concat(records).ToList() : records;
                var rowsPath = NpyEmbeddings.RowsPath(path);
                // The rows file first: a run cut between the two renames leaves counts that differ, which reading reports.
                AtomicFile.Write(rowsPath, s => CsvEmbeddings.Write(s, all.Select(r => r with { Vector = [] }), false, rowsPath, withVector: false));
                AtomicFile.Write(path, s => NpyEmbeddings.WriteMatrix(s, all.Select(r => r.Vector).ToList()));
                break;
        }
    }

    /// <summary>The records of a file, streamed in file order.</summary>
    public static IEnumerable<EmbeddingRecord> Read(string path, EmbeddingFileFormat format = EmbeddingFileFormat.Auto, CancellationToken cancellation = default)
    {
        format = FormatOf(path, format);
        if (!File.Exists(path)) throw new FileNotFoundException($"Cannot find '{path}'.", path);
        return format switch
        {
            EmbeddingFileFormat.Parquet => ReadParquet(path, cancellation),
            EmbeddingFileFormat.Csv => CsvEmbeddings.Read(File.OpenRead(path), path),
            _ => ReadNpy(path),
        };
    }

    static IEnumerable<EmbeddingRecord> ReadParquet(string path, CancellationToken cancellation)
    {
        using var stream = File.OpenRead(path);
        using var records = ParquetEmbeddings.Read(stream, path, cancellation).GetEnumerator();
        while (true)
        {
            EmbeddingRecord? next = null;
            Wrap(path, () => { if (records.MoveNext()) next = records.Current; });
            if (next == null) yield break;
            yield return next;
        }
    }

    static IEnumerable<EmbeddingRecord> ReadNpy(string path)
    {
        float[][] vectors;
        using (var stream = File.OpenRead(path)) vectors = NpyEmbeddings.ReadMatrix(stream, path);
        var rowsPath = NpyEmbeddings.RowsPath(path);
        if (!File.Exists(rowsPath))
        {
            // Just the matrix (from NumPy, say): the rows are named after the file.
            var name = Path.GetFileName(path);
            return vectors.Select((v, i) => new EmbeddingRecord($"{name}#{i}", null, null, null, v));
        }
        var rows = CsvEmbeddings.Read(File.OpenRead(rowsPath), rowsPath, withVector: false).ToList();
        if (rows.Count != vectors.Length)
            throw new InvalidDataException($"'{rowsPath}' has {rows.Count} rows but '{path}' has {vectors.Length} vectors; they do not belong together.");
        return rows.Select((r, i) => r with { Vector = vectors[i] });
    }

    /// <summary>Errors of the Parquet library, named after the file.</summary>
    static void Wrap(string path, Action work)
    {
        try
        {
            work();
        }
        catch (Exception e) when (e is not (OperationCanceledException or UnauthorizedAccessException) && !e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException(e is InvalidDataException ? $"'{path}': {e.Message}" : $"'{path}' is not a readable Parquet embedding file: {e.Message}", e);
        }
    }
}
