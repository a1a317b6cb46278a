namespace AudioCluster.Encoders;

/// <summary>The encoders the module offers.</summary>
public enum EncoderKind
{
    /// <summary>Log-mel, MFCC and delta statistics; no weights.</summary>
    MelStats,
    /// <summary>BYOL-A (AudioNTT2020) in TorchSharp: the authors' or our own weights, or seeded random ones.</summary>
    ByolA,
    /// <summary>Any ONNX audio model, fed as its JSON sidecar declares.</summary>
    Onnx,
    /// <summary>EfficientAT (MobileNetV3 trained on AudioSet) in TorchSharp, from the authors' state dict.</summary>
    EfficientAT,
}

/// <summary>Turns one mono clip at the encoder's sample rate into a fixed-length vector. Thread-safe.</summary>
public interface IAudioEncoder
{
    /// <summary>Identifies the encoder and every setting that changes its output.</summary>
    string Id { get; }
    int SampleRate { get; }
    int Dimensions { get; }
    float[] Encode(ReadOnlySpan<float> mono);
}
