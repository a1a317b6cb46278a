using Microsoft.ML.OnnxRuntime;

namespace AudioCluster.Runtime;

/// <summary>The process-wide ONNX Runtime environment, created once with quiet logging.</summary>
public static class OnnxEnvironment
{
    static readonly Lazy<OrtEnv> Env = new(() =>
    {
        // ONNX Runtime logs a provider that fails to load (no CUDA) as an error on stderr;
        // the module reports that itself, in words, where it matters.
        var options = new EnvironmentCreationOptions { logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, logId = "AudioCluster" };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    });

    public static OrtEnv Instance => Env.Value;
}
