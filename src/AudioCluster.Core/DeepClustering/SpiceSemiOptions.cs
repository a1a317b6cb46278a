using AudioCluster.Encoders.Training;
using AudioCluster.Runtime;

namespace AudioCluster.DeepClustering;

/// <summary>
/// Settings of SPICE stage 3 (SPICE-Semi, Niu and Wang, IEEE TIP 2022): reliable pseudo-labels by local consistency
/// (the official defaults: 100 neighbours, 90 % agreement, confidence above 0.99), then the BYOL-A encoder and a linear
/// classifier trained together on log-mel spectrograms with FixMatch's loss (threshold 0.95). Audio changes: spectrogram
/// augmentations in place of image ones, Adam at a fine-tuning rate in place of SGD at 0.03, and one unlabelled example per
/// labelled one (FixMatch: seven) to keep CPU runs short.
/// </summary>
public sealed record SpiceSemiOptions
{
    /// <summary>BYOL-A weights the embeddings came from (the authors' .pth or an encoder this module saved).</summary>
    public required string EncoderModelPath { get; init; }
    /// <summary>Passes over all clips (each step: a labelled batch of reliable clips and an unlabelled batch of any).</summary>
    public int Epochs { get; init; } = 2;
    /// <summary>Clips per labelled batch, and per unlabelled batch; capped by the data.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Adam's learning rate of the encoder; the new classifier learns ten times faster.</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>λ: share of a clip's neighbours (itself included) that must share its stage-2 cluster for the label to be reliable.</summary>
    public double ReliableRatio { get; init; } = 0.9;
    /// <summary>N_s: neighbours (cosine on the embeddings, the clip itself included) checked; capped by the clips.</summary>
    public int ReliableNeighbors { get; init; } = 100;
    /// <summary>Stage-2 probability a reliable clip must exceed (the official score_th).</summary>
    public double ReliableConfidence { get; init; } = 0.99;
    /// <summary>FixMatch: the weak view's probability from which its cluster becomes the strong view's target.</summary>
    public double ConfidenceThreshold { get; init; } = 0.95;
    /// <summary>Log-mel frames of one training crop (BYOL-A's 96 = 0.95 s); shorter clips are padded with silence.</summary>
    public int CropFrames { get; init; } = 96;
    /// <summary>The weak view: a random crop and a little gain.</summary>
    public SpectrogramAugmentation Weak { get; init; } = SpectrogramAugmentation.None with { GainDecibels = 3 };
    /// <summary>The strong view: the whole chain (mixup with another clip, random resize crop, fader, frequency and time masks, gain).</summary>
    public SpectrogramAugmentation Strong { get; init; } = new() { MixupRatio = 0.4 };
    public int Seed { get; init; }
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;
    /// <summary>libtorch intra-op threads (process-wide); null: one per processor.</summary>
    public int? Threads { get; init; }

    /// <summary>Throws ArgumentException (ParamName = the cmdlet parameter at fault) for settings that cannot work whatever the data.</summary>
    public void Validate()
    {
        Check(Epochs >= 1, "SemiEpochs", $"Stage 3 needs at least 1 epoch (got {Epochs}).");
        Check(BatchSize >= 2, "SemiBatchSize", $"The batch size must be at least 2 (batch norm needs two examples; got {BatchSize}).");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), "SemiLearningRate", $"The learning rate must be positive (got {LearningRate}).");
        Check(ReliableRatio is > 0 and <= 1, "ReliableRatio", $"The reliable ratio must be in (0, 1] (got {ReliableRatio}).");
        Check(ReliableNeighbors >= 1, "ReliableNeighbors", $"At least 1 neighbour is needed (got {ReliableNeighbors}).");
        Check(ReliableConfidence is >= 0 and < 1, "ReliableConfidence", $"The reliable confidence must be in [0, 1) (got {ReliableConfidence}).");
        Check(ConfidenceThreshold is >= 0 and <= 1, "ConfidenceThreshold", $"The confidence threshold must be in [0, 1] (got {ConfidenceThreshold}).");
        Check(CropFrames >= Encoders.ByolaEncoder.MinFrames, nameof(CropFrames), $"Crops need at least {Encoders.ByolaEncoder.MinFrames} frames (got {CropFrames}).");
        Check(Threads is null or >= 1, nameof(Threads), $"Threads must be at least 1 (got {Threads}).");
        Weak.Validate();
        Strong.Validate();
        if (!File.Exists(EncoderModelPath))
            throw new FileNotFoundException($"Encoder weights '{EncoderModelPath}' not found.", EncoderModelPath);
    }

    static void Check(bool ok, string parameter, string message)
    {
        if (!ok) throw new ArgumentException(message, parameter);
    }
}
