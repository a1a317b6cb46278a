using System.Management.Automation;
using AudioCluster.Runtime;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reports what this machine offers AudioCluster: libtorch, ONNX Runtime, CUDA, ffmpeg.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AudioClusterEnvironment")]
[OutputType(typeof(EnvironmentReport))]
public sealed class GetAudioClusterEnvironmentCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        WriteVerbose("Loading libtorch and ONNX Runtime from the module folder");
        var report = EnvironmentReport.Collect();
        if (report.TorchError != null) WriteWarning("libtorch: " + report.TorchError);
        if (report.OnnxError != null) WriteWarning("ONNX Runtime: " + report.OnnxError);
        WriteObject(report);
    }
}
