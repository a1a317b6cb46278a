using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.Encoders;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Runtime;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Names what each clip sounds like: its most probable AudioSet classes, by EfficientAT.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AudioTag", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AudioTags))]
public sealed class GetAudioTagCommand : ClipTransformCmdlet, IDisposable
{
    /// <summary>EfficientAT weights: the authors' state dict (.pt) or the ONNX export with a logits output.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string ModelPath { get; set; } = null!;

    /// <summary>The class names, in output order; class_labels_indices.csv beside the model by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LabelsPath { get; set; }

    /// <summary>How many tags per clip.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 5;

    /// <summary>Cpu, Cuda or Auto (CUDA when it works, else the CPU).</summary>
    [Parameter]
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    AudioTagger tagger = null!;

    protected override string Activity => "Tagging audio (EfficientAT)";

    protected override void ValidateParameters()
    {
        var model = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ModelPath);
        var labels = LabelsPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(LabelsPath);
        if (Directory.Exists(model)) ThrowParameterError($"'{model}' is a folder; -ModelPath takes the model file.", nameof(ModelPath));
        if (!File.Exists(model)) ThrowParameterError($"Model file '{model}' not found.", nameof(ModelPath));
        labels ??= AudioTagger.DefaultLabelsPath(model);
        if (!File.Exists(labels))
            ThrowParameterError($"Class labels file '{labels}' not found: give -LabelsPath, or put {ClassLabels.DefaultFileName} beside the model.", nameof(LabelsPath));
        try
        {
            // One thread per clip: clips already run in parallel, one per core.
            tagger = new AudioTagger(model, labels, Device, threads: 1);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException or NotSupportedException
                                   or InvalidOperationException or UnauthorizedAccessException or TypeInitializationException or DllNotFoundException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "GetAudioTag.ModelFailed", ErrorCategory.InvalidData, ModelPath));
        }
        WriteVerbose($"Model: {tagger.Id}; {tagger.Labels.Length} classes from '{tagger.LabelsPath}'; {tagger.DeviceDescription}");
    }

    protected override AudioReadOptions ReadOptions => new() { SampleRate = tagger.SampleRate, Mono = true };

    protected override object Transform(AudioClip clip, CancellationToken cancellation) =>
        new AudioTags(clip.Source, clip.Label, tagger.Id, tagger.Tag(clip.MonoAt(tagger.SampleRate), Count));

    public void Dispose() => tagger?.Dispose();
}
