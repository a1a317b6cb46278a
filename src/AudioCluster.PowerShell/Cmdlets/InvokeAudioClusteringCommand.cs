using System.Diagnostics;
using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

public enum ClusteringMethod { KMeans }

/// <summary>
/// <para type="synopsis">Groups embeddings (or any objects with a numeric Vector) into clusters.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AudioClustering")]
[OutputType(typeof(ClusterAssignment))]
public sealed class InvokeAudioClusteringCommand : AudioClusterCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    public ClusteringMethod Method { get; set; } = ClusteringMethod.KMeans;

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("K")]
    [ValidateRange(1, 100000)]
    public int ClusterCount { get; set; }

    /// <summary>Independent k-means++ starts; the one with the lowest inertia wins.</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int Restarts { get; set; } = 10;

    [Parameter]
    [ValidateRange(1, 1000000)]
    public int MaxIterations { get; set; } = 300;

    /// <summary>Convergence tolerance, relative to the mean variance of the data (as scikit-learn).</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double Tolerance { get; set; } = 1e-4;

    [Parameter]
    public int Seed { get; set; }

    /// <summary>Scale each dimension to zero mean and unit variance first.</summary>
    [Parameter]
    public SwitchParameter Standardize { get; set; }

    /// <summary>Scale each vector to unit length first (after -Standardize when both are given).</summary>
    [Parameter]
    public SwitchParameter L2Normalize { get; set; }

    readonly List<VectorItem> items = new();

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        VectorItem item;
        try
        {
            item = VectorInput.Read(InputObject, items.Count);
        }
        catch (ArgumentException e)
        {
            WriteItemError(e, "InvalidVector", ErrorCategory.InvalidData, InputObject);
            return;
        }
        if (items.Count > 0 && item.Vector.Length != items[0].Vector.Length)
        {
            WriteItemError(new ArgumentException($"'{item.Source}' has a {item.Vector.Length}-dimensional vector; the first input has {items[0].Vector.Length}. It was left out."),
                "DimensionMismatch", ErrorCategory.InvalidData, InputObject);
            return;
        }
        if (item.Vector.Any(v => !float.IsFinite(v)))
        {
            WriteItemError(new ArgumentException($"'{item.Source}' has NaN or infinite values in its vector. It was left out."), "NonFiniteVector", ErrorCategory.InvalidData, InputObject);
            return;
        }
        items.Add(item);
    }

    protected override void EndProcessing()
    {
        if (items.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("No vectors to cluster: the pipeline gave no valid input."), "NoInput", ErrorCategory.InvalidData, null));
        }
        if (ClusterCount > items.Count)
            ThrowParameterError($"-ClusterCount {ClusterCount} is more than the {items.Count} inputs.", nameof(ClusterCount));

        int n = items.Count, d = items[0].Vector.Length;
        var data = DataMatrix.FromRows(items.Select(i => i.Vector).ToList());
        if (Standardize) data = VectorPreprocessing.Standardize(data);
        if (L2Normalize) data = VectorPreprocessing.L2Normalize(data);

        var clock = Stopwatch.StartNew();
        ReportProgress($"K-means (k={ClusterCount})", 0, Restarts, force: true);
        var options = new KMeansOptions(ClusterCount, Restarts, MaxIterations, Tolerance, Seed);
        KMeansResult result;
        try
        {
            result = KMeans.Fit(data, options, Cancellation);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        CompleteProgress($"K-means (k={ClusterCount})");
        WriteVerbose($"K-means: {n} vectors x {d} dimensions, k={ClusterCount}, inertia {result.Inertia:G6}, {result.Iterations} iterations, {clock.Elapsed.TotalSeconds:0.###} s");

        var method = $"KMeans(k={ClusterCount},seed={Seed})";
        for (int i = 0; i < n; i++)
            WriteObject(new ClusterAssignment(items[i].Source, items[i].Label, result.Labels[i], result.Distances[i], null, method, items[i].Vector));
    }
}
