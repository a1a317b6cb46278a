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
}
