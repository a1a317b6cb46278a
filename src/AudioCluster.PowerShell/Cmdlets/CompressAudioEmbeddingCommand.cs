using System.Diagnostics;
using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.Encoders;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Reduction;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

public enum ReductionMethod { Pca, Tsne, Umap }

/// <summary>
/// <para type="synopsis">Reduces embeddings to fewer dimensions with PCA, t-SNE or UMAP, keeping Source and Label.</para>
/// </summary>
[Cmdlet(VerbsData.Compress, "AudioEmbedding", DefaultParameterSetName = FitSet, SupportsShouldProcess = true)]
[OutputType(typeof(AudioEmbedding))]
public sealed class CompressAudioEmbeddingCommand : VectorCollectingCmdlet
{
    const string FitSet = "Fit";
    const string ApplySet = "Apply";

    [Parameter(ParameterSetName = FitSet, Position = 0)]
    public ReductionMethod Method { get; set; } = ReductionMethod.Pca;

    /// <summary>Output dimensions (PCA: 32 by default, or as many as -Variance needs; t-SNE and UMAP: 2).</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(1, 100000)]
    public int Dimensions { get; set; }

    /// <summary>PCA: keep the fewest components that explain at least this share of the variance (0..1).</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(0.0, 1.0)]
    public double Variance { get; set; }

    /// <summary>PCA: scale the components to unit variance.</summary>
    [Parameter(ParameterSetName = FitSet)]
    public SwitchParameter Whiten { get; set; }

    /// <summary>PCA solver: Auto (randomized for large inputs, as scikit-learn), Full or Randomized.</summary>
    [Parameter(ParameterSetName = FitSet)]
    public PcaSolver Solver { get; set; } = PcaSolver.Auto;

    /// <summary>t-SNE: the effective number of neighbours (must be less than the number of inputs).</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(1.0, 10000.0)]
    public double Perplexity { get; set; } = 30;

    /// <summary>t-SNE: BarnesHut (default, O(n log n)) or Exact (O(n^2), small inputs).</summary>
    [Parameter(ParameterSetName = FitSet)]
    public TsneMethod TsneMethod { get; set; } = TsneMethod.BarnesHut;

    /// <summary>t-SNE: gradient-descent iterations.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(250, 100000)]
    public int MaxIterations { get; set; } = 1000;

    /// <summary>UMAP: neighbours in the fuzzy graph.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(2, 10000)]
    public int Neighbors { get; set; } = 15;

    /// <summary>UMAP: how tightly points may pack in the output (0..spread).</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateRange(0.0, 10.0)]
    public double MinDistance { get; set; } = 0.1;

    /// <summary>UMAP: distance between input vectors.</summary>
    [Parameter(ParameterSetName = FitSet)]
    public ClusteringMetric Metric { get; set; } = ClusteringMetric.Euclidean;

    [Parameter(ParameterSetName = FitSet)]
    public int Seed { get; set; }

    /// <summary>PCA: also save the fitted projection here, to apply it to new embeddings with -ModelPath.</summary>
    [Parameter(ParameterSetName = FitSet)]
    [ValidateNotNullOrEmpty]
    public string? SaveModel { get; set; }

    /// <summary>Apply a PCA projection saved earlier with -SaveModel instead of fitting one.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ApplySet)]
    [ValidateNotNullOrEmpty]
    public string? ModelPath { get; set; }

    /// <summary>Overwrite the -SaveModel file when it exists.</summary>
    [Parameter(ParameterSetName = FitSet)]
    public SwitchParameter Force { get; set; }

    PcaModel? appliedModel;
    string? saveModelPath;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        // The saved projection does not keep the per-dimension mean and scale that -Standardize learns,
        // so standardising would apply another scaling to new embeddings than the one fitted.
        if (Standardize && (ParameterSetName == ApplySet || SaveModel != null))
            ThrowParameterError("A saved PCA projection does not keep the scaling -Standardize learns from the input, so it could not be applied to new embeddings the same way; leave out -Standardize with -SaveModel and -ModelPath (PCA centres the data itself; -Whiten scales the components).",
                ParameterSetName == ApplySet ? nameof(ModelPath) : nameof(SaveModel));
        if (ParameterSetName == ApplySet)
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ModelPath);
            try
            {
                using var stream = File.OpenRead(path);
                appliedModel = PcaModel.Load(stream);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"Cannot use '{path}' as a PCA model: {e.Message}", e), "BadModel", ErrorCategory.InvalidData, path));
            }
            return;
        }
        if (Method != ReductionMethod.Pca && (Variance > 0 || Whiten || SaveModel != null))
            ThrowParameterError("-Variance, -Whiten and -SaveModel apply to -Method Pca only.", nameof(Method));
        if (Variance > 0 && Dimensions > 0)
            ThrowParameterError("Give either -Dimensions or -Variance, not both.", nameof(Variance));
        if (SaveModel != null)
        {
            saveModelPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SaveModel);
            if (File.Exists(saveModelPath) && !Force)
                ThrowParameterError($"'{saveModelPath}' exists; add -Force to overwrite it.", nameof(SaveModel));
        }
    }

    protected override void EndProcessing()
    {
        var data = CollectedMatrix();
        var clock = Stopwatch.StartNew();
        DataMatrix reduced;
        string step;
        try
        {
            (reduced, step) = appliedModel != null ? Apply(appliedModel, data) : Fit(data);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidReduction", ErrorCategory.InvalidArgument, Method));
            return;
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        WriteVerbose($"{step}: {data.Rows} x {data.Columns} ({PreprocessingNote}) -> {reduced.Columns} dimensions in {clock.Elapsed.TotalSeconds:0.###} s");

        for (int i = 0; i < Items.Count; i++)
        {
            var item = Items[i];
            var encoder = item.Original.BaseObject is AudioEmbedding e ? e.Encoder : "vectors";
            var vector = new float[reduced.Columns];
            var row = reduced.Row(i);
            for (int j = 0; j < vector.Length; j++) vector[j] = (float)row[j];
            WriteObject(VectorInput.WithInputProperties(new AudioEmbedding(item.Source, item.Label, $"{encoder} | {step}", vector), item));
        }
    }

    (DataMatrix, string) Apply(PcaModel model, DataMatrix data)
    {
        if (model.InputDimensions != data.Columns)
            throw new ArgumentException($"The model projects {model.InputDimensions}-dimensional vectors; the input has {data.Columns} dimensions.");
        return (model.Transform(data), $"PCA({model.Dimensions}{(model.Whiten ? ", whiten" : "")}, saved)");
    }

    (DataMatrix, string) Fit(DataMatrix data)
    {
        const string activity = "Reducing dimensions";
        switch (Method)
        {
            case ReductionMethod.Pca:
            {
                var options = new PcaOptions
                {
                    Dimensions = Variance > 0 ? null : Dimensions > 0 ? Dimensions : Math.Min(32, Math.Min(data.Rows, data.Columns)),
                    VarianceShare = Variance > 0 ? Variance : null,
                    Whiten = Whiten,
                    Solver = Solver,
                    Seed = Seed,
                };
                ReportProgress(activity, 0, 1, "PCA", force: true);
                var reduced = Pca.FitTransform(data, options, out var model, Cancellation);
                WriteVerbose($"PCA keeps {model.Dimensions} components explaining {model.ExplainedVarianceRatio.Sum():P1} of the variance");
                if (saveModelPath != null && ShouldProcess(saveModelPath, "Save the PCA projection"))
                    AtomicFile.Write(saveModelPath, model.Save);
                CompleteProgress(activity);
                return (reduced, $"PCA({model.Dimensions}{(Whiten ? ", whiten" : "")})");
            }
            case ReductionMethod.Tsne:
            {
                var options = new TsneOptions
                {
                    Dimensions = Dimensions > 0 ? Dimensions : 2,
                    Perplexity = Perplexity,
                    Method = TsneMethod,
                    Iterations = MaxIterations,
                    Seed = Seed,
                };
                var result = RunWithProgress(activity, "t-SNE", progress => Tsne.Fit(data, options, progress, Cancellation));
                WriteVerbose($"t-SNE: KL divergence {result.KlDivergence:G6} after {result.Iterations} iterations (learning rate {result.LearningRate:G4})");
                return (result.Embedding, $"t-SNE({options.Dimensions}, perplexity={Perplexity})");
            }
            case ReductionMethod.Umap:
            {
                var options = new UmapOptions
                {
                    Dimensions = Dimensions > 0 ? Dimensions : 2,
                    Neighbors = Neighbors,
                    MinDist = MinDistance,
                    Metric = Metric == ClusteringMetric.Cosine ? UmapMetric.Cosine : UmapMetric.Euclidean,
                    Seed = Seed,
                };
                var result = RunWithProgress(activity, "UMAP", progress => Umap.Fit(data, options, progress, Cancellation));
                return (result.Embedding, $"UMAP({options.Dimensions}, neighbors={Neighbors}, min_dist={MinDistance})");
            }
            default:
                throw new ArgumentException($"Unknown method {Method}.");
        }
    }

    /// <summary>Runs long work on a worker thread and reports its progress from this one.</summary>
    T RunWithProgress<T>(string activity, string what, Func<IProgress<double>, T> work)
    {
        var progress = new LatestProgress();
        var task = Task.Run(() => work(progress));
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(250))
            ReportProgress(activity, (int)(1000 * progress.Value), 1000, what);
        CompleteProgress(activity);
        return task.GetAwaiter().GetResult();
    }
}
