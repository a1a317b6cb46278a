using System.Diagnostics;
using System.Management.Automation;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>
/// Shared plumbing: a cancellation token that Ctrl+C cancels, progress with an ETA, and
/// error records that name the file and the reason.
/// </summary>
public abstract partial class AudioClusterCmdlet : PSCmdlet
{
    readonly CancellationTokenSource cancellation = new();
    readonly Stopwatch clock = new();
    DateTime lastProgress = DateTime.MinValue;

    protected CancellationToken Cancellation => cancellation.Token;

    protected override void BeginProcessing() => clock.Start();

    /// <summary>Starts the ETA clock again, for work that begins only after the input has been collected.</summary>
    protected void RestartProgressClock() => clock.Restart();

    protected override void StopProcessing() => cancellation.Cancel();

    /// <summary>Activity id per cmdlet type, so nested pipelines show separate bars.</summary>
    protected virtual int ProgressId => GetType().Name.GetHashCode() & 0x7fff;

    /// <summary>Writes progress at most a few times a second; total &lt;= 0 means unknown.</summary>
    protected void ReportProgress(string activity, int done, int total, string? current = null, bool force = false)
    {
        var now = DateTime.UtcNow;
        if (!force && (now - lastProgress).TotalMilliseconds < 250) return;
        lastProgress = now;
        var record = new ProgressRecord(ProgressId, activity, total > 0 ? $"{done} of {total}" : $"{done} done");
        if (current != null) record.CurrentOperation = current;
        if (total > 0)
        {
            record.PercentComplete = Math.Clamp((int)(100L * done / total), 0, 100);
            if (done > 0)
            {
                var remaining = clock.Elapsed.TotalSeconds / done * (total - done);
                record.SecondsRemaining = (int)Math.Ceiling(remaining);
            }
        }
        WriteProgress(record);
    }

    protected void CompleteProgress(string activity)
    {
        WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>A non-terminating error about one input (a file, usually); the pipeline goes on.</summary>
    protected void WriteItemError(Exception error, string errorId, ErrorCategory category, object? target)
    {
        WriteError(new ErrorRecord(error, errorId, category, target));
    }

    /// <summary>Stops the cmdlet before any work for a parameter that makes no sense.</summary>
    protected void ThrowParameterError(string message, string parameterName)
    {
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message, parameterName), "InvalidParameter." + parameterName, ErrorCategory.InvalidArgument, parameterName));
    }

    /// <summary>Cancellation by Ctrl+C surfaces as PipelineStoppedException, as PowerShell expects.</summary>
    protected void ThrowIfStopping()
    {
        if (Cancellation.IsCancellationRequested) throw new PipelineStoppedException();
    }
}
