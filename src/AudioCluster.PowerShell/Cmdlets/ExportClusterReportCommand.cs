using System.Collections;
using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Reporting;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a self-contained HTML report of a clustering: a map of the clips, players, mean spectrograms, quality scores and the confusion matrix.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "ClusterReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportClusterReportCommand : VectorCollectingCmdlet
{
    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Heading and window title of the page.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Title { get; set; }

    /// <summary>How vectors with more than two dimensions are placed on the map.</summary>
    [Parameter]
    public ReportMapMethod Map { get; set; } = ReportMapMethod.Pca;

    /// <summary>Scores to show (from Measure-ClusterQuality); computed here when omitted.</summary>
    [Parameter]
    public ClusterQuality? Quality { get; set; }

    /// <summary>Auto embeds the audio when the files add up to less than 20 MB; Always; Never links to them.</summary>
    [Parameter]
    public EmbedAudioMode EmbedAudio { get; set; } = EmbedAudioMode.Auto;

    /// <summary>Players per cluster card.</summary>
    [Parameter]
    [ValidateRange(0, 50)]
    public int ExamplesPerCluster { get; set; } = 3;

    /// <summary>Seed of the t-SNE or UMAP map.</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    const string Activity = "Writing the cluster report";
    string target = "";

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target))
            ThrowParameterError($"'{target}' is a folder; give the path of the HTML file to write.", nameof(Path));
        if (File.Exists(target) && !Force)
            ThrowParameterError($"'{target}' exists; add -Force to overwrite it.", nameof(Path));
    }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        if (VectorInput.Text(InputObject, "Cluster") == null)
        {
            WriteItemError(new ArgumentException("The input has no 'Cluster' property; pipe ClusterAssignment objects from Invoke-AudioClustering."),
                "NoCluster", ErrorCategory.InvalidData, InputObject);
            return;
        }
        base.ProcessRecord();
    }

    protected override void EndProcessing()
    {
        var data = CollectedMatrix();
        if (!ShouldProcess(target, $"Write a cluster report of {Items.Count} clips")) return;
        var clips = Items.Select(item => new ReportClip(
            item.Source,
            item.Label,
            VectorInput.Text(item.Original, "Cluster")!,
            Number(item.Original, "Confidence"),
            Number(item.Original, "Distance"),
            Tags(item.Original),
            item.Vector)).ToList();

        var options = new ClusterReportOptions
        {
            Title = Title ?? "Audio clusters",
            OutputDirectory = System.IO.Path.GetDirectoryName(target)!,
            EmbedAudio = EmbedAudio,
            ExamplesPerCluster = ExamplesPerCluster,
            Quality = Quality,
        };
        IReadOnlyList<string> warnings = Array.Empty<string>();
        try
        {
            string description = "";
            var xy = Run(progress => ReportMap.Project(data, Map, Seed, out description, new Fraction(progress, $"Map ({Map})"), Cancellation));
            options = options with { MapDescription = description };
            var html = Run(progress =>
            {
                var page = ClusterReport.Build(clips, xy, options, out var notes, progress, Cancellation);
                warnings = notes;
                return page;
            });
            ReportProgress(Activity, 0, 0, "Writing " + System.IO.Path.GetFileName(target), force: true);
            AtomicFile.Write(target, stream =>
            {
                using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
                writer.Write(html);
            });
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ReportWriteFailed", ErrorCategory.WriteError, target));
        }
        finally
        {
            CompleteProgress(Activity);
        }
        foreach (var warning in warnings) WriteWarning(warning);
        WriteObject(new FileInfo(target));
    }

    /// <summary>Runs a step on a worker thread and shows its progress from this one (only it may write to the host).</summary>
    T Run<T>(Func<IProgress<ReportProgress>, T> work)
    {
        var latest = new LatestStep();
        var task = Task.Run(() => work(latest));
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(250))
            if (latest.Value is { } step) ReportProgress(Activity, step.Done, step.Total, step.Stage, force: true);
        return task.GetAwaiter().GetResult();
    }

    sealed class LatestStep : IProgress<ReportProgress>
    {
        ReportProgress? value;
        readonly object gate = new();
        public ReportProgress? Value { get { lock (gate) return value; } }
        public void Report(ReportProgress step) { lock (gate) value = step; }
    }

    /// <summary>A fraction done, as a step of 1000.</summary>
    sealed class Fraction(IProgress<ReportProgress> target, string stage) : IProgress<double>
    {
        public void Report(double value) => target.Report(new ReportProgress(stage, (int)(1000 * value), 1000));
    }

    static double? Number(PSObject input, string property)
    {
        var value = input.Properties[property]?.Value;
        if (value is PSObject wrapped) value = wrapped.BaseObject;
        if (value == null) return null;
        try { return LanguagePrimitives.ConvertTo<double>(value); }
        catch (PSInvalidCastException) { return null; }
    }

    /// <summary>Most tags a clip contributes from its Tags list (taken as best first).</summary>
    const int TagsPerClip = 3;

    /// <summary>
    /// Tags carried by the input: its TopTag and the first few of its Tags (strings, or objects
    /// with a Name, Label or Tag property), each counted once.
    /// </summary>
    static IReadOnlyList<string> Tags(PSObject input)
    {
        var tags = new List<string>();
        void Add(object? input, int limit)
        {
            // A [pscustomobject] keeps its properties on the wrapper: unwrap only to look at the type.
            var value = input is PSObject p ? p.BaseObject : input;
            switch (value)
            {
                case null: return;
                case string s:
                    if (!string.IsNullOrWhiteSpace(s) && tags.Count < limit) tags.Add(s.Trim());
                    return;
                case IEnumerable items:
                    foreach (var item in items) Add(item, limit);
                    return;
                default:
                    var ps = PSObject.AsPSObject(input!);
                    var name = VectorInput.Text(ps, "Name") ?? VectorInput.Text(ps, "Label") ?? VectorInput.Text(ps, "Tag") ?? value.ToString();
                    if (!string.IsNullOrWhiteSpace(name) && tags.Count < limit) tags.Add(name.Trim());
                    return;
            }
        }
        Add(input.Properties["TopTag"]?.Value, 1);
        Add(input.Properties["Tags"]?.Value, tags.Count + TagsPerClip);
        return tags.Distinct().ToList();
    }
}
