using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.DeepClustering;
using AudioCluster.Runtime;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>
/// Base of the cmdlets that train a deep clustering model on collected vectors: the parameters they
/// share (-ClusterCount, -Seed, -Device, -ModelPath, -Force), a training loop run on a worker while this
/// thread shows its progress and log, and the model written atomically, also when Ctrl+C stops training.
/// </summary>
public abstract class DeepTrainingCmdlet : VectorCollectingCmdlet
{
    /// <summary>Clusters to find (K).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("K")]
    [ValidateRange(2, 100000)]
    public int ClusterCount { get; set; }

    /// <summary>Seed of every random step (initialisation, shuffling, partner draws).</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>Cpu, Cuda, or Auto (CUDA when libtorch has a device, else the CPU).</summary>
    [Parameter]
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    /// <summary>Optimiser steps (the default budget).</summary>
    [Parameter]
    [ValidateRange(1, 100000000)]
    public int Steps { get; set; }

    /// <summary>Passes over the data instead of -Steps.</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int Epochs { get; set; }

    /// <summary>-Steps when given, else null.</summary>
    protected int? StepsIfGiven => MyInvocation.BoundParameters.ContainsKey(nameof(Steps)) ? Steps : null;

    /// <summary>-Epochs when given, else null.</summary>
    protected int? EpochsIfGiven => MyInvocation.BoundParameters.ContainsKey(nameof(Epochs)) ? Epochs : null;

    /// <summary>Save the trained model here, for Invoke-AudioClustering -ModelPath to assign new vectors.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelPath { get; set; }

    /// <summary>Overwrite the -ModelPath file when it exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The resolved -ModelPath when the model is to be written (not with -WhatIf or a declined -Confirm).</summary>
    protected string? ModelFile { get; private set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (StepsIfGiven != null && EpochsIfGiven != null)
            ThrowParameterError("Give -Steps or -Epochs, not both.", nameof(Epochs));
        if (ModelPath != null) ModelFile = ResolveOutputFile(ModelPath, Force, nameof(ModelPath));
    }

    /// <summary>Asks -WhatIf/-Confirm once, before training, whether the model will be written.</summary>
    protected void ConfirmModelFile(string what)
    {
        if (ModelFile != null && !ShouldProcess(ModelFile, what)) ModelFile = null;
    }

    protected void SaveModel(Action<Stream> write)
    {
        if (ModelFile != null) AtomicFile.Write(ModelFile, write);
    }

    /// <summary>Settings that fail a trainer's checks stop the cmdlet before any input is read.</summary>
    protected void CheckOptions(Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message, nameof(ClusterCount));
        }
    }

    /// <summary>
    /// The trainer's plan for the collected data (<paramref name="plan"/>), its notes written, or a
    /// terminating error when the data cannot support the settings.
    /// </summary>
    protected T PlanFor<T>(Func<T> plan, Func<T, IEnumerable<PlanNote>> notes)
    {
        T result;
        try
        {
            result = plan();
        }
        catch (ArgumentException e)
        {
            ThrowTrainingError(e, ClusterCount);
            throw;   // not reached: the line above throws
        }
        WritePlanNotes(notes(result));
        return result;
    }

    /// <summary>
    /// The settings a trainer changed to fit the data: a warning where the user set the parameter,
    /// a verbose note where its default simply does not fit small data.
    /// </summary>
    protected void WritePlanNotes(IEnumerable<PlanNote> notes)
    {
        foreach (var note in notes)
        {
            if (MyInvocation.BoundParameters.ContainsKey(note.Parameter)) WriteWarning(note.Message);
            else WriteVerbose(note.Message);
        }
    }

    /// <summary>
    /// <see cref="AudioClusterCmdlet.RunTraining{T}"/> with the errors a trainer raises turned into the cmdlet's: Ctrl+C before
    /// the first step stops the pipeline, settings the data cannot support are terminating errors.
    /// </summary>
    protected T Train<T>(string activity, Func<IProgress<TrainingProgress>, Action<string>, T> train) where T : DeepClusteringResult
    {
        try
        {
            return RunTraining(activity, train);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            ThrowTrainingError(e, ClusterCount);
            throw;   // not reached: the line above throws
        }
    }

    /// <summary>
    /// Saves the model (also after Ctrl+C, which then stops the pipeline without output), logs how the
    /// training went and writes one assignment per collected input, with the kept head's probability.
    /// </summary>
    protected void WriteResult(DeepClusteringResult result)
    {
        SaveModel(result.TrainedModel.Save);
        if (result.Stopped) throw new PipelineStoppedException();

        if (result.DeviceNote != null) WriteVerbose(result.DeviceNote);
        string method = result.TrainedModel.Method;
        WriteVerbose($"{method}: {result.StepsRun} steps in {result.Seconds:0.#} s ({result.StepsPerSecond:0.##} steps/s on {result.Device}); " +
                     $"head losses {string.Join(", ", result.HeadLosses.Select(l => l.ToString("F4")))}" + (ModelFile != null ? $"; saved to {ModelFile}" : ""));
        for (int i = 0; i < Items.Count; i++)
        {
            var item = Items[i];
            var assignment = new ClusterAssignment(item.Source, item.Label, result.Labels[i], double.NaN, result.Confidence[i], method, item.Vector);
            WriteObject(VectorInput.WithInputProperties(assignment, item));
        }
    }
}
