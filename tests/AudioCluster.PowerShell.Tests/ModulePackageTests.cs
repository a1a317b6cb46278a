using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// The package that scripts/Build-ModulePackage.ps1 makes from the built module, made once for
/// the test class in a scratch folder (a user home of its own and a folder repository) that is
/// deleted, installed copies included, when the class ends.
/// </summary>
public sealed class ModulePackageFixture : IDisposable
{
    readonly TempDir scratch = new();
    readonly Lazy<string> package;

    public ModulePackageFixture() => package = new(Pack);

    /// <summary>The user home that every pwsh of these tests runs with.</summary>
    public string Home => Path.Combine(scratch.Path, "home");

    /// <summary>The folder repository: the package script's output folder.</summary>
    public string Repository => Path.Combine(scratch.Path, "repository");

    public string Scratch => scratch.Path;

    /// <summary>The .nupkg path; packs on first use.</summary>
    public string Package => package.Value;

    public PwshResult Run(string script, TimeSpan timeout, IDictionary<string, string?>? extra = null)
    {
        var environment = Pwsh.IsolatedHome(Home);
        if (extra != null)
            foreach (var (name, value) in extra) environment[name] = value;
        // Working directory inside the scratch folder: anything written relative to it goes away too.
        return Pwsh.Run(script, environment, timeout, Home);
    }

    string Pack()
    {
        var script = Path.Combine(ModuleHost.RepoRoot, "scripts", "Build-ModulePackage.ps1");
        var clock = Stopwatch.StartNew();
        var r = Run($"$ErrorActionPreference = 'Stop'; (& {Pwsh.Quote(script)} -NoBuild -OutputPath {Pwsh.Quote(Repository)}).FullName", TimeSpan.FromMinutes(10));
        Assert.True(r.Exit == 0, r.ToString());
        var path = r.Out.Trim().Split('\n').Last().Trim();
        Assert.True(File.Exists(path), r.ToString());
        Console.WriteLine($"Build-ModulePackage: {new FileInfo(path).Length / 1e6:0} MB in {clock.Elapsed.TotalSeconds:0.0} s");
        return path;
    }

    public void Dispose() => scratch.Dispose();
}

/// <summary>
/// The module as PowerShell users install it: Register-PSResourceRepository on a local folder,
/// Install-PSResource into a fresh user module folder, Import-Module by name in a new pwsh.
/// </summary>
public sealed class ModulePackageTests : IClassFixture<ModulePackageFixture>
{
    const string RepositoryName = "AudioClusterPackageTest";
    readonly ModulePackageFixture fixture;

    public ModulePackageTests(ModulePackageFixture fixture) => this.fixture = fixture;

    static string ModuleDir => Path.GetDirectoryName(ModuleHost.ModuleManifest)!;

    // The platform as the package script names it: the .NET runtime identifier of this machine.
    static string Platform =>
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" +
        RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    static void SkipUnlessHomeCanBeRedirected()
    {
        Pwsh.SkipIfUnavailable();
        // Windows takes the CurrentUser module folder from the shell's Documents folder, not HOME.
        Skip.If(OperatingSystem.IsWindows(), "a fresh CurrentUser module folder is made by redirecting HOME, which Windows does not read");
    }

    [SkippableFact]
    public void PackageHoldsTheModuleLessBuildByProductsAndNamesItsPlatform()
    {
        SkipUnlessHomeCanBeRedirected();
        using var zip = ZipFile.OpenRead(fixture.Package);
        var entries = zip.Entries.ToDictionary(e => e.FullName, e => e.Length);

        var byProducts = new[] { "AudioCluster.PowerShell.xml", "AudioCluster.PowerShell.deps.json" };
        foreach (var file in Directory.EnumerateFiles(ModuleDir, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(ModuleDir, file).Replace('\\', '/');
            if (byProducts.Contains(name)) Assert.False(entries.ContainsKey(name), name + " is a build by-product and should not be packed");
            else if (name == "AudioCluster.psd1") Assert.True(entries.ContainsKey(name));   // marked with the platform
            else
            {
                Assert.True(entries.TryGetValue(name, out var length), name + " is missing from the package");
                Assert.Equal(new FileInfo(file).Length, length);
            }
        }
        Assert.Contains("AudioCluster.Core.pdb", entries.Keys);   // kept for line numbers in reported stack traces

        var nuspec = zip.GetEntry("AudioCluster.nuspec")!;
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal("AudioCluster", Field("id"));
        var tags = Field("tags").Split(' ');
        Assert.Contains(Platform, tags);
        Assert.Contains("PSEdition_Core", tags);
        Assert.Contains("Platform-specific package for " + Platform, Field("releaseNotes"));
        // The module folder's own manifest is unchanged: only the packed copy names the platform.
        Assert.DoesNotContain(Platform, File.ReadAllText(ModuleHost.ModuleManifest));
    }

    [SkippableFact]
    public void InstallPSResourceInstallsIntoAFreshModuleFolderAndTheModuleRunsFromThere()
    {
        SkipUnlessHomeCanBeRedirected();
        _ = fixture.Package;

        // 1. As a user does: register the folder repository, install, unregister. -Repository keeps
        //    PSResourceGet away from the PowerShell Gallery.
        var clock = Stopwatch.StartNew();
        var install = fixture.Run($@"
            $ErrorActionPreference = 'Stop'
            Register-PSResourceRepository -Name {RepositoryName} -Uri {Pwsh.Quote(fixture.Repository)} -Trusted
            try {{
                Install-PSResource AudioCluster -Repository {RepositoryName} -Scope CurrentUser -Quiet
                $installed = Get-InstalledPSResource AudioCluster -Scope CurrentUser
                ""installed=$(Join-Path $installed.InstalledLocation AudioCluster $installed.Version)""
            }}
            finally {{ Unregister-PSResourceRepository -Name {RepositoryName} }}
            ""repositories=$((Get-PSResourceRepository).Name -join ',')""", TimeSpan.FromMinutes(5));
        Assert.True(install.Exit == 0, install.ToString());
        Console.WriteLine($"Install-PSResource: {clock.Elapsed.TotalSeconds:0.0} s");
        var installed = Line(install, "installed=");
        Assert.StartsWith(fixture.Home + Path.DirectorySeparatorChar, installed);
        Assert.True(File.Exists(Path.Combine(installed, "AudioCluster.psd1")), install.ToString());
        Assert.DoesNotContain(RepositoryName, Line(install, "repositories="));

        // 2. A new pwsh that knows only the fresh module folder (and its own, for the built-in
        //    modules): Import-Module by name, then commands that need libtorch and ONNX Runtime.
        var modules = Path.Combine(fixture.Home, ".local", "share", "powershell", "Modules");
        var audio = Path.Combine(fixture.Scratch, "audio");
        var run = fixture.Run($@"
            $ErrorActionPreference = 'Stop'
            $env:PSModulePath = {Pwsh.Quote(modules)} + [IO.Path]::PathSeparator + (Join-Path $PSHOME Modules)
            Import-Module AudioCluster
            ""base=$((Get-Module AudioCluster).ModuleBase)""
            ""notes=$((Get-Module AudioCluster).ReleaseNotes)""
            $e = Get-AudioClusterEnvironment
            ""torch=$($e.TorchLoaded) forward=$($null -ne $e.TorchForwardCheck) onnx=$($e.OnnxRuntimeLoaded) $($e.TorchError) $($e.OnnxError)""
            ""torchpath=$($e.TorchLibraryPath)""
            ""onnxpath=$($e.OnnxRuntimeLibraryPath)""
            $emb = New-SyntheticAudioSet -Path {Pwsh.Quote(audio)} -ClassCount 2 -PerClass 4 -Seed 1 | Get-AudioEmbedding -Encoder ByolA -Seed 0 -LabelPattern '^(?<label>[a-z]+)_'
            $q = $emb | Invoke-AudioClustering -ClusterCount 2 -Seed 0 | Measure-ClusterQuality
            ""embeddings=$(@($emb).Count) encoder=$($emb[0].Encoder)""
            ""clustered=$($q.N) nmi=$($q.NMI)""",
            TimeSpan.FromMinutes(5), new Dictionary<string, string?> { ["PSModulePath"] = modules });
        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(installed, Line(run, "base="));
        Assert.StartsWith("Platform-specific package for " + Platform, Line(run, "notes="), StringComparison.Ordinal);
        Assert.StartsWith("True forward=True onnx=True", Line(run, "torch="), StringComparison.Ordinal);
        Assert.StartsWith(installed, Line(run, "torchpath="));
        Assert.StartsWith(installed, Line(run, "onnxpath="));
        Assert.StartsWith("8 encoder=ByolA/", Line(run, "embeddings="), StringComparison.Ordinal);
        var clustered = Line(run, "clustered=").Split(" nmi=");
        Assert.Equal("8", clustered[0]);
        var nmi = double.Parse(clustered[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(nmi, 0, 1);
    }

    // The value after a "key=" line's key.
    static string Line(PwshResult r, string key)
    {
        var line = r.Out.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        Assert.True(line != null, $"no '{key}' line in: {r}");
        return line![key.Length..];
    }
}
