using TorchSharp;
using static TorchSharp.torch;

namespace AudioCluster.Runtime;

static class TorchProbe
{
    public static EnvironmentReport Probe(EnvironmentReport report)
    {
        try
        {
            NativeStacks.EnsureTorch();
            return report with
            {
                TorchLoaded = true,
                TorchVersion = torch.__version__,
                TorchSharpVersion = NativeStacks.AssemblyVersion(typeof(torch).Assembly),
                TorchLibraryPath = NativeStacks.LoadedPathOf("libtorch_cpu") ?? NativeStacks.TorchFolder,
                TorchThreads = torch.get_num_threads(),
                CudaAvailable = torch.cuda.is_available(),
                CudaDevices = torch.cuda.is_available() ? torch.cuda.device_count() : 0,
                TorchForwardCheck = ForwardCheck(),
            };
        }
        catch (Exception e)
        {
            return report with { TorchError = e.Message };
        }
    }

    /// <summary>A seeded conv + batch norm + linear forward pass; returns the output sum.</summary>
    static double ForwardCheck()
    {
        using var scope = torch.NewDisposeScope();
        TorchSharp.Modules.Conv2d conv;
        TorchSharp.Modules.BatchNorm2d norm;
        TorchSharp.Modules.Linear fc;
        lock (NativeStacks.TorchSeedGate)
        {
            torch.manual_seed(0);
            conv = nn.Conv2d(1, 4, 3, padding: 1);
            norm = nn.BatchNorm2d(4);
            fc = nn.Linear(4 * 8 * 8, 3);
        }
        var x = torch.ones(2, 1, 8, 8);
        var y = fc.forward(nn.functional.relu(norm.forward(conv.forward(x))).flatten(1));
        return y.sum().item<float>();
    }
}
