using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.DeepClustering;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Clusters embeddings with SPICE-Self: heads trained on prototype pseudo-labels (stage 2 on frozen embeddings).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SpiceTraining", SupportsShouldProcess = true)]
[OutputType(typeof(ClusterAssignment))]
public sealed class InvokeSpiceTrainingCommand : DeepTrainingCmdlet
{
    /// <summary>Heads trained together; the one with the lowest selection loss is kept.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int Heads { get; set; } = 10;

    /// <summary>Inputs pseudo-labelled together (M).</summary>
    [Parameter]
    [ValidateRange(1, 10000000)]
    public int BatchSize { get; set; } = 5000;

    /// <summary>Pseudo-labelled inputs per optimiser step.</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int TrainBatchSize { get; set; } = 128;

    /// <summary>Passes over a batch's pseudo-labels before the next labelling.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Repeats { get; set; } = 8;

    /// <summary>Adam's learning rate.</summary>
    [Parameter]
    [ValidateRange(1e-9, 10.0)]
    public double LearningRate { get; set; } = 0.005;

    /// <summary>Share of batch / K most confident inputs averaged into each prototype.</summary>
    [Parameter]
    [ValidateRange(1e-6, 1.0)]
    public double ConfidentRatio { get; set; } = 0.5;

    /// <summary>Share of batch / K inputs nearest each prototype that get its label.</summary>
    [Parameter]
    [ValidateRange(1e-6, 1.0)]
    public double PseudoLabelRatio { get; set; } = 1.0;

    /// <summary>The strong view is one of this many nearest neighbours' embedding (0: the input itself).</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int AugmentNeighbors { get; set; } = 20;

    /// <summary>Share of the strong view's values zeroed at random.</summary>
    [Parameter]
    [ValidateRange(0.0, 0.95)]
    public double FeatureDropout { get; set; } = 0.1;

    SpiceOptions? options;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        options = new SpiceOptions
        {
            ClusterCount = ClusterCount,
            Heads = Heads,
            Steps = StepsIfGiven,
            Epochs = EpochsIfGiven,
            BatchSize = BatchSize,
            TrainBatchSize = TrainBatchSize,
            Repeats = Repeats,
            LearningRate = LearningRate,
            ConfidentRatio = ConfidentRatio,
            PseudoLabelRatio = PseudoLabelRatio,
            AugmentNeighbors = AugmentNeighbors,
            FeatureDropout = FeatureDropout,
            Seed = Seed,
            Device = Device,
        };
        CheckOptions(options.Validate);
    }

    protected override void EndProcessing()
    {
        var data = CollectedMatrix();
        PlanFor(() => SpicePlan.For(data.Rows, options!), p => p.Notes);
        // Stage 2 only: the input is embeddings, so the encoder stays frozen.
        WriteVerbose($"Stages: {SpiceTrainer.FrozenEmbeddingStages}.");
        ConfirmModelFile("Save the trained SPICE model");
        var preparation = new VectorPreparation(FittedStandardizer, L2Normalize);
        var result = Train("SPICE training", (progress, log) => SpiceTrainer.Fit(data, options!, preparation, progress, log, Cancellation));
        WriteResult(result);
    }
}
