using System.Diagnostics;
using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.DeepClustering;
using AudioCluster.Encoders;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Groups embeddings (or any objects with a numeric Vector) into clusters with a classic method.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AudioClustering", DefaultParameterSetName = FitSet, SupportsShouldProcess = true)]
[OutputType(typeof(ClusterAssignment))]
public sealed class InvokeAudioClusteringCommand : VectorCollectingCmdlet
{
    const string FitSet = "Fit";
    const string ApplySet = "Apply";

    [Parameter(ParameterSetName = FitSet)]
    public ClusteringMethod Method { get; set; } = ClusteringMethod.KMeans;

    /// <summary>Clusters to find, or Auto to choose it from -ClusterCountRange.</summary>
    [Parameter(ParameterSetName = FitSet, Position = 0)]
    [Alias("K")]
    [ClusterCountTransformation]
    [ArgumentCompleter(typeof(ClusterCountCompleter))]
    public int ClusterCount { get; set; } = -1;

    /// <summary>With -ClusterCount Auto: the smallest and largest count to try.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateCount(2, 2)]
    public int[] ClusterCountRange { get; set; } = { 2, 20 };

    [Parameter(ParameterSetName = FitSet)]
    public int Seed { get; set; }

    /// <summary>Independent starts (K-means: 10, mini-batch: 3, GMM: 1); the best one is kept.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(1, 10000)]
    public int Restarts { get; set; }

    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(1, 1000000)]
    public int MaxIterations { get; set; }

    /// <summary>Convergence tolerance (K-means: relative to the data's variance, 1e-4; GMM: lower-bound change, 1e-3).</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(0.0, 1.0)]
    public double Tolerance { get; set; } = -1;

    [Parameter(ParameterSetName = FitSet)]
    public Linkage Linkage { get; set; } = Linkage.Ward;

    /// <summary>Agglomerative: cut the tree where merges get this far apart, instead of at a count.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(0.0, double.MaxValue)]
    public double DistanceThreshold { get; set; } = -1;

    /// <summary>Distance for Agglomerative, DBSCAN and HDBSCAN.</summary>
    [Parameter(ParameterSetName = FitSet)]
    public ClusteringMetric Metric { get; set; } = ClusteringMetric.Euclidean;

    /// <summary>DBSCAN: neighbourhood radius (estimated from the k-distance curve when omitted).</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(0.0, double.MaxValue)]
    public double Eps { get; set; } = -1;

    /// <summary>DBSCAN/HDBSCAN: neighbours (the point included) that make a core point.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(1, 100000)]
    public int MinSamples { get; set; }

    /// <summary>HDBSCAN: the smallest group that counts as a cluster.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(2, 100000)]
    public int MinClusterSize { get; set; } = 5;

    /// <summary>MeanShift: kernel radius (estimated from -Quantile when omitted).</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(0.0, double.MaxValue)]
    public double Bandwidth { get; set; } = -1;

    /// <summary>MeanShift: quantile of pairwise distances for the bandwidth estimate.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(0.0, 1.0)]
    public double Quantile { get; set; } = 0.3;

    [Parameter(ParameterSetName = FitSet)]
    public CovarianceType CovarianceType { get; set; } = CovarianceType.Full;

    /// <summary>Spectral: neighbours in the affinity graph.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(1, 10000)]
    public int Neighbors { get; set; } = 10;

    /// <summary>Also save the fitted clusters (preprocessing and centres) to assign new vectors with -ModelPath.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateNotNullOrEmpty]
    public string? SaveModel { get; set; }

    /// <summary>Overwrite the -SaveModel file when it exists.</summary>
    [Parameter(ParameterSetName = FitSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>Assign the input to the clusters of a model saved with -SaveModel, fitting nothing.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ApplySet)]
    [ValidateNotNullOrEmpty]
    public string? ModelPath { get; set; }

    IClusterAssigner? model;
    string? saveModelPath;

    /// <summary>A setting the chosen method does not read is named, so a typo'd grid script does not pass unnoticed.</summary>
    void WarnAboutUnusedSettings()
    {
        foreach (var (parameter, methods) in ClusteringRequest.MethodsReading)
            if (MyInvocation.BoundParameters.ContainsKey(parameter) && !methods.Contains(Method))
                WriteWarning($"-{parameter} is not used by -Method {Method}; it applies to {string.Join(", ", methods)}.");
    }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ParameterSetName == ApplySet)
        {
            if (Standardize || L2Normalize)
                ThrowParameterError("A saved model applies its own preprocessing; leave out -Standardize and -L2Normalize with -ModelPath.", nameof(ModelPath));
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ModelPath);
            try
            {
                model = SavedClusterModels.Load(path);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"Cannot use '{path}' as a cluster model: {e.Message}", e), "BadModel", ErrorCategory.InvalidData, path));
            }
            return;
        }
        var request = Request(null);
        bool auto = ClusterCount == ClusterCountTransformationAttribute.Auto;
        if (ClusterCount < -1 || (ClusterCount == -1 && request.NeedsClusterCount))
            ThrowParameterError(request.NeedsClusterCount
                ? $"-Method {Method} needs -ClusterCount (a number, or Auto){(Method == ClusteringMethod.Agglomerative ? " or -DistanceThreshold" : "")}."
                : "-ClusterCount must be a positive number or Auto.", nameof(ClusterCount));
        if (ClusterCount > 0 && !request.NeedsClusterCount && Method != ClusteringMethod.Agglomerative)
            ThrowParameterError($"-Method {Method} finds the number of clusters itself; leave out -ClusterCount.", nameof(ClusterCount));
        if (auto && !request.NeedsClusterCount)
            ThrowParameterError($"-ClusterCount Auto applies to KMeans, MiniBatchKMeans, Agglomerative, GaussianMixture and Spectral, not {Method}.", nameof(ClusterCount));
        if (auto && (ClusterCountRange[0] < 2 || ClusterCountRange[1] < ClusterCountRange[0]))
            ThrowParameterError($"-ClusterCountRange {ClusterCountRange[0]},{ClusterCountRange[1]} must be two counts, the first at least 2 and not above the second.", nameof(ClusterCountRange));
        if (ClusterCount > 0 && DistanceThreshold >= 0)
            ThrowParameterError("Give either -ClusterCount or -DistanceThreshold, not both.", nameof(DistanceThreshold));
        if (Linkage == Linkage.Ward && Metric != ClusteringMetric.Euclidean && Method == ClusteringMethod.Agglomerative)
            ThrowParameterError("Ward linkage works on Euclidean distances only; use -Linkage Average, Complete or Single with -Metric Cosine.", nameof(Metric));
        WarnAboutUnusedSettings();
        if (SaveModel != null)
        {
            if (Method is ClusteringMethod.Dbscan or ClusteringMethod.Hdbscan)
                ThrowParameterError($"-SaveModel keeps cluster centres (or a mixture's components), which cannot say where {Method}'s noise begins; its models cannot be saved.", nameof(SaveModel));
            saveModelPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SaveModel);
            if (File.Exists(saveModelPath) && !Force)
                ThrowParameterError($"'{saveModelPath}' exists; add -Force to overwrite it.", nameof(SaveModel));
        }
    }

    ClusteringRequest Request(int? clusterCount) => new()
    {
        Method = Method,
        ClusterCount = clusterCount,
        Seed = Seed,
        Restarts = Restarts > 0 ? Restarts : null,
        MaxIterations = MaxIterations > 0 ? MaxIterations : null,
        Tolerance = Tolerance >= 0 ? Tolerance : null,
        Linkage = Linkage,
        DistanceThreshold = DistanceThreshold >= 0 ? DistanceThreshold : null,
        Metric = Metric,
        Eps = Eps > 0 ? Eps : null,
        MinSamples = MinSamples > 0 ? MinSamples : null,
        MinClusterSize = MinClusterSize,
        Bandwidth = Bandwidth > 0 ? Bandwidth : null,
        Quantile = Quantile,
        CovarianceType = CovarianceType,
        Neighbors = Neighbors,
    };

    protected override void EndProcessing()
    {
        if (model != null)
        {
            ApplyModel(model);
            return;
        }
        var data = CollectedMatrix();
        var clock = Stopwatch.StartNew();
        var activity = $"Clustering ({Method})";
        ClusteringOutcome outcome;
        try
        {
            int? k = ClusterCount > 0 ? ClusterCount : null;
            if (ClusterCount == ClusterCountTransformationAttribute.Auto) k = ChooseClusterCount(data, activity);
            if (k is int count && count > data.Rows)
                ThrowParameterError($"-ClusterCount {count} is more than the {data.Rows} inputs.", nameof(ClusterCount));
            ReportProgress(activity, 0, 1, force: true);
            outcome = RunOnWorker(activity, () => ClusterMethods.Run(data, Request(k), Cancellation));
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidClustering", ErrorCategory.InvalidArgument, Method));
            return;
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        WriteVerbose($"{outcome.Description}: {data.Rows} vectors x {data.Columns} dimensions ({PreprocessingNote}); {outcome.Summary}; {clock.Elapsed.TotalSeconds:0.###} s");
        if (saveModelPath != null && ShouldProcess(saveModelPath, "Save the fitted clusters"))
        {
            Action<Stream> save = outcome.Mixture != null
                ? new GaussianMixtureModel(outcome.Description, FittedStandardizer, L2Normalize, outcome.Mixture).Save
                : new ClusterModel(outcome.Description, FittedStandardizer, L2Normalize, outcome.Centers).Save;
            AtomicFile.Write(saveModelPath, save);
        }
        for (int i = 0; i < Items.Count; i++)
            WriteOutput(i, outcome.Labels[i], outcome.Distances[i], outcome.Confidence?[i], outcome.Description);
    }

    int ChooseClusterCount(DataMatrix data, string activity)
    {
        var request = Request(null);
        var result = RunOnWorker(activity + ": choosing the cluster count", () =>
            ClusterMethods.ChooseClusterCount(data, request, ClusterCountRange[0], ClusterCountRange[1], Cancellation));
        var better = result.HigherIsBetter ? "higher is better" : "lower is better";
        foreach (var point in result.Curve)
        {
            var line = $"k={point.ClusterCount,3}  {result.Criterion} {point.Score:G6}{(point.ClusterCount == result.ClusterCount ? "  <- chosen" : "")}";
            WriteVerbose(line);
            WriteInformation(new InformationRecord(new ClusterCountPoint(point.ClusterCount, result.Criterion.ToString(), point.Score, point.ClusterCount == result.ClusterCount), "Invoke-AudioClustering")
                { Tags = { "ClusterCountCurve" } });
        }
        WriteVerbose($"Chose k={result.ClusterCount} by {result.Criterion} ({better}) over {ClusterCountRange[0]}..{ClusterCountRange[1]}");
        return result.ClusterCount;
    }

    void ApplyModel(IClusterAssigner m)
    {
        if (m is IEncoderBoundModel bound)
        {
            // A model bound to its encoder refuses embeddings of another one (those that say which encoder made them).
            foreach (var id in Items.Select(EncoderOf).Distinct())
                if (bound.EncoderMismatch(id) is string why)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException(why), "EncoderMismatch", ErrorCategory.InvalidData, ModelPath));
        }
        var raw = DataMatrix.FromRows(Items.Select(i => i.Vector).ToList());
        ClusterAssignments assigned;
        try
        {
            assigned = m.Assign(raw, Cancellation);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ModelMismatch", ErrorCategory.InvalidData, ModelPath));
            return;
        }
        WriteVerbose($"Assigned {raw.Rows} vectors to the {m.ClusterCount} clusters of {m.Method} (saved)");
        for (int i = 0; i < Items.Count; i++)
            WriteOutput(i, assigned.Labels[i], assigned.Distances[i], assigned.Confidence?[i], m.Method + " (saved)");
    }

    static string? EncoderOf(VectorItem item) =>
        item.Original.BaseObject is AudioEmbedding e ? e.Encoder : VectorInput.Text(item.Original, "Encoder");

    void WriteOutput(int i, int cluster, double distance, double? confidence, string method)
    {
        var item = Items[i];
        WriteObject(VectorInput.WithInputProperties(new ClusterAssignment(item.Source, item.Label, cluster, distance, confidence, method, item.Vector), item));
    }

    /// <summary>Runs the fit on a worker so this thread can keep the progress bar alive and react to Ctrl+C.</summary>
    T RunOnWorker<T>(string activity, Func<T> work)
    {
        var task = Task.Run(work);
        int ticks = 0;
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(250))
            ReportProgress(activity, ++ticks, 0, $"{ticks / 4} s");
        CompleteProgress(activity);
        return task.GetAwaiter().GetResult();
    }
}

/// <summary>One point of the curve that chose the cluster count (Information stream, tag ClusterCountCurve).</summary>
public sealed record ClusterCountPoint(int ClusterCount, string Criterion, double Score, bool Chosen);
