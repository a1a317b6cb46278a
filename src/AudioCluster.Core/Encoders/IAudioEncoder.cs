namespace AudioCluster.Encoders;

/// <summary>The encoders the module offers; later encoders (neural ones) join this list.</summary>
public enum EncoderKind { MelStats }

/// <summary>Turns one mono clip at the encoder's sample rate into a fixed-length vector. Thread-safe.</summary>
public interface IAudioEncoder
{
    /// <summary>Identifies the encoder and every setting that changes its output.</summary>
    string Id { get; }
    int SampleRate { get; }
    int Dimensions { get; }
    float[] Encode(ReadOnlySpan<float> mono);
}
