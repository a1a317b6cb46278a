using AudioCluster.Runtime;

namespace AudioCluster.DeepClustering;

/// <summary>Where the first epoch's prototypes come from.</summary>
public enum SpiceInitialization
{
    /// <summary>The paper: the randomly initialised heads' most confident inputs.</summary>
    Random,
    /// <summary>The centres of k-means on the unit-length embeddings, a different k-means seed per head.</summary>
    KMeans,
}

/// <summary>
/// Settings of SPICE-Self (Niu and Wang, IEEE TIP 2022, stage 2) on frozen embeddings; defaults as the
/// paper's official configuration except where noted.
/// </summary>
public sealed record SpiceOptions
{
    public const int DefaultSteps = 2000;

    /// <summary>Clusters (K), the width of each head's output.</summary>
    public required int ClusterCount { get; init; }
    /// <summary>Heads trained side by side; the one with the lowest loss is kept (the paper: 10).</summary>
    public int Heads { get; init; } = 10;
    /// <summary>Optimiser steps; null: <see cref="Epochs"/>, or <see cref="DefaultSteps"/> when both are null.</summary>
    public int? Steps { get; init; }
    /// <summary>Passes over the data: every whole batch is labelled once and trained on <see cref="Repeats"/> times.</summary>
    public int? Epochs { get; init; }
    /// <summary>Inputs pseudo-labelled together (M; the paper: 5000): prototypes and labels come from one such batch.</summary>
    public int BatchSize { get; init; } = 5000;
    /// <summary>Pseudo-labelled inputs per optimiser step (the paper: 128).</summary>
    public int TrainBatchSize { get; init; } = 128;
    /// <summary>Passes over a batch's pseudo-labelled inputs before the next batch is labelled (the paper: 8).</summary>
    public int Repeats { get; init; } = 8;
    /// <summary>Adam's learning rate (the paper: 0.005, no weight decay).</summary>
    public double LearningRate { get; init; } = 0.005;
    /// <summary>
    /// Share of the batch / K most confident inputs of each cluster whose mean embedding is its prototype
    /// (the paper's center_ratio, 0.5).
    /// </summary>
    public double ConfidentRatio { get; init; } = 0.5;
    /// <summary>Share of batch / K inputs nearest each prototype that take its cluster as pseudo-label (the paper: 1).</summary>
    public double PseudoLabelRatio { get; init; } = 1.0;
    /// <summary>
    /// The strong view of an input is the embedding of one of its this many nearest neighbours (cosine),
    /// drawn anew at every step; 0 uses the input itself. Stands in for the paper's image augmentations.
    /// </summary>
    public int AugmentNeighbors { get; init; } = 20;
    /// <summary>Probability of zeroing each value of the strong view (inverted dropout); 0 turns it off.</summary>
    public double FeatureDropout { get; init; } = 0.1;
    /// <summary>Width of each head's hidden layer (the paper: the feature width, 512).</summary>
    public int HiddenDimensions { get; init; } = 512;
    /// <summary>Prototypes of the first epoch: the paper's random heads, or k-means centres (one k-means seed per head).</summary>
    public SpiceInitialization Initialization { get; init; } = SpiceInitialization.Random;
    public int Seed { get; init; }
    public MatmulPrecision Precision { get; init; } = MatmulPrecision.Auto;
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>Checks the settings that do not depend on the data.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message) => OptionChecks.Check(ok, message);
        Check(ClusterCount >= 2, $"SPICE needs at least 2 clusters (got {ClusterCount}).");
        OptionChecks.Common(Heads, Steps, Epochs, BatchSize, LearningRate);
        Check(TrainBatchSize >= 1, $"The training batch size must be at least 1 (got {TrainBatchSize}).");
        Check(Repeats >= 1, $"Repeats must be at least 1 (got {Repeats}).");
        Check(ConfidentRatio is > 0 and <= 1, $"The confident ratio must be in (0, 1] (got {ConfidentRatio}).");
        Check(PseudoLabelRatio is > 0 and <= 1, $"The pseudo-label ratio must be in (0, 1] (got {PseudoLabelRatio}).");
        Check(AugmentNeighbors >= 0, $"AugmentNeighbors must be 0 or more (got {AugmentNeighbors}).");
        Check(FeatureDropout is >= 0 and < 1, $"The feature dropout must be in [0, 1) (got {FeatureDropout}).");
        Check(HiddenDimensions >= 1, "The hidden width must be positive.");
    }
}

/// <summary>The settings resolved against the data size: what actually runs, and why it differs from what was asked.</summary>
/// <param name="Confident">Inputs per cluster averaged into its prototype.</param>
/// <param name="Labelled">Inputs per cluster pseudo-labelled around its prototype.</param>
public sealed record SpicePlan(int Inputs, int BatchSize, int TrainBatchSize, int Neighbors, int Confident, int Labelled,
    int Steps, int StepsPerRound, int RoundsPerEpoch, IReadOnlyList<PlanNote> Notes)
{
    public int StepsPerEpoch => StepsPerRound * RoundsPerEpoch;

    /// <summary>Resolves batches, neighbours and step budget for n inputs; refuses what cannot work.</summary>
    public static SpicePlan For(int n, SpiceOptions o)
    {
        o.Validate();
        if (n < 2)
            throw new ArgumentException($"SPICE needs at least 2 inputs (got {n}).");
        if (o.ClusterCount > n)
            throw new ArgumentException($"The cluster count {o.ClusterCount} is more than the {n} inputs.");
        var notes = new List<PlanNote>();
        int batch = o.BatchSize;
        if (batch > n)
        {
            notes.Add(new PlanNote(nameof(o.BatchSize), $"The batch of {batch} is larger than the {n} inputs; every round labels all {n}."));
            batch = n;
        }
        if (batch < o.ClusterCount)
            throw new ArgumentException($"A batch of {batch} cannot give each of the {o.ClusterCount} clusters an input; use a batch of at least {o.ClusterCount}.");
        int perCluster = batch / o.ClusterCount;
        int confident = (int)(o.ConfidentRatio * perCluster), labelled = (int)(o.PseudoLabelRatio * perCluster);
        if (confident < 1 || labelled < 1)
        {
            notes.Add(new PlanNote(confident < 1 ? nameof(o.ConfidentRatio) : nameof(o.PseudoLabelRatio),
                $"A batch of {batch} holds {perCluster} input(s) per cluster; each prototype uses at least 1 input and labels at least 1."));
            confident = Math.Max(1, confident);
            labelled = Math.Max(1, labelled);
        }
        int selected = labelled * o.ClusterCount;
        int trainBatch = o.TrainBatchSize;
        if (trainBatch > selected)
        {
            notes.Add(new PlanNote(nameof(o.TrainBatchSize), $"The training batch of {trainBatch} is larger than the {selected} pseudo-labelled inputs of a round; each step uses all {selected}."));
            trainBatch = selected;
        }
        int neighbors = o.AugmentNeighbors;
        if (neighbors > n - 1)
        {
            notes.Add(new PlanNote(nameof(o.AugmentNeighbors), $"Only {n - 1} other inputs exist, so strong views come from {n - 1} neighbours instead of {neighbors}."));
            neighbors = n - 1;
        }
        int stepsPerRound = o.Repeats * (selected / trainBatch);
        int rounds = n / batch;
        long steps = o.Steps ?? (o.Epochs is int e ? (long)e * rounds * stepsPerRound : SpiceOptions.DefaultSteps);
        if (steps > int.MaxValue) throw new ArgumentException($"{o.Epochs} epochs of {rounds * stepsPerRound} steps are too many steps.");
        return new SpicePlan(n, batch, trainBatch, neighbors, confident, labelled, (int)steps, stepsPerRound, rounds, notes);
    }
}
