using System.Diagnostics;
using AudioCluster.Audio;

namespace AudioCluster.Runtime;

/// <summary>What this machine offers the module: native stacks, devices, decoders.</summary>
public sealed record EnvironmentReport
{
    public string ModuleVersion { get; init; } = "";
    public string Runtime { get; init; } = "";
    public bool TorchLoaded { get; init; }
    public string? TorchVersion { get; init; }
    public string? TorchSharpVersion { get; init; }
    public string? TorchLibraryPath { get; init; }
    public int TorchThreads { get; init; }
    public bool CudaAvailable { get; init; }
    public int CudaDevices { get; init; }
    /// <summary>Sum of a small conv+linear forward pass: proof that libtorch computes here.</summary>
    public double? TorchForwardCheck { get; init; }
    public string? TorchError { get; init; }
    public bool OnnxRuntimeLoaded { get; init; }
    public string? OnnxRuntimeVersion { get; init; }
    public string? OnnxRuntimeLibraryPath { get; init; }
    /// <summary>Execution providers a session could actually be created with.</summary>
    public string[] OnnxExecutionProviders { get; init; } = Array.Empty<string>();
    /// <summary>Providers compiled in but unable to start here, each with the reason.</summary>
    public string[] OnnxUnavailableProviders { get; init; } = Array.Empty<string>();
    public string? OnnxError { get; init; }
    public string? FfmpegPath { get; init; }
    public int ProcessorCount { get; init; }

    public static EnvironmentReport Collect()
    {
        var report = new EnvironmentReport
        {
            ModuleVersion = NativeStacks.AssemblyVersion(typeof(EnvironmentReport).Assembly),
            Runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription + " " + System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier,
            FfmpegPath = Ffmpeg.Locate(),
            ProcessorCount = Environment.ProcessorCount,
        };
        report = TorchProbe.Probe(report);
        report = OnnxProbe.Probe(report);
        return report;
    }
}
