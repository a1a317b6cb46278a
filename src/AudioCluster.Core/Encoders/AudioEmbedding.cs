namespace AudioCluster.Encoders;

/// <summary>A fixed-length vector describing one clip, with the encoder that made it.</summary>
public sealed class AudioEmbedding
{
    public AudioEmbedding(string source, string? label, string encoder, float[] vector)
    {
        Source = source; Label = label; Encoder = encoder; Vector = vector;
    }

    public string Source { get; }
    public string Name => System.IO.Path.GetFileName(Source);
    public string? Label { get; }
    /// <summary>Encoder id, including its parameters (and weights hash for neural encoders).</summary>
    public string Encoder { get; }
    public float[] Vector { get; }
    public int Dimensions => Vector.Length;

    public override string ToString() => $"{Name} [{Dimensions}] {Encoder}";
}
