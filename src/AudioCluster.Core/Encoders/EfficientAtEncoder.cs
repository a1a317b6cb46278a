using System.Globalization;
using System.Runtime.CompilerServices;
using AudioCluster.Features;
using AudioCluster.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioCluster.Encoders;

/// <summary>Settings of an <see cref="EfficientAtEncoder"/>.</summary>
public sealed record EfficientAtEncoderOptions
{
    /// <summary>The authors' state dict (e.g. mn04_as_mAP_432.pt), saved with torch.save.</summary>
    public required string WeightsPath { get; init; }
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;
    /// <summary>libtorch intra-op threads (a process-wide setting); null leaves it as it is.</summary>
    public int? Threads { get; init; }
    /// <summary>Most clips of equal length in one forward pass.</summary>
    public int BatchSize { get; init; } = 64;
}

/// <summary>What the network gives for one clip: the pooled features (the embedding) and the tag probabilities.</summary>
public sealed record EfficientAtOutput(float[] Embedding, float[] Probabilities);

/// <summary>
/// EfficientAT (Schmid, Koutini, Widmer 2023): a MobileNetV3 trained on AudioSet by distillation from PaSST, here
/// in TorchSharp with the authors' weights (mn04_as_mAP_432.pt, or another mn width with the MLP head). Front end
/// as the authors': 32 kHz, pre-emphasis 0.97, STFT 1024 / symmetric Hann 800 / hop 320, 128 Kaldi mel bins
/// 0..16 kHz, ln(mel + 1e-5), (x + 4.5) / 5 (<see cref="OnnxEncoderOptions.EfficientAt"/>). The embedding is the
/// mean over frequency and time of the last feature map (384-d for mn04); the classifier head gives the AudioSet
/// logits, whose sigmoid are the tag probabilities. Whole clips, never padded: padding changes the mean.
/// Thread-safe: clips may be encoded in parallel.
/// </summary>
public sealed class EfficientAtEncoder : IAudioEncoder, IDisposable
{
    /// <summary>The log-mel parameters (32 kHz, 128 Kaldi bins, 0..16 kHz).</summary>
    public static MelSpectrogramOptions MelOptions => OnnxEncoderOptions.EfficientAt.EffectiveMel;

    /// <summary>The fixed input normalisation, (x + 4.5) / 5.</summary>
    public static NormalizationStats Normalization => OnnxEncoderOptions.EfficientAt.Normalization!;

    object? network;      // EfficientAtNetwork; typed object so that this class loads without libtorch
    readonly bool cuda;

    public EfficientAtEncoder(EfficientAtEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.WeightsPath);
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        if (options.Threads is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be at least 1.");
        if (!File.Exists(options.WeightsPath)) throw new FileNotFoundException($"EfficientAT weights '{options.WeightsPath}' not found.", options.WeightsPath);
        Options = options;
        WeightsPath = Path.GetFullPath(options.WeightsPath);

        NativeStacks.EnsureTorch();
        (Dimensions, ClassCount, DeviceName, DeviceNote) = Initialise(options, WeightsPath);
        cuda = DeviceName == "cuda";
        var m = MelOptions;
        Id = string.Create(CultureInfo.InvariantCulture,
            $"EfficientAT/v1 {Path.GetFileName(WeightsPath)} sha256={OnnxEncoder.WeightsHash(WeightsPath)} d={Dimensions} sr={m.SampleRate} mels={m.NMels} fmax={m.EffectiveFMax}");
    }

    public EfficientAtEncoderOptions Options { get; }
    public string WeightsPath { get; }
    public string Id { get; }
    public int SampleRate => MelOptions.SampleRate;
    public int Dimensions { get; }
    /// <summary>Number of tag classes (527 AudioSet classes for the published weights).</summary>
    public int ClassCount { get; }
    /// <summary>Where the network runs: "cpu" or "cuda".</summary>
    public string DeviceName { get; }
    /// <summary>Why CUDA is not used although it was asked for, or null.</summary>
    public string? DeviceNote { get; }

    /// <summary>The normalised model input of a 32 kHz mono clip: 128 x frames.</summary>
    public static Spectrogram LogMel(ReadOnlySpan<float> mono32k, string source = "", string? label = null)
    {
        // Pre-emphasis leaves one sample fewer; at least one must remain.
        if (mono32k.Length < 2) throw new ArgumentException($"'{source}': too short for EfficientAT: {mono32k.Length} samples, at least 2 needed.");
        var mel = Features.LogMel.Compute(mono32k, MelOptions, source, label);
        Normalization.Apply(mel.Data);
        return mel;
    }

    /// <summary>Embeds a 32 kHz mono clip (an array, for callers such as PowerShell that cannot pass spans).</summary>
    public float[] Encode(float[] mono) => Encode(mono.AsSpan());

    /// <summary>Embeds a 32 kHz mono clip.</summary>
    public float[] Encode(ReadOnlySpan<float> mono) => Run(mono).Embedding;

    /// <summary>Embedding and tag probabilities of a 32 kHz mono clip.</summary>
    public EfficientAtOutput Run(ReadOnlySpan<float> mono) => Run([LogMel(mono)])[0];

    /// <summary>Embedding and tag probabilities of a 32 kHz mono clip (an array, for PowerShell).</summary>
    public EfficientAtOutput Run(float[] mono) => Run(mono.AsSpan());

    /// <summary>
    /// Runs normalised log-mels (from <see cref="LogMel"/>), in input order. Clips of equal frame count share forward
    /// passes of up to BatchSize (batch items are independent in eval mode, so the results equal one-by-one passes).
    /// </summary>
    /// <param name="logMels">Normalised log-mels from <see cref="LogMel"/>.</param>
    /// <param name="cancellation">Checked between forward passes.</param>
    /// <param name="parallelism">Forward passes run at once, each on its own thread.</param>
    public EfficientAtOutput[] Run(IReadOnlyList<Spectrogram> logMels, CancellationToken cancellation = default, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(logMels);
        foreach (var s in logMels)
            if (s.Bins != MelOptions.NMels) throw new ArgumentException($"'{s.Source}': the log-mel has {s.Bins} bins; EfficientAT takes {MelOptions.NMels}.");
        var result = new EfficientAtOutput[logMels.Count];
        var batches = Enumerable.Range(0, logMels.Count).GroupBy(i => logMels[i].Frames).SelectMany(g => g.Chunk(Options.BatchSize)).ToArray();
        void Pass(int[] chunk)
        {
            int frames = logMels[chunk[0]].Frames, size = MelOptions.NMels * frames;
            var input = new float[chunk.Length * size];
            for (int b = 0; b < chunk.Length; b++) logMels[chunk[b]].Data.CopyTo(input.AsSpan(b * size, size));
            var (embeddings, probabilities) = Forward(input, chunk.Length, frames);
            for (int b = 0; b < chunk.Length; b++)
                result[chunk[b]] = new EfficientAtOutput(embeddings.AsSpan(b * Dimensions, Dimensions).ToArray(),
                                                         probabilities.AsSpan(b * ClassCount, ClassCount).ToArray());
        }
        if (parallelism <= 1 || batches.Length == 1)
        {
            foreach (var chunk in batches)
            {
                cancellation.ThrowIfCancellationRequested();
                Pass(chunk);
            }
        }
        else
        {
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation }, Pass);
        }
        return result;
    }

    public void Dispose()
    {
        if (network is IDisposable net) net.Dispose();
        network = null;
    }

    // Everything below touches TorchSharp; kept out of the constructor so the type loads before libtorch does.

    [MethodImpl(MethodImplOptions.NoInlining)]
    (int d, int classes, string device, string? note) Initialise(EfficientAtEncoderOptions o, string path)
    {
        if (o.Threads is int threads) torch.set_num_threads(threads);
        var net = Load(path);
        net.eval();
        string device = "cpu";
        string? note = null;
        if (o.Device != ComputeDevice.Cpu)
        {
            if (torch.cuda.is_available())
            {
                net.to(DeviceType.CUDA);
                device = "cuda";
            }
            else
            {
                note = "CUDA was asked for but libtorch has no CUDA device here (the module ships the CPU build of libtorch); running on the CPU.";
            }
        }
        net.FoldBatchNorm();   // after the move: the folded weights live where the network runs
        network = net;
        return (net.Dimensions, net.Classes, device, note);
    }

    static EfficientAtNetwork Load(string path)
    {
        var state = TorchStateDict.Read(path);
        try
        {
            EfficientAtNetwork net;
            try
            {
                net = EfficientAtNetwork.FromShapes(state.ToDictionary(p => p.Key, p => p.Value.shape));
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"'{path}' is {e.Message}", e);
            }
            var expected = net.state_dict();
            var missing = expected.Keys.Except(state.Keys).ToList();
            var unexpected = state.Keys.Except(expected.Keys).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
            {
                net.Dispose();
                throw new InvalidDataException($"'{path}' does not fit EfficientAT's MobileNetV3: missing {string.Join(", ", missing.Take(8))}; unexpected {string.Join(", ", unexpected.Take(8))}.");
            }
            foreach (var (key, value) in expected)
            {
                if (!value.shape.SequenceEqual(state[key].shape))
                {
                    net.Dispose();
                    throw new InvalidDataException($"'{path}': {key} has shape [{string.Join(", ", state[key].shape)}], expected [{string.Join(", ", value.shape)}].");
                }
            }
            net.load_state_dict(state, strict: true);
            return net;
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    (float[] Embeddings, float[] Probabilities) Forward(float[] input, int batch, int frames)
    {
        var net = (EfficientAtNetwork)(network ?? throw new ObjectDisposedException(nameof(EfficientAtEncoder)));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.tensor(input, [batch, 1, MelOptions.NMels, frames]);
        if (cuda) x = x.cuda();
        var (logits, features) = net.forward(x);
        return (features.cpu().data<float>().ToArray(), torch.sigmoid(logits).cpu().data<float>().ToArray());
    }
}
