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

    /// <summary>Optimiser steps (the default budget).</summary>
    [Parameter]
    [ValidateRange(1, 100000000)]
    public int Steps { get; set; }

    /// <summary>Passes over the data instead of -Steps.</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int Epochs { get; set; }

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
        var bound = MyInvocation.BoundParameters;
        if (bound.ContainsKey(nameof(Steps)) && bound.ContainsKey(nameof(Epochs)))
            ThrowParameterError("Give -Steps or -Epochs, not both.", nameof(Epochs));
        options = new TemiOptions
        {
            ClusterCount = ClusterCount,
            Heads = Heads,
            Neighbors = Neighbors,
            Steps = bound.ContainsKey(nameof(Steps)) ? Steps : null,
            Epochs = bound.ContainsKey(nameof(Epochs)) ? Epochs : null,
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            MomentumSchedule = MomentumSchedule,
            Seed = Seed,
            Device = Device,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message, nameof(ClusterCount));
        }
    }

    protected override void EndProcessing()
    {
        var data = CollectedMatrix();
        TemiPlan plan;
        try
        {
            plan = TemiPlan.For(data.Rows, options!);
        }
        catch (ArgumentException e)
        {
            ThrowTrainingError(e, ClusterCount);
            return;
        }
        foreach (var note in plan.Notes)
        {
            // Shrinking an explicit setting deserves a warning; the defaults simply fit small data.
            bool explicitSetting = note.Contains("neighbours") ? MyInvocation.BoundParameters.ContainsKey(nameof(Neighbors)) : MyInvocation.BoundParameters.ContainsKey(nameof(BatchSize));
            if (explicitSetting) WriteWarning(note); else WriteVerbose(note);
        }
        ConfirmModelFile("Save the trained TEMI model");
        var preparation = new VectorPreparation(FittedStandardizer, L2Normalize);
        TemiResult result;
        try
        {
            result = RunTraining("TEMI training", (progress, log) => TemiTrainer.Fit(data, options!, preparation, progress, log, Cancellation));
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            ThrowTrainingError(e, ClusterCount);
            return;
        }
        // Ctrl+C: keep the best head so far, then stop without output.
        SaveModel(result.Model.Save);
        if (result.Stopped) throw new PipelineStoppedException();

        if (result.DeviceNote != null) WriteVerbose(result.DeviceNote);
        WriteVerbose($"{result.Model.Method}: {result.StepsRun} steps in {result.Seconds:0.#} s ({result.StepsPerSecond:0.##} steps/s on {result.Device}); " +
                     $"head losses {string.Join(", ", result.HeadLosses.Select(l => l.ToString("F4")))}" + (ModelFile != null ? $"; saved to {ModelFile}" : ""));
        for (int i = 0; i < Items.Count; i++)
        {
            var item = Items[i];
            var assignment = new ClusterAssignment(item.Source, item.Label, result.Labels[i], double.NaN, result.Confidence[i], result.Model.Method, item.Vector);
            WriteObject(VectorInput.WithInputProperties(assignment, item));
        }
    }
}
