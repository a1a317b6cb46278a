using System.Management.Automation;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Undoes an Export-AudioCluster from its manifest: moved files go back, copies and links are removed.</para>
/// </summary>
[Cmdlet(VerbsCommon.Undo, "AudioClusterExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ClusterExportEntry))]
public sealed class UndoAudioClusterExportCommand : AudioClusterCmdlet
{
    /// <summary>The manifest CSV that Export-AudioCluster wrote in its destination folder.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string ManifestPath { get; set; } = "";

    protected override void ProcessRecord()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ManifestPath);
        List<ClusterExportEntry> rows;
        try
        {
            rows = ClusterFolders.ReadManifest(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            WriteItemError(e, "UndoAudioClusterExport.BadManifest", ErrorCategory.InvalidData, path);
            return;
        }
        int done = 0, changed = 0;
        // Last in, first out, as an undo goes.
        foreach (var row in Enumerable.Reverse(rows))
        {
            ThrowIfStopping();
            done++;
            var action = row.Mode == ClusterExportMode.Move ? $"Move back to '{row.Source}'" : $"Remove the {(row.Mode == ClusterExportMode.Link ? "link" : "copy")} of '{row.Source}'";
            if (!ShouldProcess(row.Destination, action)) continue;
            try
            {
                var result = ClusterFolders.Undo(row);
                if (result.Status != ClusterExportStatus.Skipped) changed++;
                WriteObject(result);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteItemError(e, "UndoAudioClusterExport.Failed", ErrorCategory.WriteError, row.Destination);
            }
            ReportProgress("Undoing the cluster export", done, rows.Count, System.IO.Path.GetFileName(row.Source));
        }
        CompleteProgress("Undoing the cluster export");
        if (changed > 0) ClusterFolders.RemoveEmptyFolders(rows);
        WriteVerbose($"{changed} of {rows.Count} files undone from '{path}'; the manifest stays, and undoing again changes nothing.");
    }
}
