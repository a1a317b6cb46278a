using AudioCluster.Encoders.Training;
using AudioCluster.Runtime;

namespace AudioCluster.DeepClustering;

/// <summary>
/// Settings of DeepCluster (Caron et al., ECCV 2018) on log-mel spectrograms with BYOL-A's AudioNTT2020 encoder,
/// as DECAR (Ghosh et al., 2022) brings it to audio. Optimiser settings are the paper's (SGD, momentum 0.9,
/// weight decay 1e-5); the learning rate is lower than its 0.05 because the useful case here is fine-tuning a
/// pretrained encoder on a small set, which 0.05 wipes out in an epoch.
/// </summary>
public sealed record DeepClusterOptions
{
    /// <summary>Clusters of the final k-means, the result's cluster count.</summary>
    public required int ClusterCount { get; init; }
    /// <summary>Clusters of the k-means that makes the pseudo-labels of every epoch; null: <see cref="ClusterCount"/>.
    /// DeepCluster over-clusters (10,000 for ImageNet's 1,000 classes); with few clips, fewer pseudo-labels train better.</summary>
    public int? PseudoLabelCount { get; init; }
    /// <summary>Rounds of (k-means, one epoch of training on its pseudo-labels).</summary>
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    /// <summary>SGD learning rate of encoder and classifier.</summary>
    public double LearningRate { get; init; } = 0.005;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 1e-5;
    public const int DefaultPcaDimensions = 256;

    /// <summary>
    /// PCA components the features are whitened into before k-means, capped by the encoder's width and the clips less
    /// one; null: DeepCluster's 256, also capped at one per <see cref="ClipsPerDefaultDimension"/> clips.
    /// </summary>
    public int? PcaDimensions { get; init; }

    /// <summary>
    /// Whitening gives every kept direction the same weight, the weak ones (mostly noise on small sets) as much as the
    /// strong: on FSDD with BYOL-A, 3,000 clips whitened to 256 dimensions give digit NMI 0.20, 600 clips only 0.02.
    /// </summary>
    public const int ClipsPerDefaultDimension = 8;
    /// <summary>k-means restarts (k-means++ each; the lowest inertia is kept).</summary>
    public int KMeansRestarts { get; init; } = 10;
    /// <summary>AudioNTT2020 weights to start from (the authors' .pth or one this module wrote); null: random weights from <see cref="Seed"/>.</summary>
    public string? EncoderModelPath { get; init; }
    /// <summary>Embedding width of a randomly initialised encoder.</summary>
    public int RandomDimensions { get; init; } = 512;
    /// <summary>Log-mel frames of one training example (96 = 0.95 s, BYOL-A's unit); shorter clips are padded with silence.</summary>
    public int CropFrames { get; init; } = 96;
    /// <summary>How the training views are augmented.</summary>
    public SpectrogramAugmentation Augmentation { get; init; } = new();
    public int Seed { get; init; }
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;
    /// <summary>libtorch intra-op threads (process-wide); null: one per processor.</summary>
    public int? Threads { get; init; }

    /// <summary>The pseudo-label count in force.</summary>
    public int EffectivePseudoLabelCount => PseudoLabelCount ?? ClusterCount;

    /// <summary>Throws ArgumentException (ParamName = the property at fault) for settings that cannot work whatever the data.</summary>
    public void Validate()
    {
        Check(ClusterCount >= 2, nameof(ClusterCount), $"DeepCluster needs at least 2 clusters (got {ClusterCount}).");
        Check(PseudoLabelCount is null or >= 2, nameof(PseudoLabelCount), $"At least 2 pseudo-labels are needed (got {PseudoLabelCount}).");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs must be at least 1 (got {Epochs}).");
        Check(BatchSize >= 2, nameof(BatchSize), $"The batch size must be at least 2 (batch norm needs two examples; got {BatchSize}).");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"The learning rate must be positive (got {LearningRate}).");
        Check(Momentum is >= 0 and < 1, nameof(Momentum), $"The momentum must be in [0, 1) (got {Momentum}).");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), $"The weight decay must be 0 or more (got {WeightDecay}).");
        Check(PcaDimensions is null or >= 1, nameof(PcaDimensions), $"PCA needs at least 1 dimension (got {PcaDimensions}).");
        Check(KMeansRestarts >= 1, nameof(KMeansRestarts), $"k-means needs at least 1 start (got {KMeansRestarts}).");
        Check(RandomDimensions >= 1, nameof(RandomDimensions), $"The encoder width must be at least 1 (got {RandomDimensions}).");
        Check(CropFrames >= Encoders.ByolaEncoder.MinFrames, nameof(CropFrames), $"Crops need at least {Encoders.ByolaEncoder.MinFrames} frames (got {CropFrames}).");
        Check(Threads is null or >= 1, nameof(Threads), $"Threads must be at least 1 (got {Threads}).");
        Augmentation.Validate();
        Check(Augmentation.MixupRatio == 0, nameof(Augmentation), "DeepCluster's augmentations have no mixup (its MixupRatio must be 0).");
        if (EncoderModelPath != null && !File.Exists(EncoderModelPath))
            throw new FileNotFoundException($"Initial encoder weights '{EncoderModelPath}' not found.", EncoderModelPath);
    }

    static void Check(bool ok, string parameter, string message)
    {
        if (!ok) throw new ArgumentException(message, parameter);
    }
}

/// <summary>The settings resolved against the data: what actually runs, and why it differs from what was asked.</summary>
public sealed record DeepClusterPlan(int Clips, int BatchSize, int StepsPerEpoch, int PcaDimensions, IReadOnlyList<string> Notes)
{
    /// <summary>Refuses what the data cannot support (fewer clips than clusters) and caps the rest, with a note for each.</summary>
    public static DeepClusterPlan For(int clips, int encoderDimensions, DeepClusterOptions o)
    {
        o.Validate();
        int k = Math.Max(o.ClusterCount, o.EffectivePseudoLabelCount);
        if (clips < 2) throw new ArgumentException($"DeepCluster needs at least 2 clips (got {clips}).");
        if (k > clips)
            throw new ArgumentException($"{(o.ClusterCount >= k ? "The cluster count" : "The pseudo-label count")} {k} is more than the {clips} clips; k-means cannot make more clusters than points.");
        var notes = new List<string>();
        int batch = o.BatchSize;
        if (batch > clips)
        {
            notes.Add($"The batch of {batch} is larger than the {clips} clips; each step takes {clips} examples.");
            batch = clips;
        }
        // Centred data has rank at most clips - 1: whitening a direction without variance would divide by zero.
        int asked = o.PcaDimensions ?? DeepClusterOptions.DefaultPcaDimensions;
        int pca = Math.Min(asked, Math.Min(encoderDimensions, clips - 1));
        string why = pca == encoderDimensions ? $"the encoder gives {encoderDimensions}" : $"{clips} clips span at most {clips - 1}";
        if (o.PcaDimensions == null && clips / DeepClusterOptions.ClipsPerDefaultDimension < pca)
        {
            pca = Math.Max(1, clips / DeepClusterOptions.ClipsPerDefaultDimension);
            why = $"by default at most one per {DeepClusterOptions.ClipsPerDefaultDimension} clips, as whitening weighs weak (noisy) directions like strong ones";
        }
        if (pca < asked) notes.Add($"PCA keeps {pca} dimensions, not {asked}: {why}.");
        return new DeepClusterPlan(clips, batch, (clips + batch - 1) / batch, pca, notes);
    }
}

/// <summary>What one round did.</summary>
/// <param name="Epoch">1-based; 0 is the clustering of the initial encoder.</param>
/// <param name="Loss">Mean cross-entropy of the epoch's steps on its pseudo-labels (NaN for epoch 0).</param>
/// <param name="Nmi">NMI between the pseudo-labels after this epoch and those before it (NaN for epoch 0): how much the clustering still moves.</param>
/// <param name="Seconds">Wall-clock time of the round: training, features and k-means.</param>
/// <param name="Steps">Optimiser steps.</param>
/// <param name="EmptyPseudoLabels">Pseudo-labels the epoch's k-means left without clips.</param>
/// <param name="PseudoLabels">Every clip's pseudo-label after the epoch (the k-means of the encoder it left), in input order.</param>
public sealed record DeepClusterEpoch(int Epoch, double Loss, double Nmi, double Seconds, int Steps, int EmptyPseudoLabels, int[] PseudoLabels);
