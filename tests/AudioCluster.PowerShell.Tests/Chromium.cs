using System.Diagnostics;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>Headless Chromium (Debian's chromium package), to open pages the way a reader would.</summary>
static class Chromium
{
    /// <summary>The browser: AUDIOCLUSTER_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH; null when none.</summary>
    public static string? Executable { get; } = Find();

    public const string MissingReason = "Chromium is not installed (apt-get install chromium, or scripts/install-prerequisites.sh --for-tests)";

    static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("AUDIOCLUSTER_CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>The page's DOM after its scripts ran (--dump-dom).</summary>
    public static (string Dom, string Log, TimeSpan Elapsed) DumpDom(string url) => Run(url, "--dump-dom");

    /// <summary>Takes a screenshot of the page's first 1400 x 1000 pixels.</summary>
    public static (string Log, TimeSpan Elapsed) Screenshot(string url, string png)
    {
        var (_, log, elapsed) = Run(url, "--screenshot=" + png);
        return (log, elapsed);
    }

    static (string Stdout, string Stderr, TimeSpan Elapsed) Run(string url, string action)
    {
        using var profile = new TempDir();
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--mute-audio", "--hide-scrollbars", "--window-size=1400,1000",
            "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile.Path, action, url,
        })
            start.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Chromium did not finish {action} of {url} in 120 s.");
        }
        process.WaitForExit();
        return (stdout.Result, stderr.Result, clock.Elapsed);
    }

    /// <summary>What the page wrote to its console, and its uncaught errors: Chromium logs both as "CONSOLE" lines.</summary>
    public static IEnumerable<string> ConsoleMessages(string log) =>
        log.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal)).Select(line => line.Trim());

    /// <summary>A file: URL for a local file.</summary>
    public static string Url(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;
}
