using System.Diagnostics;

namespace AudioCluster.PowerShell.Tests;

/// <summary>What a pwsh process printed and how it ended.</summary>
public sealed record PwshResult(int Exit, string Out, string Err)
{
    public override string ToString() => $"pwsh exited with {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Real pwsh processes (the repository's local dotnet tool, PowerShell 7.6), started as a user
/// starts them: -NoProfile -NonInteractive -Command.
/// </summary>
public static class Pwsh
{
    // pwsh.dll of the local tool, found once through 'dotnet pwsh'; started directly afterwards,
    // so that a child whose HOME points elsewhere still finds it (the tool lives in HOME's NuGet cache).
    static readonly Lazy<(string? Dll, string Problem)> Tool = new(FindTool);

    /// <summary>Skips the test where the local tool is not restored.</summary>
    public static void SkipIfUnavailable() => Skip.If(Tool.Value.Dll == null, Tool.Value.Problem);

    /// <summary>
    /// Runs a script. <paramref name="environment"/> sets variables (a null value removes one);
    /// the working directory is the repository root unless given.
    /// </summary>
    public static PwshResult Run(string script, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null) =>
        RunTool(new[] { "-Command", script }, environment, timeout, workingDirectory);

    /// <summary>Runs a script file (relative to the repository root) with its arguments, as 'pwsh -File' does.</summary>
    public static PwshResult RunFile(string path, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunTool(new[] { "-File", path }.Concat(arguments), null, timeout, null);

    static PwshResult RunTool(IEnumerable<string> arguments, IDictionary<string, string?>? environment, TimeSpan? timeout, string? workingDirectory)
    {
        SkipIfUnavailable();
        return Start(new[] { Tool.Value.Dll!, "-NoProfile", "-NonInteractive" }.Concat(arguments), environment, timeout ?? TimeSpan.FromMinutes(2), workingDirectory);
    }

    /// <summary>
    /// Variables that give a pwsh a user home of its own under <paramref name="home"/>: its
    /// CurrentUser module folder, PSResourceGet's repository list, configuration and caches all
    /// land there (Linux and macOS read these from HOME and XDG_*), and no PSModulePath is inherited.
    /// </summary>
    public static Dictionary<string, string?> IsolatedHome(string home)
    {
        var data = Path.Combine(home, ".local", "share");
        var config = Path.Combine(home, ".config");
        var cache = Path.Combine(home, ".cache");
        // .NET reports a special folder that does not exist as "", and PSResourceGet then keeps
        // its repository list in the working directory: create them first.
        foreach (var dir in new[] { data, config, cache }) Directory.CreateDirectory(dir);
        return new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["XDG_DATA_HOME"] = data,
            ["XDG_CONFIG_HOME"] = config,
            ["XDG_CACHE_HOME"] = cache,
            ["PSModulePath"] = null,
            ["POWERSHELL_UPDATECHECK"] = "Off",
            ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
        };
    }

    /// <summary>A PowerShell single-quoted string literal.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

    static (string? Dll, string Problem) FindTool()
    {
        if (!File.Exists(Path.Combine(ModuleHost.RepoRoot, "dotnet-tools.json"))) return (null, "dotnet-tools.json not found");
        var probe = Start(new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", "Join-Path $PSHOME pwsh.dll" }, null, TimeSpan.FromMinutes(2), null);
        var dll = probe.Out.Trim();
        return probe.Exit == 0 && File.Exists(dll)
            ? (dll, "")
            : (null, "PowerShell is not restored as a local tool (run 'dotnet tool restore'): " + probe.Err);
    }

    static PwshResult Start(IEnumerable<string> arguments, IDictionary<string, string?>? environment, TimeSpan timeout, string? workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? ModuleHost.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NO_COLOR"] = "1";   // plain error text in test messages
        if (environment != null)
            foreach (var (name, value) in environment)
                if (value == null) start.Environment.Remove(name);
                else start.Environment[name] = value;
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException($"pwsh did not finish in {timeout.TotalSeconds:0} s"); }
        return new PwshResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
