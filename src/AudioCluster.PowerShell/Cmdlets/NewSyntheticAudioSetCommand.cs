using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a labelled set of WAV files of clearly different sound classes, for trying the module without downloads.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "SyntheticAudioSet", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class NewSyntheticAudioSetCommand : AudioClusterCmdlet
{
    /// <summary>Folder to write into (created when missing).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateRange(1, 64)]
    public int ClassCount { get; set; } = 5;

    [Parameter]
    [ValidateRange(1, 999)]
    public int PerClass { get; set; } = 20;

    [Parameter]
    public int Seed { get; set; }

    [Parameter]
    [ValidateRange(4000, 384000)]
    public int SampleRate { get; set; } = 16000;

    /// <summary>Length of each clip in seconds.</summary>
    [Parameter]
    [ValidateRange(0.1, 600.0)]
    public double Duration { get; set; } = 1.0;

    protected override void EndProcessing()
    {
        if (ClassCount > SyntheticAudioSet.MaxClassCount)
            ThrowParameterError($"-ClassCount {ClassCount} is more than the {SyntheticAudioSet.MaxClassCount} sound classes available ({string.Join(", ", SyntheticAudioSet.Labels)}).", nameof(ClassCount));
        var folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var total = ClassCount * PerClass;
        if (!ShouldProcess(folder, $"Write {total} WAV files ({ClassCount} classes x {PerClass})")) return;
        const string activity = "Writing synthetic audio";
        var progress = new Progress<int>();
        IReadOnlyList<SyntheticClipInfo> written;
        try
        {
            Directory.CreateDirectory(folder);
            // Generate on a worker thread so this one can report progress as files land.
            var done = 0;
            var task = Task.Run(() => SyntheticAudioSet.Generate(folder, ClassCount, PerClass, Seed, SampleRate, Duration,
                new Progress<int>(count => Interlocked.Exchange(ref done, count)), Cancellation));
            while (!task.Wait(200)) ReportProgress(activity, Volatile.Read(ref done), total);
            written = task.Result;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (AggregateException e) when (e.InnerException is ArgumentException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e.InnerException, "SyntheticSetFailed", ErrorCategory.InvalidArgument, folder));
            return;
        }
        CompleteProgress(activity);
        foreach (var clip in written) WriteObject(new FileInfo(clip.Path));
    }
}
