using System.Collections;
using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.Encoders;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Reporting;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Runs the benchmark grid: encoders x reducers x normalisations x clustering methods on labelled audio, one result per cell.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ClusteringBenchmark", DefaultParameterSetName = FolderSet, SupportsShouldProcess = true)]
[OutputType(typeof(BenchmarkCell))]
public sealed class InvokeClusteringBenchmarkCommand : AudioClusterCmdlet
{
    const string FolderSet = "Folder";
    const string EmbeddingSet = "Embeddings";

    /// <summary>Folder of labelled audio; each encoder embeds it once.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FolderSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Regex on the file name whose named group 'label' gives the true class.</summary>
    [Parameter(ParameterSetName = FolderSet)]
    [ValidateNotNullOrEmpty]
    public string? LabelPattern { get; set; }

    /// <summary>Use each file's folder name as its true class.</summary>
    [Parameter(ParameterSetName = FolderSet)]
    public SwitchParameter LabelFromDirectory { get; set; }

    /// <summary>Also take audio files in subfolders of -Path.</summary>
    [Parameter(ParameterSetName = FolderSet)]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Encoders to compare (MelStats by default); ByolA and Onnx read their weights from -ModelPath.</summary>
    [Parameter(ParameterSetName = FolderSet)]
    public EncoderKind[] Encoder { get; set; } = { EncoderKind.MelStats };

    /// <summary>Weights per encoder, e.g. @{ ByolA = './byola.pth'; Onnx = './model.onnx' }.</summary>
    [Parameter(ParameterSetName = FolderSet)]
    public Hashtable ModelPath { get; set; } = new();

    /// <summary>Embeddings from Get-AudioEmbedding (any encoders: they are grouped by their Encoder id).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = EmbeddingSet)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    public GridReducer[] Reducer { get; set; } = { GridReducer.None };

    [Parameter]
    public GridNormalization[] Normalization { get; set; } = { GridNormalization.Standardize, GridNormalization.L2Normalize };

    [Parameter]
    public ClusteringMethod[] Method { get; set; } = { ClusteringMethod.KMeans, ClusteringMethod.Agglomerative };

    /// <summary>Clusters for the methods that need a count; the number of classes when omitted.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int ClusterCount { get; set; }

    /// <summary>Seeds to average over; each cell reports the mean (and NMIStd over the seeds).</summary>
    [Parameter]
    [ValidateCount(1, 100)]
    public int[] Seed { get; set; } = { 0 };

    /// <summary>Also write the grid as a markdown table here.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MarkdownPath { get; set; }

    /// <summary>Overwrite -MarkdownPath when it exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    readonly List<(string Encoder, float[] Vector, string? Label)> embedded = new();
    string? markdownPath;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ParameterSetName == FolderSet && LabelPattern == null && !LabelFromDirectory)
            ThrowParameterError("The benchmark scores against labels: give -LabelPattern or -LabelFromDirectory.", nameof(LabelPattern));
        foreach (var kind in Encoder)
            if (kind != EncoderKind.MelStats && kind != EncoderKind.ByolA && !ModelPath.ContainsKey(kind.ToString()))
                ThrowParameterError($"-Encoder {kind} needs its weights: -ModelPath @{{ {kind} = '<path>' }}.", nameof(ModelPath));
        if (MarkdownPath != null)
        {
            markdownPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(MarkdownPath);
            if (File.Exists(markdownPath) && !Force)
                ThrowParameterError($"'{markdownPath}' exists; add -Force to overwrite it.", nameof(MarkdownPath));
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        try
        {
            var item = VectorInput.Read(InputObject, embedded.Count);
            var encoder = VectorInput.Text(InputObject, "Encoder") ?? "vectors";
            embedded.Add((encoder, item.Vector, item.Label));
        }
        catch (ArgumentException e)
        {
            WriteItemError(e, "InvalidVector", ErrorCategory.InvalidData, InputObject);
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == FolderSet) EmbedFolder();
        var groups = embedded.Where(e => !string.IsNullOrEmpty(e.Label)).GroupBy(e => e.Encoder).ToList();
        if (groups.Count == 0)
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("No labelled embeddings to benchmark."), "NoInput", ErrorCategory.InvalidData, null));

        var options = new BenchmarkGridOptions
        {
            Reducers = Reducer, Normalizations = Normalization, Methods = Method, Seeds = Seed,
            ClusterCount = ClusterCount > 0 ? ClusterCount : null,
        };
        int total = groups.Count * Reducer.Length * Normalization.Length * Method.Length, done = 0;
        const string activity = "Benchmark grid";
        var cells = new List<BenchmarkCell>();
        foreach (var group in groups)
        {
            var rows = group.ToList();
            if (rows.Any(r => r.Vector.Length != rows[0].Vector.Length))
            {
                WriteWarning($"Embeddings of '{group.Key}' differ in length; that encoder was left out.");
                continue;
            }
            var data = DataMatrix.FromRows(rows.Select(r => r.Vector).ToList());
            var labels = rows.Select(r => r.Label!).ToList();
            IEnumerator<BenchmarkCell> run = BenchmarkGrid.Run(group.Key, data, labels, options, Cancellation).GetEnumerator();
            while (true)
            {
                ReportProgress(activity, done, total, group.Key, force: true);
                try
                {
                    if (!run.MoveNext()) break;
                }
                catch (OperationCanceledException)
                {
                    throw new PipelineStoppedException();
                }
                done++;
                var cell = run.Current;
                if (cell.Error != null) WriteWarning($"{cell.Encoder} / {cell.Reducer} / {cell.Normalization} / {cell.Method}: {cell.Error}");
                cells.Add(cell);
                WriteObject(cell);
            }
        }
        CompleteProgress(activity);
        if (markdownPath != null && cells.Count > 0 && ShouldProcess(markdownPath, "Write the benchmark table"))
        {
            var text = BenchmarkGrid.ToMarkdown(cells);
            AtomicFile.Write(markdownPath, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });
        }
    }

    /// <summary>Embeds the folder once per encoder, through Get-AudioEmbedding itself.</summary>
    void EmbedFolder()
    {
        const string script = @"param($Path, $Encoder, $ModelPath, $LabelPattern, $LabelFromDirectory, $Recurse)
            $a = @{ Path = $Path; Encoder = $Encoder; Recurse = $Recurse }
            if ($ModelPath) { $a.ModelPath = $ModelPath }
            if ($LabelPattern) { $a.LabelPattern = $LabelPattern } else { $a.LabelFromDirectory = $LabelFromDirectory }
            Get-AudioEmbedding @a";
        foreach (var kind in Encoder)
        {
            ThrowIfStopping();
            WriteVerbose($"Embedding '{Path}' with {kind}");
            var model = ModelPath.ContainsKey(kind.ToString()) ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(ModelPath[kind.ToString()]?.ToString()) : null;
            var results = InvokeCommand.InvokeScript(script, true, System.Management.Automation.Runspaces.PipelineResultTypes.None, null,
                Path, kind.ToString(), model, LabelPattern, LabelFromDirectory.IsPresent, Recurse.IsPresent);
            foreach (var o in results)
                if (o?.BaseObject is AudioEmbedding e) embedded.Add((e.Encoder, e.Vector, e.Label));
        }
    }
}
