using System.Reflection;
using System.Runtime.InteropServices;

namespace AudioCluster.Runtime;

/// <summary>
/// Loads libtorch and ONNX Runtime on first use, from the folder that holds their managed
/// bindings (the module folder), never from a system-wide copy.
/// </summary>
public static class NativeStacks
{
    static readonly object Gate = new();
    static Exception? torchFailure;
    static bool torchReady;

    // Load order matters: each library's dependencies go first, by absolute path, so the
    // dynamic loader reuses them instead of searching LD_LIBRARY_PATH or /usr/lib.
    static readonly string[] TorchLinuxLibraries =
    {
        "libc10.so", "libtorch_cpu.so", "libtorch.so", "libglibcxx-shim.so", "libLibTorchSharp.so",
    };

    /// <summary>Folder of the TorchSharp assembly, where the native libraries are laid out.</summary>
    public static string TorchFolder => Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory;

    public static string OnnxRuntimeFolder => Path.GetDirectoryName(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.Location) ?? AppContext.BaseDirectory;

    /// <summary>
    /// Held around torch.manual_seed and what draws from libtorch's process-wide generator right after, by every
    /// caller in the module, so that two seeded initialisations at once do not share a sequence.
    /// </summary>
    public static readonly object TorchSeedGate = new();

    /// <summary>Makes libtorch usable; throws a clear error (once remembered) when it cannot load.</summary>
    public static void EnsureTorch()
    {
        lock (Gate)
        {
            if (torchReady) return;
            if (torchFailure != null) throw new InvalidOperationException(torchFailure.Message, torchFailure);
            try
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    foreach (var name in TorchLinuxLibraries)
                    {
                        var path = Path.Combine(TorchFolder, name);
                        if (File.Exists(path)) NativeLibrary.Load(path);
                    }
                }
                InitializeTorch();
                torchReady = true;
            }
            catch (Exception e)
            {
                var inner = e is TypeInitializationException { InnerException: { } ie } ? ie : e;
                torchFailure = new InvalidOperationException(
                    $"libtorch could not be loaded from '{TorchFolder}': {inner.Message}. " +
                    "Run Get-AudioClusterEnvironment for details; on Linux the module needs the libtorch-cpu native files beside TorchSharp.dll.", inner);
                throw torchFailure;
            }
        }
    }

    // Separate method so TorchSharp's static constructor runs only after the preloads above.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void InitializeTorch() => TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);

    /// <summary>Path a native library was actually mapped from (Linux: /proc/self/maps), or null.</summary>
    public static string? LoadedPathOf(string fileNamePrefix)
    {
        if (!File.Exists("/proc/self/maps")) return null;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/');
            if (slash < 0) continue;
            var path = line[slash..];
            if (Path.GetFileName(path).StartsWith(fileNamePrefix, StringComparison.Ordinal)) return path;
        }
        return null;
    }

    public static string AssemblyVersion(Assembly a) =>
        a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? a.GetName().Version?.ToString() ?? "?";
}
