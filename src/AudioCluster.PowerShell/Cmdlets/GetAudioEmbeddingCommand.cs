using System.Globalization;
using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.Encoders;
using AudioCluster.Features;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Runtime;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Computes one embedding vector per clip with the chosen encoder (MelStats by default).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AudioEmbedding", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AudioEmbedding))]
public sealed class GetAudioEmbeddingCommand : ClipTransformCmdlet, IDisposable
{
    /// <summary>The encoder: MelStats (no weights), ByolA or EfficientAT (TorchSharp), or Onnx (any ONNX audio model).</summary>
    [Parameter]
    public EncoderKind Encoder { get; set; } = EncoderKind.MelStats;

    /// <summary>Weights: a PyTorch state dict (.pth / .pt) for ByolA and EfficientAT, the .onnx file for Onnx.</summary>
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

    /// <summary>An SQLite file that keeps the vectors between runs, by audio content and encoder id.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    IAudioEncoder encoder = null!;
    EncoderSettings settings = null!;
    // BYOL-A without given statistics: raw log-mels held until every clip is in.
    List<Held>? pending;
    EmbeddingCache? cache;

    /// <summary>A clip held for BYOL-A's dataset statistics: its raw log-mel, or (found in the cache) only
    /// the sums the statistics need; Key finds its vector in the cache once the statistics are known.</summary>
    sealed record Held(string Source, string? Label, string? Key, Spectrogram? LogMel, ValueMoments Moments, int Frames);

    // Names BYOL-A's raw log-mel in the cache; it does not depend on the weights.
    const string ByolaFrontEnd = "ByolA/v1 raw log-mel mels=64";

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
            settings = settings.WithSavedNormalization(out var savedNormalization);
            if (savedNormalization != null)
                WriteVerbose($"Log-mel normalisation from '{savedNormalization}', as the encoder was trained: {settings.Normalization}.");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "GetAudioEmbedding.NormalizationFileFailed", ErrorCategory.InvalidData, ModelPath));
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
            case EfficientAtEncoder efficientAt:
                WriteVerbose($"EfficientAT runs on {efficientAt.DeviceName}");
                if (efficientAt.DeviceNote != null) WriteVerbose(efficientAt.DeviceNote);
                break;
            case ByolaEncoder byola:
                WriteVerbose($"BYOL-A runs on {byola.DeviceName}" + (byola.IsRandom ? " with random weights (no -ModelPath)" : ""));
                if (byola.DeviceNote != null) WriteVerbose(byola.DeviceNote);
                if (settings.NeedsDatasetStatistics)
                {
                    pending = new List<Held>();
                    WriteVerbose("No -NormalizationMean/-NormalizationStd: the normalisation statistics come from all the input clips, so the embeddings are written once every clip is read.");
                }
                break;
        }
        if (CachePath != null) OpenCache(SessionState.Path.GetUnresolvedProviderPathFromPSPath(CachePath));
    }

    void OpenCache(string path)
    {
        try
        {
            cache = EmbeddingCache.Open(path);
            WriteVerbose($"Embedding cache '{cache.Path}': {cache.Count} vectors stored.");
        }
        catch (EmbeddingCacheException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "GetAudioEmbedding.CacheFailed", ErrorCategory.ResourceUnavailable, path));
        }
        if (pending != null)
            WriteVerbose("Clips seen before add to the dataset statistics from the cache, without decoding.");
    }

    protected override ErrorRecord? StoppingError(Exception error) =>
        error is EmbeddingCacheException ? new ErrorRecord(error, "GetAudioEmbedding.CacheFailed", ErrorCategory.ResourceUnavailable, cache?.Path) : null;

    protected override AudioReadOptions ReadOptions => new() { SampleRate = encoder.SampleRate, Mono = true };

    protected override object Transform(AudioClip clip, CancellationToken cancellation) => Embed(clip, null, cancellation);

    protected override object TransformFile(string path, AudioReadOptions read, CancellationToken cancellation)
    {
        if (cache == null || !File.Exists(path)) return base.TransformFile(path, read, cancellation);
        var key = EmbeddingCache.KeyOfFile(path);
        // A hit needs no decoding at all.
        if (pending == null && cache.TryGet(key, encoder.Id, out var stored))
            return new AudioEmbedding(System.IO.Path.GetFullPath(path), read.Label, encoder.Id, stored);
        if (pending != null && cache.TryGetMoments(key, ByolaFrontEnd, out var moments, out var frames))
            return new Held(System.IO.Path.GetFullPath(path), read.Label, key, null, moments, frames);
        var clip = AudioDecoder.Decode(path, read);
        cancellation.ThrowIfCancellationRequested();
        return Embed(clip, key, cancellation);
    }

    /// <summary>The embedding of one clip (or its log-mel, held for the statistics); with a cache,
    /// clips given as objects are looked up by their samples, and what is computed is stored.</summary>
    object Embed(AudioClip clip, string? fileKey, CancellationToken cancellation)
    {
        var mono = clip.MonoAt(encoder.SampleRate);
        var key = fileKey ?? (cache == null ? null : EmbeddingCache.KeyOfSamples(mono, encoder.SampleRate));
        if (pending != null)
        {
            var logMel = ByolaEncoder.LogMel(mono, clip.Source, clip.Label);
            var moments = NormalizationAccumulator.Moments(logMel.Data);
            if (key != null) cache!.PutMoments(key, ByolaFrontEnd, moments, logMel.Frames);
            return new Held(clip.Source, clip.Label, key, logMel, moments, logMel.Frames);
        }
        if (fileKey == null && key != null && cache!.TryGet(key, encoder.Id, out var stored))
            return new AudioEmbedding(clip.Source, clip.Label, encoder.Id, stored);
        // For BYOL-A with given statistics, encoder.Id is the id with those statistics.
        var vector = encoder is ByolaEncoder byola
            ? byola.EncodeLogMels([ByolaEncoder.LogMel(mono, clip.Source, clip.Label)], byola.Normalization!, cancellation)[0]
            : encoder.Encode(mono);
        if (key != null) cache!.Put(key, encoder.Id, vector);
        return new AudioEmbedding(clip.Source, clip.Label, encoder.Id, vector);
    }

    protected override void Emit(object value)
    {
        if (value is Held held && pending != null)
        {
            if (held.Frames < ByolaEncoder.MinFrames)
                WriteItemError(new IOException($"'{held.Source}': too short for BYOL-A: {held.Frames} log-mel frames, at least {ByolaEncoder.MinFrames} needed."),
                               "GetAudioEmbedding.Failed", ErrorCategory.InvalidData, held.Source);
            else
                pending.Add(held);
            return;
        }
        WriteObject(value);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        try
        {
            EncodePending();
        }
        catch (EmbeddingCacheException e)
        {
            ThrowTerminatingError(StoppingError(e)!);
        }
        if (cache != null)
            WriteVerbose($"Embedding cache '{cache.Path}': {cache.Hits} found, {cache.Misses} computed and stored.");
    }

    void EncodePending()
    {
        if (pending == null || pending.Count == 0 || encoder is not ByolaEncoder byola) return;
        // The sums added in input order: the same statistics, bit for bit, as from the log-mels themselves.
        var sums = new NormalizationAccumulator();
        foreach (var held in pending) sums.Add(held.Moments);
        var stats = sums.Result();
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"Normalisation statistics of {pending.Count} clips: mean {stats.Mean:R}, std {stats.Std:R} (give them as -NormalizationMean/-NormalizationStd to embed more clips alike, streaming)."));
        var id = byola.IdFor(stats);
        const int chunk = 256;
        for (int start = 0; start < pending.Count; start += chunk)
        {
            ThrowIfStopping();
            var part = pending.GetRange(start, Math.Min(chunk, pending.Count - start));
            var vectors = new float[part.Count][];
            var todo = new List<(int Index, Spectrogram LogMel)>();
            for (int i = 0; i < part.Count; i++)
            {
                if (part[i].Key != null && cache!.TryGet(part[i].Key!, id, out var stored)) vectors[i] = stored;
                else if (LogMelOf(part[i]) is { } logMel) todo.Add((i, logMel));
            }
            if (todo.Count > 0)
            {
                float[][] computed;
                try
                {
                    computed = byola.EncodeLogMels(todo.Select(t => t.LogMel).ToList(), stats, Cancellation, Environment.ProcessorCount);
                }
                catch (OperationCanceledException)
                {
                    throw new PipelineStoppedException();
                }
                for (int j = 0; j < todo.Count; j++)
                {
                    vectors[todo[j].Index] = computed[j];
                    if (part[todo[j].Index].Key is { } key) cache!.Put(key, id, computed[j]);
                }
            }
            for (int i = 0; i < part.Count; i++)
                if (vectors[i] != null) WriteObject(new AudioEmbedding(part[i].Source, part[i].Label, id, vectors[i]));
            ReportProgress(Activity + ": forward passes", start + part.Count, pending.Count, System.IO.Path.GetFileName(part[^1].Source), force: true);
        }
        CompleteProgress(Activity + ": forward passes");
    }

    /// <summary>The raw log-mel of a held clip; one whose statistics came from the cache but whose
    /// vector did not (other weights, say) is decoded again. Null, with an error, when that fails.</summary>
    Spectrogram? LogMelOf(Held held)
    {
        if (held.LogMel != null) return held.LogMel;
        try
        {
            var clip = AudioDecoder.Decode(held.Source, ReadOptions with { Label = held.Label });
            return ByolaEncoder.LogMel(clip.MonoAt(encoder.SampleRate), held.Source, held.Label);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            WriteItemError(new IOException(e.Message.Contains(held.Source, StringComparison.Ordinal) ? e.Message : $"'{held.Source}': {e.Message}", e),
                           "GetAudioEmbedding.Failed", ErrorCategory.InvalidData, held.Source);
            return null;
        }
    }

    public void Dispose()
    {
        (encoder as IDisposable)?.Dispose();
        cache?.Dispose();
    }
}
