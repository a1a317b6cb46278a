using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Copies, links or moves each clustered file into a folder per cluster, never overwriting; a move can be undone.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "AudioCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClusterExportEntry))]
public sealed class ExportAudioClusterCommand : AudioClusterCmdlet
{
    /// <summary>The folder that receives one subfolder per cluster.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>ClusterAssignment objects, or any objects with a Source (or FullName/Path) and a Cluster.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Copy (default), Link (symbolic links to the originals) or Move.</summary>
    [Parameter]
    public ClusterExportMode Mode { get; set; } = ClusterExportMode.Copy;

    /// <summary>Folder names: Number (cluster-00 ...), Label or Tag (the most common in each cluster).</summary>
    [Parameter]
    public ClusterFolderNaming NameBy { get; set; } = ClusterFolderNaming.Number;

    sealed record Member(string Source, int Cluster, string? Label, string? Tag);

    readonly List<Member> members = new();
    readonly HashSet<string> seen = new(StringComparer.Ordinal);
    bool anyTag;
    string destination = "";

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        if (File.Exists(destination)) ThrowParameterError($"'{destination}' is a file; give a folder as -Destination.", nameof(Destination));
    }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        string? source;
        int cluster;
        if (InputObject.BaseObject is ClusterAssignment a)
        {
            (source, cluster) = (a.Source, a.Cluster);
        }
        else
        {
            source = VectorInput.Text(InputObject, "Source") ?? VectorInput.Text(InputObject, "FullName") ?? VectorInput.Text(InputObject, "Path");
            var value = InputObject.Properties["Cluster"]?.Value;
            if (source == null || value == null || !LanguagePrimitives.TryConvertTo(value, out cluster))
            {
                WriteItemError(new ArgumentException($"Input {members.Count + 1} has no Source (or FullName/Path) and integer Cluster; pipe ClusterAssignment objects from Invoke-AudioClustering."),
                    "InvalidInput", ErrorCategory.InvalidData, InputObject);
                return;
            }
        }
        source = SessionState.Path.GetUnresolvedProviderPathFromPSPath(source);
        if (!seen.Add(source))
        {
            WriteWarning($"'{source}' came in more than once; only its first cluster is used.");
            return;
        }
        var tag = InputObject.Properties["TopTag"];
        anyTag |= tag != null;
        members.Add(new Member(source, cluster, VectorInput.Text(InputObject, "Label"), tag?.Value?.ToString()));
    }

    protected override void EndProcessing()
    {
        if (members.Count == 0)
        {
            WriteWarning("No clustered files came in; nothing was exported.");
            return;
        }
        var naming = NameBy;
        if (naming == ClusterFolderNaming.Tag && !anyTag)
        {
            WriteWarning("No input has a TopTag property (an encoder with AudioSet tags gives one); the folders are named by cluster number.");
            naming = ClusterFolderNaming.Number;
        }
        if (naming == ClusterFolderNaming.Label && members.All(m => string.IsNullOrWhiteSpace(m.Label)))
        {
            WriteWarning("No input has a label; the folders are named by cluster number.");
            naming = ClusterFolderNaming.Number;
        }
        var folders = ClusterFolders.FolderNames(members.Select(m => (m.Cluster, naming == ClusterFolderNaming.Tag ? m.Tag : m.Label)), naming == ClusterFolderNaming.Number);
        var plan = ClusterFolders.Plan(members.Select(m => (m.Source, m.Cluster)), destination, folders, Mode);

        // Ask first (every prompt comes before any file is touched), then record, then act.
        var verb = Mode switch { ClusterExportMode.Copy => "Copy", ClusterExportMode.Link => "Link", _ => "Move" };
        var confirmed = plan.Where(e => ShouldProcess(e.Destination, $"{verb} '{e.Source}'")).ToList();
        if (confirmed.Count == 0) return;

        var manifest = ClusterFolders.NewManifestPath(destination, DateTime.UtcNow);
        try
        {
            // A move is recorded before any file moves, so an interruption at any point can be undone.
            if (Mode == ClusterExportMode.Move) WriteManifest(manifest, confirmed);
            for (int i = 0; i < confirmed.Count; i++)
            {
                ThrowIfStopping();
                var entry = confirmed[i];
                try
                {
                    ClusterFolders.Execute(entry);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    WriteItemError(e, "ExportAudioCluster.Failed", ErrorCategory.WriteError, entry.Source);
                    continue;
                }
                WriteObject(entry);
                ReportProgress($"{verb} files into {folders.Count} cluster folders", i + 1, confirmed.Count, System.IO.Path.GetFileName(entry.Source));
            }
        }
        finally
        {
            // The final record, with what happened to each file (also when stopped part way).
            WriteManifest(manifest, confirmed);
            CompleteProgress($"{verb} files into {folders.Count} cluster folders");
        }
        WriteVerbose($"{confirmed.Count(e => e.Status != ClusterExportStatus.Failed)} files in {folders.Count} folders under '{destination}'; manifest: '{manifest}'" +
                     (Mode == ClusterExportMode.Move ? " (Undo-AudioClusterExport -ManifestPath puts them back)." : "."));
    }

    void WriteManifest(string path, List<ClusterExportEntry> entries)
    {
        try
        {
            ClusterFolders.WriteManifest(path, entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ExportAudioCluster.ManifestFailed", ErrorCategory.WriteError, path));
        }
    }
}
