using System.Management.Automation;
using AudioCluster.Encoders;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes embeddings (or cluster assignments) to a Parquet, CSV or NumPy file that other tools read.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "AudioEmbedding", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAudioEmbeddingCommand : AudioClusterCmdlet
{
    /// <summary>The file to write: .parquet, .csv or .npy (or any name with -Format).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>AudioEmbedding or ClusterAssignment objects, or any objects with a numeric Vector.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>The file format; Auto takes it from the extension.</summary>
    [Parameter]
    public EmbeddingFileFormat Format { get; set; }

    /// <summary>Add the rows to an existing file instead of replacing it.</summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    string path = "";
    EmbeddingFileFormat format;
    readonly List<EmbeddingRecord> records = new();

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            format = EmbeddingFiles.FormatOf(path, Format);
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message, nameof(Path));
        }
        if (Append && Force) ThrowParameterError("Give -Append to add to the file or -Force to replace it, not both.", nameof(Append));
        if (Directory.Exists(path)) ThrowParameterError($"'{path}' is a folder; give the path of a file.", nameof(Path));
        var existing = EmbeddingFiles.FilesOf(path, format).Where(File.Exists).ToList();
        if (existing.Count > 0 && !Append && !Force)
            ThrowParameterError($"'{existing[0]}' exists; add -Force to replace it or -Append to add to it.", nameof(Path));
    }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        VectorItem item;
        try
        {
            item = VectorInput.Read(InputObject, records.Count);
        }
        catch (ArgumentException e)
        {
            WriteItemError(e, "InvalidVector", ErrorCategory.InvalidData, InputObject);
            return;
        }
        var encoder = InputObject.BaseObject is AudioEmbedding embedding ? embedding.Encoder : VectorInput.Text(InputObject, "Encoder");
        int? cluster = null;
        if (InputObject.Properties["Cluster"]?.Value is { } value)
        {
            try
            {
                cluster = LanguagePrimitives.ConvertTo<int>(value);
            }
            catch (PSInvalidCastException)
            {
                WriteItemError(new ArgumentException($"'{item.Source}': Cluster '{value}' is not an integer. It was left out."), "InvalidCluster", ErrorCategory.InvalidData, InputObject);
                return;
            }
        }
        records.Add(new EmbeddingRecord(item.Source, item.Label, cluster, encoder, item.Vector));
    }

    protected override void EndProcessing()
    {
        if (records.Count == 0)
        {
            WriteWarning($"No embeddings came in; '{path}' was not written.");
            return;
        }
        var action = Append && File.Exists(path) ? $"Append {records.Count} embeddings ({format})" : $"Write {records.Count} embeddings ({format})";
        if (!ShouldProcess(path, action)) return;
        try
        {
            ReportProgress($"Writing {System.IO.Path.GetFileName(path)}", 0, records.Count, force: true);
            EmbeddingFiles.Write(path, records, format, Append, Cancellation);
            CompleteProgress($"Writing {System.IO.Path.GetFileName(path)}");
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ExportAudioEmbedding.Failed", ErrorCategory.WriteError, path));
        }
        WriteVerbose($"{records.Count} rows written to '{path}'" + (format == EmbeddingFileFormat.Npy ? $" and '{NpyEmbeddings.RowsPath(path)}'." : "."));
        WriteObject(new FileInfo(path));
    }
}
