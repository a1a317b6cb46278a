using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.DeepClustering;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Clusters embeddings with TEMI: teacher-student heads trained on nearest-neighbour pairs.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "TemiTraining", SupportsShouldProcess = true)]
[OutputType(typeof(ClusterAssignment))]
public sealed class InvokeTemiTrainingCommand : DeepTrainingCmdlet
{
    /// <summary>Heads trained together; the one with the lowest loss is kept.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int Heads { get; set; } = 16;

    /// <summary>Partners are drawn from this many nearest neighbours (cosine).</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int Neighbors { get; set; } = 50;

    [Parameter]
    [ValidateRange(1, 1000000)]
    public int BatchSize { get; set; } = 1024;

    /// <summary>Peak learning rate per 256 samples of batch.</summary>
    [Parameter]
    [ValidateRange(1e-9, 10.0)]
    public double LearningRate { get; set; } = 1e-4;

    /// <summary>Teacher momentum: Constant (0.996) or Cosine (0.996 rising to 1).</summary>
    [Parameter]
    public MomentumSchedule MomentumSchedule { get; set; } = MomentumSchedule.Constant;

    TemiOptions? options;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        options = new TemiOptions
        {
            ClusterCount = ClusterCount,
            Heads = Heads,
            Neighbors = Neighbors,
            Steps = StepsIfGiven,
            Epochs = EpochsIfGiven,
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            MomentumSchedule = MomentumSchedule,
            Seed = Seed,
            Device = Device,
        };
        CheckOptions(options.Validate);
    }

    protected override void EndProcessing()
    {
        var data = CollectedMatrix();
        PlanFor(() => TemiPlan.For(data.Rows, options!), p => p.Notes);
        ConfirmModelFile("Save the trained TEMI model");
        var preparation = new VectorPreparation(FittedStandardizer, L2Normalize);
        var result = Train("TEMI training", (progress, log) => TemiTrainer.Fit(data, options!, preparation, progress, log, Cancellation));
        WriteResult(result);
    }
}
