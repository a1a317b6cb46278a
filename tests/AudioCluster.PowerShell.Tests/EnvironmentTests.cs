using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>The native stacks inside PowerShell: loaded from the module folder, on first use only.</summary>
public sealed class EnvironmentTests : IClassFixture<ModuleHostFixture>
{
    readonly ModuleHost host;

    public EnvironmentTests(ModuleHostFixture fixture) => host = fixture.Host;

    static string ModuleDir => Path.GetDirectoryName(ModuleHost.ModuleManifest)!;

    [Fact]
    public void EnvironmentReportsLibtorchAndOnnxRuntimeFromTheModuleFolder()
    {
        var r = host.Run("Get-AudioClusterEnvironment");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var env = r.Output.Single();
        Assert.True((bool)env.Properties["TorchLoaded"].Value, (string?)env.Properties["TorchError"].Value);
        Assert.StartsWith("2.", (string)env.Properties["TorchVersion"].Value);
        Assert.StartsWith(ModuleDir, (string)env.Properties["TorchLibraryPath"].Value);
        // The forward pass ran in libtorch: a finite, non-zero sum.
        var check = (double?)env.Properties["TorchForwardCheck"].Value;
        Assert.NotNull(check);
        Assert.True(double.IsFinite(check!.Value) && check.Value != 0);
        Assert.True((bool)env.Properties["OnnxRuntimeLoaded"].Value, (string?)env.Properties["OnnxError"].Value);
        Assert.StartsWith(ModuleDir, (string)env.Properties["OnnxRuntimeLibraryPath"].Value);
        Assert.Contains("CPUExecutionProvider", (string[])env.Properties["OnnxExecutionProviders"].Value);
    }

    [SkippableFact]
    public void ImportModuleInPwshLoadsNoNativeLibrary()
    {
        Pwsh.SkipIfUnavailable();
        var r = Pwsh.Run($@"
            $sw = [Diagnostics.Stopwatch]::StartNew()
            Import-Module '{ModuleHost.ModuleManifest}'
            $ms = $sw.ElapsedMilliseconds
            $natives = Get-Content /proc/$PID/maps | Where-Object {{ $_ -match 'libtorch|libonnxruntime|libLibTorchSharp' }}
            ""import-ms=$ms natives=$(@($natives).Count)""");
        Assert.Equal(0, r.Exit);
        Assert.Contains("natives=0", r.Out);
        Console.WriteLine("Import-Module AudioCluster in pwsh: " + r.Out.Trim());
    }

    [SkippableFact]
    public void EnvironmentRunsInRealPwsh()
    {
        Pwsh.SkipIfUnavailable();
        var r = Pwsh.Run($@"
            Import-Module '{ModuleHost.ModuleManifest}'
            $e = Get-AudioClusterEnvironment
            ""torch=$($e.TorchLoaded) forward=$($e.TorchForwardCheck -ne $null) onnx=$($e.OnnxRuntimeLoaded) path=$($e.TorchLibraryPath)""");
        Assert.Equal(0, r.Exit);
        Assert.Contains("torch=True forward=True onnx=True", r.Out);
        Assert.Contains("path=" + ModuleDir, r.Out);
    }

    [SkippableFact]
    public void LibtorchComesFromTheModuleEvenWithAnotherCopyFirstOnTheSearchPath()
    {
        Pwsh.SkipIfUnavailable();
        Skip.IfNot(OperatingSystem.IsLinux(), "the library search path test is Linux-specific");
        // Impostors named like libtorch's libraries, first on LD_LIBRARY_PATH: had the module
        // loaded them, TorchSharp would fail on missing symbols.
        using var temp = new TempDir();
        var impostor = Path.Combine(ModuleDir, "libglibcxx-shim.so");
        Skip.IfNot(File.Exists(impostor), "this host needs no libstdc++ shim, so there is no small library to plant as an impostor");
        foreach (var name in new[] { "libtorch.so", "libc10.so", "libtorch_cpu.so" })
            File.Copy(impostor, Path.Combine(temp.Path, name));
        var r = Pwsh.Run($@"
            Import-Module '{ModuleHost.ModuleManifest}'
            $e = Get-AudioClusterEnvironment
            ""torch=$($e.TorchLoaded) forward=$($e.TorchForwardCheck -ne $null) path=$($e.TorchLibraryPath) error=$($e.TorchError)""",
            new Dictionary<string, string?> { ["LD_LIBRARY_PATH"] = temp.Path });
        Assert.Equal(0, r.Exit);
        Assert.Contains("torch=True forward=True", r.Out);
        Assert.Contains("path=" + ModuleDir, r.Out);
    }
}
