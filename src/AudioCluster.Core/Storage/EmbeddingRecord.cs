namespace AudioCluster.Storage;

/// <summary>One row of an embedding table file: where the vector came from, and the vector.</summary>
public sealed record EmbeddingRecord(string Source, string? Label, int? Cluster, string? Encoder, float[] Vector);

/// <summary>The file formats of an embedding table.</summary>
public enum EmbeddingFileFormat
{
    /// <summary>Chosen from the file's extension.</summary>
    Auto,
    /// <summary>Apache Parquet: source, label, cluster, encoder, vector (list&lt;float&gt;).</summary>
    Parquet,
    /// <summary>CSV with a header; the vector is one field of space-separated numbers.</summary>
    Csv,
    /// <summary>NumPy .npy (float32, rows x dimensions) with a .rows.csv file of the other columns.</summary>
    Npy,
}
