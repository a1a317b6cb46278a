namespace AudioCluster.Tests;

/// <summary>Finds ../shared (datasets, models, reference numbers) beside the repository, if present.</summary>
public static class SharedData
{
    public static string? Root { get; } = Find();

    static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("AUDIOCLUSTER_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AudioCluster.PowerShell.sln")))
            {
                var shared = Path.Combine(dir.FullName, "..", "shared");
                return Directory.Exists(shared) ? Path.GetFullPath(shared) : null;
            }
        }
        return null;
    }

    /// <summary>Path under ../shared, or null when it is absent (callers skip, saying why).</summary>
    public static string? PathTo(string relative)
    {
        if (Root == null) return null;
        var p = Path.Combine(Root, relative);
        return File.Exists(p) || Directory.Exists(p) ? p : null;
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
