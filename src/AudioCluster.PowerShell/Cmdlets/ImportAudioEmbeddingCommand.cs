using System.Management.Automation;
using AudioCluster.Encoders;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads embeddings back from a Parquet, CSV or NumPy file written by Export-AudioEmbedding or another tool.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "AudioEmbedding", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AudioEmbedding))]
public sealed class ImportAudioEmbeddingCommand : AudioClusterCmdlet
{
    const string PathSet = "Path";
    const string LiteralPathSet = "LiteralPath";

    /// <summary>Files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Files to read, used exactly as written (FileInfo objects bind here).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The file format; Auto takes it from the extension.</summary>
    [Parameter]
    public EmbeddingFileFormat Format { get; set; }

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        var files = new List<string>();
        foreach (var input in literal ? LiteralPath : Path)
        {
            try
            {
                if (literal) files.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(input));
                else files.AddRange(SessionState.Path.GetResolvedProviderPathFromPSPath(input, out _));
            }
            catch (ItemNotFoundException)
            {
                WriteItemError(new FileNotFoundException($"Cannot find '{input}'.", input), "PathNotFound", ErrorCategory.ObjectNotFound, input);
            }
        }
        foreach (var file in files) Import(file);
    }

    void Import(string file)
    {
        int count = 0;
        try
        {
            var format = EmbeddingFiles.FormatOf(file, Format);
            if (format == EmbeddingFileFormat.Npy && !File.Exists(NpyEmbeddings.RowsPath(file)))
                WriteWarning($"'{file}' has no '{System.IO.Path.GetFileName(NpyEmbeddings.RowsPath(file))}' beside it: the rows are named {System.IO.Path.GetFileName(file)}#0, #1 ... and have no labels.");
            foreach (var record in EmbeddingFiles.Read(file, format, Cancellation))
            {
                ThrowIfStopping();
                var output = PSObject.AsPSObject(new AudioEmbedding(record.Source, record.Label, record.Encoder ?? "", record.Vector));
                if (record.Cluster is { } cluster) output.Properties.Add(new PSNoteProperty("Cluster", cluster));
                WriteObject(output);
                if (++count % 1000 == 0) ReportProgress($"Reading {System.IO.Path.GetFileName(file)}", count, 0);
            }
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            var message = e.Message.Contains(file, StringComparison.Ordinal) ? e.Message : $"'{file}': {e.Message}";
            WriteItemError(new InvalidDataException(message, e), "ImportAudioEmbedding.Failed", ErrorCategory.InvalidData, file);
        }
        CompleteProgress($"Reading {System.IO.Path.GetFileName(file)}");
        WriteVerbose($"{count} embeddings read from '{file}'.");
    }
}
