using System.Globalization;
using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.Encoders;
using AudioCluster.Features;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Runtime;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Computes one embedding vector per clip with the chosen encoder (MelStats by default).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AudioEmbedding", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AudioEmbedding))]
public sealed class GetAudioEmbeddingCommand : ClipTransformCmdlet, IDisposable
{
    /// <summary>The encoder: MelStats (no weights), ByolA (TorchSharp) or Onnx (any ONNX audio model).</summary>
    [Parameter]
    public EncoderKind Encoder { get; set; } = EncoderKind.MelStats;

    /// <summary>Weights: a PyTorch state dict (.pth) for ByolA, the .onnx file for Onnx.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelPath { get; set; }

    /// <summary>Cpu, Cuda or Auto (CUDA when it works, else the CPU).</summary>
    [Parameter]
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    /// <summary>Pooling over time of an ONNX model's [batch, frames, dims] output.</summary>
    [Parameter]
    public TimePooling Pooling { get; set; }

    /// <summary>Mean of the log-mel normalisation (with -NormalizationStd); without both, BYOL-A computes them from the input.</summary>
    [Parameter]
    public double NormalizationMean { get; set; }

    /// <summary>Standard deviation of the log-mel normalisation (with -NormalizationMean).</summary>
    [Parameter]
    public double NormalizationStd { get; set; }

    /// <summary>Seed of BYOL-A's random weights, without -ModelPath.</summary>
    [Parameter]
    public int Seed { get; set; }

    IAudioEncoder encoder = null!;
    EncoderSettings settings = null!;
    // BYOL-A without given statistics: raw log-mels held until every clip is in.
    List<Spectrogram>? pending;

    protected override string Activity => $"Embedding audio ({Encoder})";

    protected override void ValidateParameters()
    {
        var bound = MyInvocation.BoundParameters;
        settings = new EncoderSettings
        {
            Kind = Encoder,
            ModelPath = ModelPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ModelPath),
            Device = bound.ContainsKey(nameof(Device)) ? Device : null,
            Pooling = bound.ContainsKey(nameof(Pooling)) ? Pooling : null,
            NormalizationMean = bound.ContainsKey(nameof(NormalizationMean)) ? NormalizationMean : null,
            NormalizationStd = bound.ContainsKey(nameof(NormalizationStd)) ? NormalizationStd : null,
            Seed = bound.ContainsKey(nameof(Seed)) ? Seed : null,
        };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message.Split(" (Parameter")[0], e.ParamName ?? nameof(Encoder));
        }
        try
        {
            // One libtorch / ONNX Runtime thread per clip: clips already run in parallel, one per core.
            encoder = settings.Create(threads: 1);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException or NotSupportedException
                                   or InvalidOperationException or UnauthorizedAccessException or TypeInitializationException or DllNotFoundException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "GetAudioEmbedding.EncoderFailed", ErrorCategory.InvalidData, ModelPath));
        }
        WriteVerbose($"Encoder: {encoder.Id} ({encoder.Dimensions} dimensions at {encoder.SampleRate} Hz)");
        switch (encoder)
        {
            case OnnxEncoder onnx:
                WriteVerbose($"ONNX Runtime execution provider: {onnx.ExecutionProvider}" + (onnx.SidecarPath != null ? $"; settings from '{onnx.SidecarPath}'" : "; no sidecar, 16 kHz waveform input"));
                if (onnx.DeviceNote != null) WriteVerbose(onnx.DeviceNote);
                break;
            case ByolaEncoder byola:
                WriteVerbose($"BYOL-A runs on {byola.DeviceName}" + (byola.IsRandom ? " with random weights (no -ModelPath)" : ""));
                if (byola.DeviceNote != null) WriteVerbose(byola.DeviceNote);
                if (settings.NeedsDatasetStatistics)
                {
                    pending = new List<Spectrogram>();
                    WriteVerbose("No -NormalizationMean/-NormalizationStd: the normalisation statistics come from all the input clips, so the embeddings are written once every clip is read.");
                }
                break;
        }
    }

    protected override AudioReadOptions ReadOptions => new() { SampleRate = encoder.SampleRate, Mono = true };

    protected override object Transform(AudioClip clip, CancellationToken cancellation)
    {
        var mono = clip.MonoAt(encoder.SampleRate);
        if (encoder is not ByolaEncoder byola)
            return new AudioEmbedding(clip.Source, clip.Label, encoder.Id, encoder.Encode(mono));
        var logMel = ByolaEncoder.LogMel(mono, clip.Source, clip.Label);
        if (pending != null) return logMel;
        var stats = byola.Normalization!;
        return new AudioEmbedding(clip.Source, clip.Label, byola.IdFor(stats), byola.EncodeLogMels([logMel], stats, cancellation)[0]);
    }

    protected override void Emit(object value)
    {
        if (value is Spectrogram logMel && pending != null)
        {
            if (logMel.Frames < ByolaEncoder.MinFrames)
                WriteItemError(new IOException($"'{logMel.Source}': too short for BYOL-A: {logMel.Frames} log-mel frames, at least {ByolaEncoder.MinFrames} needed."),
                               "GetAudioEmbedding.Failed", ErrorCategory.InvalidData, logMel.Source);
            else
                pending.Add(logMel);
            return;
        }
        WriteObject(value);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (pending == null || pending.Count == 0 || encoder is not ByolaEncoder byola) return;
        var stats = ByolaEncoder.Statistics(pending);
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"Normalisation statistics of {pending.Count} clips: mean {stats.Mean:R}, std {stats.Std:R} (give them as -NormalizationMean/-NormalizationStd to embed more clips alike, streaming)."));
        var id = byola.IdFor(stats);
        const int chunk = 256;
        for (int start = 0; start < pending.Count; start += chunk)
        {
            ThrowIfStopping();
            var part = pending.GetRange(start, Math.Min(chunk, pending.Count - start));
            float[][] vectors;
            try
            {
                vectors = byola.EncodeLogMels(part, stats, Cancellation, Environment.ProcessorCount);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            for (int i = 0; i < part.Count; i++) WriteObject(new AudioEmbedding(part[i].Source, part[i].Label, id, vectors[i]));
            ReportProgress(Activity + ": forward passes", start + part.Count, pending.Count, part[^1].Name, force: true);
        }
        CompleteProgress(Activity + ": forward passes");
    }

    public void Dispose() => (encoder as IDisposable)?.Dispose();
}
