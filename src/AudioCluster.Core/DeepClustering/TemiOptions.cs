using AudioCluster.Runtime;

namespace AudioCluster.DeepClustering;

/// <summary>How the teacher's EMA momentum moves during training.</summary>
public enum MomentumSchedule
{
    /// <summary>From the base momentum up to 1 along a half cosine, as in the TEMI paper's code.</summary>
    Cosine,
    /// <summary>The base momentum throughout (the TEMI README's runs: max_momentum_teacher = 0.996).</summary>
    Constant,
}

/// <summary>Number format of the matrix products in training (prediction always uses float32).</summary>
public enum MatmulPrecision
{
    /// <summary>BFloat16 on CPUs that multiply it natively, Float32 elsewhere.</summary>
    Auto,
    Float32,
    /// <summary>Products of bfloat16-rounded inputs accumulated in float32, as mixed-precision training does.</summary>
    BFloat16,
}

/// <summary>Settings of TEMI (Adaloglou et al., BMVC 2023) on frozen embeddings; defaults as the paper's code.</summary>
public sealed record TemiOptions
{
    public const int DefaultSteps = 2000;

    /// <summary>Clusters (K), the width of each head's output.</summary>
    public required int ClusterCount { get; init; }
    /// <summary>Independent heads trained side by side (H); the one with the lowest loss is kept.</summary>
    public int Heads { get; init; } = 16;
    /// <summary>Each input's partner is drawn uniformly from its k nearest neighbours by cosine similarity.</summary>
    public int Neighbors { get; init; } = 50;
    /// <summary>Optimiser steps; null: <see cref="Epochs"/>, or <see cref="DefaultSteps"/> when both are null.</summary>
    public int? Steps { get; init; }
    /// <summary>Passes over the data (each floor(n / batch) steps, as the paper's loader drops the last partial batch).</summary>
    public int? Epochs { get; init; }
    public int BatchSize { get; init; } = 1024;
    /// <summary>Peak learning rate per 256 samples of batch (linear scaling rule): 1e-4 x batch / 256.</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Learning rate the cosine schedule ends at, per 256 samples of batch.</summary>
    public double MinLearningRate { get; init; } = 1e-6;
    /// <summary>Share of the steps over which the learning rate rises linearly to its peak.</summary>
    public double WarmupFraction { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Exponent of the probabilities in the pointwise mutual information (beta).</summary>
    public double Beta { get; init; } = 0.6;
    /// <summary>Softmax temperature of student and teacher.</summary>
    public double Temperature { get; init; } = 0.1;
    /// <summary>Teacher EMA momentum (its start value under the cosine schedule).</summary>
    public double TeacherMomentum { get; init; } = 0.996;
    public MomentumSchedule MomentumSchedule { get; init; } = MomentumSchedule.Constant;
    /// <summary>EMA momentum of the teacher's mean cluster probabilities (q~_t).</summary>
    public double ProbabilityMomentum { get; init; } = 0.9;
    public int HiddenDimensions { get; init; } = 512;
    public int BottleneckDimensions { get; init; } = 256;
    public int Seed { get; init; }
    public MatmulPrecision Precision { get; init; } = MatmulPrecision.Auto;
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>Checks the settings that do not depend on the data.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message) => OptionChecks.Check(ok, message);
        Check(ClusterCount >= 2, $"TEMI needs at least 2 clusters (got {ClusterCount}).");
        OptionChecks.Common(Heads, Steps, Epochs, BatchSize, LearningRate);
        Check(Neighbors >= 1, $"Neighbors must be at least 1 (got {Neighbors}).");
        Check(MinLearningRate >= 0 && MinLearningRate <= LearningRate, "The final learning rate must be between 0 and the peak.");
        Check(WarmupFraction is >= 0 and < 1, "The warm-up share must be in [0, 1).");
        Check(TeacherMomentum is >= 0 and <= 1, "The teacher momentum must be in [0, 1].");
        Check(ProbabilityMomentum is >= 0 and < 1, "The probability momentum must be in [0, 1).");
        Check(Temperature > 0 && Beta > 0, "Temperature and beta must be positive.");
        Check(HiddenDimensions >= 1 && BottleneckDimensions >= 1, "Head widths must be positive.");
    }
}

/// <summary>The settings resolved against the data size: what actually runs, and why it differs from what was asked.</summary>
public sealed record TemiPlan(int Inputs, int BatchSize, int Neighbors, int Steps, int StepsPerEpoch, IReadOnlyList<PlanNote> Notes)
{
    /// <summary>Steps during which the last layer stays fixed (the paper's freeze_last_layer = 1 epoch).</summary>
    public int FrozenLastLayerSteps => Math.Min(StepsPerEpoch, Steps - 1);

    /// <summary>Resolves batch, neighbours and step budget for n inputs; refuses what cannot work.</summary>
    public static TemiPlan For(int n, TemiOptions o)
    {
        o.Validate();
        if (n < 2)
            throw new ArgumentException($"TEMI pairs each input with a neighbour, so it needs at least 2 inputs (got {n}).");
        if (o.ClusterCount > n)
            throw new ArgumentException($"The cluster count {o.ClusterCount} is more than the {n} inputs.");
        var notes = new List<PlanNote>();
        int k = o.Neighbors;
        if (k > n - 1)
        {
            notes.Add(new PlanNote(nameof(o.Neighbors), $"Only {n - 1} other inputs exist, so partners come from {n - 1} neighbours instead of {k}."));
            k = n - 1;
        }
        int batch = o.BatchSize;
        if (batch > n)
        {
            notes.Add(new PlanNote(nameof(o.BatchSize), $"The batch of {batch} is larger than the {n} inputs; each step uses all {n}."));
            batch = n;
        }
        int perEpoch = n / batch;
        long steps = o.Steps ?? (o.Epochs is int e ? (long)e * perEpoch : TemiOptions.DefaultSteps);
        if (steps > int.MaxValue) throw new ArgumentException($"{o.Epochs} epochs of {perEpoch} steps are too many steps.");
        return new TemiPlan(n, batch, k, (int)steps, perEpoch, notes);
    }
}
