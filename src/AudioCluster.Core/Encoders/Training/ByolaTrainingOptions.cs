using AudioCluster.Runtime;

namespace AudioCluster.Encoders.Training;

/// <summary>
/// Settings of BYOL-A self-supervised training; the defaults are the paper's (and the authors' config.yaml).
/// Everything except <see cref="Epochs"/>, <see cref="Device"/> and <see cref="Threads"/> is kept in the
/// checkpoint, so that a resumed run goes on exactly as the first one would have.
/// </summary>
public sealed record ByolaTrainingOptions
{
    /// <summary>Train until this many epochs are complete (a resumed run counts the epochs already done).</summary>
    public int Epochs { get; init; } = 100;
    /// <summary>Clips per step (each gives two views); capped at the number of clips.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 3e-4;
    /// <summary>Seed of the initial weights (without <see cref="InitialModelPath"/>), the crops, the augmentations and dropout.</summary>
    public int Seed { get; init; }
    /// <summary>Embedding width of a randomly initialised encoder; with <see cref="InitialModelPath"/> the file decides.</summary>
    public int Dimensions { get; init; } = 512;
    /// <summary>An AudioNTT2020 state dict to start from (the authors' .pth or one this module wrote); null: random weights from <see cref="Seed"/>.</summary>
    public string? InitialModelPath { get; init; }
    /// <summary>Log-mel frames of one training example (96 = 0.95 s, the paper's unit).</summary>
    public int CropFrames { get; init; } = 96;
    /// <summary>Mixup's largest weight of the background sound from the memory bank (alpha ~ U(0, ratio)).</summary>
    public double MixupRatio { get; init; } = 0.4;
    /// <summary>Past inputs kept as mixup backgrounds.</summary>
    public int MemoryBankSize { get; init; } = 2048;
    /// <summary>Random linear fader: the gains added at both ends are drawn from U(-gain, gain), in log-mel units.</summary>
    public double FaderGain { get; init; } = 1.0;
    /// <summary>Target network = decay * target + (1 - decay) * online, after every step.</summary>
    public double EmaDecay { get; init; } = 0.99;
    /// <summary>Hidden width of the projector and predictor MLPs.</summary>
    public int ProjectionHiddenSize { get; init; } = 4096;
    /// <summary>Output width of the projector and predictor.</summary>
    public int ProjectionSize { get; init; } = 256;
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;
    /// <summary>libtorch intra-op threads (process-wide); null: one per processor.</summary>
    public int? Threads { get; init; }

    /// <summary>Throws ArgumentException (ParamName = the property at fault) for a setting that cannot work.</summary>
    public void Validate()
    {
        Check(Epochs >= 1, nameof(Epochs), $"Epochs must be at least 1, got {Epochs}.");
        Check(BatchSize >= 1, nameof(BatchSize), $"BatchSize must be at least 1, got {BatchSize}.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate must be positive, got {LearningRate}.");
        Check(Dimensions >= 1, nameof(Dimensions), $"Dimensions must be at least 1, got {Dimensions}.");
        Check(CropFrames >= ByolaEncoder.MinFrames, nameof(CropFrames), $"CropFrames must be at least {ByolaEncoder.MinFrames}, got {CropFrames}.");
        Check(MixupRatio is >= 0 and <= 1, nameof(MixupRatio), $"MixupRatio must be in [0, 1], got {MixupRatio}.");
        Check(MemoryBankSize >= 1, nameof(MemoryBankSize), $"MemoryBankSize must be at least 1, got {MemoryBankSize}.");
        Check(FaderGain >= 0 && double.IsFinite(FaderGain), nameof(FaderGain), $"FaderGain must be 0 or more, got {FaderGain}.");
        Check(EmaDecay is >= 0 and <= 1, nameof(EmaDecay), $"EmaDecay must be in [0, 1], got {EmaDecay}.");
        Check(ProjectionHiddenSize >= 1 && ProjectionSize >= 1, nameof(ProjectionSize), "The projection sizes must be at least 1.");
        Check(Threads is null or >= 1, nameof(Threads), $"Threads must be at least 1, got {Threads}.");
        if (InitialModelPath != null && !File.Exists(InitialModelPath))
            throw new FileNotFoundException($"Initial BYOL-A weights '{InitialModelPath}' not found.", InitialModelPath);
    }

    static void Check(bool ok, string parameter, string message)
    {
        if (!ok) throw new ArgumentException(message, parameter);
    }
}

/// <summary>What one training epoch did: the curve to plot, one point per epoch.</summary>
/// <param name="Epoch">1-based epoch number, counted over resumed runs.</param>
/// <param name="Loss">Mean BYOL loss of the epoch's steps (symmetric: 0 is perfect agreement, 8 the worst).</param>
/// <param name="Seconds">Wall-clock time of the epoch's steps.</param>
/// <param name="Steps">Optimiser steps in the epoch.</param>
/// <param name="TotalSteps">Steps since training began (over resumed runs).</param>
/// <param name="Clips">Clips trained on.</param>
/// <param name="ModelPath">Where the encoder weights were written (null when not saved).</param>
/// <param name="NormalizationMean">Mean of the log-mel normalisation the encoder was trained with.</param>
/// <param name="NormalizationStd">Its standard deviation.</param>
public sealed record ByolaTrainingEpoch(int Epoch, double Loss, double Seconds, int Steps, long TotalSteps, int Clips,
                                       string? ModelPath, double NormalizationMean, double NormalizationStd);

/// <summary>Progress inside an epoch, reported after every step.</summary>
public readonly record struct ByolaStepProgress(int Epoch, int Step, int StepsPerEpoch, double Loss, double RunningLoss);
