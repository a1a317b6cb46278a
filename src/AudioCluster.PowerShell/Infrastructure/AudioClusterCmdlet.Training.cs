using System.Collections.Concurrent;
using System.Management.Automation;
using AudioCluster.DeepClustering;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>Plumbing of the cmdlets that train a model: the output file, the training on a worker, its errors.</summary>
public abstract partial class AudioClusterCmdlet
{
    /// <summary>The provider path of a file the cmdlet will write; stops on a folder, or an existing file without -Force.</summary>
    protected string ResolveOutputFile(string path, bool force, string parameterName)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (Directory.Exists(resolved))
            ThrowParameterError($"-{parameterName} '{resolved}' is a folder; give a file name.", parameterName);
        if (File.Exists(resolved) && !force)
            ThrowParameterError($"'{resolved}' exists; add -Force to overwrite it.", parameterName);
        return resolved;
    }

    /// <summary>
    /// Runs <paramref name="train"/> on a worker; this thread shows its progress (step of total, loss,
    /// time left) and writes its log lines as verbose messages. Exceptions come back unchanged.
    /// </summary>
    protected T RunTraining<T>(string activity, Func<IProgress<TrainingProgress>, Action<string>, T> train)
    {
        var latest = new LatestTraining();
        var lines = new ConcurrentQueue<string>();
        RestartProgressClock();
        var task = Task.Run(() => train(latest, lines.Enqueue));
        // After Ctrl+C the pipeline refuses every write: keep waiting quietly for the worker to stop at its next step.
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(200))
            Show(() =>
            {
                FlushLog(lines);
                if (latest.Value is { } p)
                    ReportProgress(activity, p.Step, p.TotalSteps, p.Loss is double loss ? $"step {p.Step} of {p.TotalSteps}, loss {loss:F4}" : $"step {p.Step} of {p.TotalSteps}");
            });
        Show(() =>
        {
            FlushLog(lines);
            CompleteProgress(activity);
        });
        return task.GetAwaiter().GetResult();
    }

    void Show(Action write)
    {
        if (Cancellation.IsCancellationRequested) return;
        try { write(); }
        catch (PipelineStoppedException) { }   // Ctrl+C arrived during the write
    }

    void FlushLog(ConcurrentQueue<string> lines)
    {
        while (lines.TryDequeue(out var line)) WriteVerbose(line);
    }

    /// <summary>Terminating errors for what the data or the machine cannot support.</summary>
    protected void ThrowTrainingError(Exception e, object? target)
    {
        var (id, category) = e switch
        {
            ArgumentException => ("InvalidTraining", ErrorCategory.InvalidArgument),
            InvalidOperationException => ("TrainingFailed", ErrorCategory.NotInstalled),
            _ => ("TrainingFailed", ErrorCategory.NotSpecified),
        };
        ThrowTerminatingError(new ErrorRecord(e, id, category, target));
    }

    sealed class LatestTraining : IProgress<TrainingProgress>
    {
        TrainingProgress? value;
        public TrainingProgress? Value => Volatile.Read(ref value);
        public void Report(TrainingProgress p) => Volatile.Write(ref value, p);
    }
}
