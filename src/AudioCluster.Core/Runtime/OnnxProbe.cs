using Microsoft.ML.OnnxRuntime;

namespace AudioCluster.Runtime;

static class OnnxProbe
{
    public static EnvironmentReport Probe(EnvironmentReport report)
    {
        try
        {
            var api = OnnxEnvironment.Instance;
            var providers = new List<string>();
            var unavailable = new List<string>();
            foreach (var provider in api.GetAvailableProviders())
            {
                var why = TryCreate(provider);
                if (why == null) providers.Add(provider);
                else unavailable.Add($"{provider}: {why}");
            }
            return report with
            {
                OnnxRuntimeLoaded = true,
                OnnxRuntimeVersion = api.GetVersionString(),
                OnnxRuntimeLibraryPath = NativeStacks.LoadedPathOf("libonnxruntime.so") ?? NativeStacks.OnnxRuntimeFolder,
                OnnxExecutionProviders = providers.ToArray(),
                OnnxUnavailableProviders = unavailable.ToArray(),
            };
        }
        catch (Exception e)
        {
            return report with { OnnxError = (e.InnerException ?? e).Message };
        }
    }

    // A provider listed as built in may still fail to start (no CUDA driver or libraries):
    // only those that accept session options count. Returns null when usable, else why not.
    static string? TryCreate(string provider)
    {
        try
        {
            using var options = new SessionOptions();
            switch (provider)
            {
                case "CPUExecutionProvider": return null;
                case "CUDAExecutionProvider": options.AppendExecutionProvider_CUDA(0); return null;
                default: return "not probed by this module";
            }
        }
        catch (Exception e)
        {
            var message = e.Message.Split('\n')[0].Trim();
            var missing = System.Text.RegularExpressions.Regex.Match(message, @"(lib[\w.+-]+\.so[\w.]*): cannot open shared object");
            return missing.Success ? $"{missing.Groups[1].Value} not found (CUDA libraries missing)" : message;
        }
    }
}
