using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>What one script run produced, stream by stream.</summary>
public sealed record ScriptResult(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<WarningRecord> Warnings, Exception? Terminating)
{
    /// <summary>
    /// The error that stopped the statement: a cmdlet's ThrowTerminatingError ends only its own
    /// statement inside a script, so it lands in the error stream rather than stopping the run.
    /// </summary>
    public string? StoppingError => Terminating?.Message ?? Errors.FirstOrDefault()?.Exception.Message;
}

/// <summary>A PowerShell runspace with the built module (out/AudioCluster) imported, as a user has it.</summary>
public sealed class ModuleHost : IDisposable
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string ModuleManifest { get; } = Path.Combine(RepoRoot, "out", "AudioCluster", "AudioCluster.psd1");

    readonly Runspace runspace;

    public ModuleHost()
    {
        if (!File.Exists(ModuleManifest))
            throw new InvalidOperationException($"The module is not built: {ModuleManifest} is missing (dotnet build -c Release).");
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(ModuleManifest);
        runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
    }

    public ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        if (variables != null)
            foreach (var (name, value) in variables) runspace.SessionStateProxy.SetVariable(name, value);
        ps.AddScript(script);
        Collection<PSObject> output = new();
        Exception? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            terminating = e;
        }
        return new ScriptResult(output, ps.Streams.Error.ToList(), ps.Streams.Warning.ToList(), terminating);
    }

    /// <summary>
    /// Runs a script and stops it, as Ctrl+C does, once <paramref name="stopWhen"/> holds (polled); the result is
    /// what it produced until it stopped. Fails when it finishes or times out first.
    /// </summary>
    public ScriptResult RunAndStop(string script, Func<bool> stopWhen, TimeSpan timeout, IDictionary<string, object?>? variables = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        if (variables != null)
            foreach (var (name, value) in variables) runspace.SessionStateProxy.SetVariable(name, value);
        ps.AddScript(script);
        var output = new PSDataCollection<PSObject>();
        var pending = ps.BeginInvoke<PSObject, PSObject>(null, output);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!stopWhen())
        {
            if (pending.IsCompleted) throw new InvalidOperationException("The script finished before the stop condition held.");
            if (clock.Elapsed > timeout) { ps.Stop(); throw new TimeoutException($"The stop condition did not hold within {timeout}."); }
            Thread.Sleep(50);
        }
        ps.Stop();
        Exception? terminating = null;
        try
        {
            ps.EndInvoke(pending);
        }
        catch (RuntimeException e)
        {
            terminating = e;
        }
        return new ScriptResult(new Collection<PSObject>(output.ToList()), ps.Streams.Error.ToList(), ps.Streams.Warning.ToList(), terminating);
    }

    public void Dispose() => runspace.Dispose();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AudioCluster.PowerShell.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }
}

/// <summary>One module host for a whole test class (importing costs a little; state is reset per script).</summary>
public sealed class ModuleHostFixture : IDisposable
{
    public ModuleHost Host { get; } = new();
    public void Dispose() => Host.Dispose();
}
