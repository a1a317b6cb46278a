using System.Globalization;
using System.Runtime.CompilerServices;
using AudioCluster.Audio;
using AudioCluster.Features;
using AudioCluster.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace AudioCluster.Encoders;

/// <summary>Settings of a <see cref="ByolaEncoder"/>.</summary>
public sealed record ByolaEncoderOptions
{
    /// <summary>
    /// A PyTorch state dict of AudioNTT2020 saved with torch.save (the authors' .pth files, or one written by
    /// <see cref="ByolaEncoder.Save"/>); null gives random weights from <see cref="Seed"/>.
    /// </summary>
    public string? WeightsPath { get; init; }
    /// <summary>Seed of the random initialisation (without weights).</summary>
    public int Seed { get; init; }
    /// <summary>Embedding width of a randomly initialised network; with weights the file decides.</summary>
    public int RandomDimensions { get; init; } = 512;
    /// <summary>
    /// Log-mel normalisation statistics. BYOL-A uses the mean and std of the data set being embedded
    /// (<see cref="ByolaEncoder.Statistics"/> computes them); null leaves them to each call.
    /// </summary>
    public NormalizationStats? Normalization { get; init; }
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;
    /// <summary>libtorch intra-op threads (a process-wide setting); null leaves it as it is.</summary>
    public int? Threads { get; init; }
    /// <summary>Most clips of equal length in one forward pass.</summary>
    public int BatchSize { get; init; } = 64;
}

/// <summary>
/// BYOL-A (AudioNTT2020, v1) in TorchSharp: 16 kHz audio, int16 round trip, log-mel (64 HTK bins 60..7800 Hz,
/// n_fft 1024, hop 160, natural log with float32 eps; the <see cref="MelSpectrogramOptions"/> defaults),
/// (x - mean) / std, then the network; whole clips, no crop or pad. Thread-safe: clips may be encoded in parallel.
/// <para>
/// Clips of different lengths are never padded together (padding changes every frame near the end through
/// the convolutions, and the mean over time); batches group clips of equal frame count.
/// </para>
/// </summary>
public sealed class ByolaEncoder : IAudioEncoder, IDisposable
{
    /// <summary>Frames the network needs at least: three 2x2 max-pools leave T / 8 frames to pool over time.</summary>
    public const int MinFrames = 8;

    /// <summary>
    /// BYOL-A's log-mel parameters (n_fft 1024, hop 160, 64 mels, 60..7800 Hz), with the STFT in torch's float32
    /// arithmetic: 8 kHz recordings leave the 4..8 kHz bands nearly empty, where float32 roundoff moves the
    /// embedding by up to 2.5e-3 (the reference's tolerance is 1e-3).
    /// </summary>
    public static MelSpectrogramOptions MelOptions { get; } = new() { WinLength = 1024, Float32Stft = true };

    object? network;      // AudioNtt2020; typed object so that this class loads without libtorch

    public ByolaEncoder(ByolaEncoderOptions? options = null)
    {
        options ??= new ByolaEncoderOptions();
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        if (options.RandomDimensions < 1) throw new ArgumentOutOfRangeException(nameof(options), options.RandomDimensions, "RandomDimensions must be at least 1.");
        if (options.Threads is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be at least 1.");
        options.Normalization?.Validate();
        if (options.WeightsPath != null && !File.Exists(options.WeightsPath))
            throw new FileNotFoundException($"BYOL-A weights '{options.WeightsPath}' not found.", options.WeightsPath);
        Options = options;
        WeightsPath = options.WeightsPath == null ? null : Path.GetFullPath(options.WeightsPath);

        NativeStacks.EnsureTorch();
        var (d, device, note) = Initialise(options, WeightsPath);
        Dimensions = d;
        DeviceName = device;
        DeviceNote = note;
        var source = WeightsPath == null
            ? string.Create(CultureInfo.InvariantCulture, $"random seed={options.Seed}")
            : $"{Path.GetFileName(WeightsPath)} sha256={OnnxEncoder.WeightsHash(WeightsPath)}";
        baseId = string.Create(CultureInfo.InvariantCulture, $"ByolA/v1 {source} d={d} mels={MelOptions.NMels}");
    }

    readonly string baseId;

    public ByolaEncoderOptions Options { get; }
    public string? WeightsPath { get; }
    /// <summary>True when the weights are random (no file given).</summary>
    public bool IsRandom => WeightsPath == null;
    public NormalizationStats? Normalization => Options.Normalization;
    /// <summary>Encoder id with the weights (file and hash, or random seed) and the normalisation.</summary>
    public string Id => IdFor(Normalization);
    public int SampleRate => MelOptions.SampleRate;
    public int Dimensions { get; }
    /// <summary>Where the network runs: "cpu" or "cuda".</summary>
    public string DeviceName { get; }
    /// <summary>Why CUDA is not used although it was asked for, or null.</summary>
    public string? DeviceNote { get; }

    /// <summary>The id of embeddings made with the given statistics.</summary>
    public string IdFor(NormalizationStats? stats) => baseId + (stats == null ? " norm=unset" : " norm " + stats);

    /// <summary>Raw (not normalised) log-mel of a 16 kHz mono clip after the int16 round trip: 64 x frames.</summary>
    public static Spectrogram LogMel(ReadOnlySpan<float> mono16k, string source = "", string? label = null) =>
        Features.LogMel.Compute(AudioMath.Int16RoundTrip(mono16k), MelOptions, source, label);

    /// <summary>Mean and std over every value of the clips' raw log-mels, as BYOL-A computes a data set's statistics.</summary>
    public static NormalizationStats Statistics(IEnumerable<Spectrogram> rawLogMels)
    {
        var acc = new NormalizationAccumulator();
        foreach (var s in rawLogMels) acc.Add(s.Data);
        return acc.Result();
    }

    /// <summary>Embeds a 16 kHz mono clip (an array, for callers such as PowerShell that cannot pass spans).</summary>
    public float[] Encode(float[] mono) => Encode(mono.AsSpan());

    /// <summary>Embeds a 16 kHz mono clip with the statistics given at construction.</summary>
    public float[] Encode(ReadOnlySpan<float> mono)
    {
        var stats = Normalization ?? throw new InvalidOperationException("The BYOL-A encoder has no normalisation statistics: give them in the options, or compute them with Statistics and call EncodeLogMels.");
        return EncodeLogMels([LogMel(mono)], stats)[0];
    }

    /// <summary>
    /// Embeds raw log-mels (from <see cref="LogMel"/>) normalised with <paramref name="stats"/>, in input order.
    /// Clips of equal frame count share forward passes of up to BatchSize; the results equal one-by-one passes.
    /// </summary>
    /// <param name="rawLogMels">Log-mels from <see cref="LogMel"/>.</param>
    /// <param name="stats">The normalisation statistics.</param>
    /// <param name="cancellation">Checked between forward passes.</param>
    /// <param name="parallelism">Forward passes run at once (each on its own thread; with one libtorch thread each, one per core is fastest on the CPU).</param>
    public float[][] EncodeLogMels(IReadOnlyList<Spectrogram> rawLogMels, NormalizationStats stats, CancellationToken cancellation = default, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(rawLogMels);
        ArgumentNullException.ThrowIfNull(stats);
        stats.Validate();
        for (int i = 0; i < rawLogMels.Count; i++)
        {
            var s = rawLogMels[i];
            if (s.Bins != MelOptions.NMels) throw new ArgumentException($"'{s.Source}': the log-mel has {s.Bins} bins; BYOL-A takes {MelOptions.NMels}.");
            if (s.Frames < MinFrames)
                throw new ArgumentException($"'{s.Source}': too short for BYOL-A: {s.Frames} log-mel frames, at least {MinFrames} needed ({(MinFrames - 1) * MelOptions.HopLength} samples at {SampleRate} Hz).");
        }
        var net = (AudioNtt2020)(network ?? throw new ObjectDisposedException(nameof(ByolaEncoder)));
        return Embed(net, DeviceName, rawLogMels, stats, Options.BatchSize, cancellation, parallelism);
    }

    /// <summary>
    /// Embeddings of whole raw log-mels by <paramref name="net"/> (in eval mode) as <see cref="EncodeLogMels"/> computes
    /// them: normalised with <paramref name="stats"/>, clips of equal frame count batched together. Training uses it
    /// to cluster with the encoder it is fitting, so its features equal Get-AudioEmbedding's for the saved weights.
    /// </summary>
    internal static float[][] Embed(AudioNtt2020 net, string deviceName, IReadOnlyList<Spectrogram> rawLogMels, NormalizationStats stats,
        int batchSize, CancellationToken cancellation = default, int parallelism = 1)
    {
        var result = new float[rawLogMels.Count][];
        var batches = Enumerable.Range(0, rawLogMels.Count).GroupBy(i => rawLogMels[i].Frames)
            .SelectMany(group => group.Chunk(batchSize)).ToArray();
        void Run(int[] chunk)
        {
            int frames = rawLogMels[chunk[0]].Frames, size = MelOptions.NMels * frames;
            var input = new float[chunk.Length * size];
            for (int b = 0; b < chunk.Length; b++)
            {
                var dst = input.AsSpan(b * size, size);
                rawLogMels[chunk[b]].Data.CopyTo(dst);
                stats.Apply(dst);
            }
            var output = Forward(net, deviceName, input, chunk.Length, frames);
            for (int b = 0; b < chunk.Length; b++) result[chunk[b]] = output.AsSpan(b * net.D, net.D).ToArray();
        }
        if (parallelism <= 1 || batches.Length == 1)
        {
            foreach (var chunk in batches)
            {
                cancellation.ThrowIfCancellationRequested();
                Run(chunk);
            }
        }
        else
        {
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation }, Run);
        }
        return result;
    }

    /// <summary>Writes the weights as a PyTorch state dict (loadable here and by torch.load / load_state_dict).</summary>
    public void Save(string path) => SaveCore(path);

    public void Dispose() => DisposeCore();

    // Everything below touches TorchSharp; kept out of the constructor so the type loads before libtorch does.

    [MethodImpl(MethodImplOptions.NoInlining)]
    (int d, string device, string? note) Initialise(ByolaEncoderOptions o, string? weightsPath)
    {
        if (o.Threads is int threads) torch.set_num_threads(threads);
        AudioNtt2020 net;
        if (weightsPath == null)
        {
            // manual_seed is process-wide; the lock keeps two encoders built at once from sharing a sequence.
            lock (NativeStacks.TorchSeedGate)
            {
                torch.manual_seed(o.Seed);
                net = new AudioNtt2020(MelOptions.NMels, o.RandomDimensions);
            }
        }
        else
        {
            net = Load(weightsPath);
        }
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
        network = net;
        return (net.D, device, note);
    }


    internal static AudioNtt2020 Load(string path)
    {
        var state = TorchStateDict.Read(path);
        try
        {
            if (!state.TryGetValue("fc.0.weight", out var fc0) || fc0.dim() != 2 || !state.TryGetValue("fc.3.weight", out var fc3))
                throw new InvalidDataException($"'{path}' is not an AudioNTT2020 state dict: it has no fc.0.weight / fc.3.weight (keys: {string.Join(", ", state.Keys.Take(8))}...).");
            int d = (int)fc0.shape[0];
            int nMels = (int)(fc0.shape[1] / 64 * 8);
            if (nMels != MelOptions.NMels)
                throw new InvalidDataException($"'{path}' is for {nMels} mel bins; this encoder computes {MelOptions.NMels}.");
            var net = new AudioNtt2020(nMels, d);
            var expected = net.state_dict().Keys.ToHashSet();
            var missing = expected.Except(state.Keys).ToList();
            var unexpected = state.Keys.Except(expected).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new InvalidDataException($"'{path}' does not fit AudioNTT2020(n_mels={nMels}, d={d}): missing {string.Join(", ", missing)}; unexpected {string.Join(", ", unexpected)}.");
            foreach (var (key, value) in net.state_dict())
                if (!value.shape.SequenceEqual(state[key].shape))
                    throw new InvalidDataException($"'{path}': {key} has shape [{string.Join(", ", state[key].shape)}], expected [{string.Join(", ", value.shape)}].");
            net.load_state_dict(state, strict: true);
            return net;
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    static float[] Forward(AudioNtt2020 net, string deviceName, float[] input, int batch, int frames)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.tensor(input, [batch, 1, MelOptions.NMels, frames]);
        if (deviceName == "cuda") x = x.cuda();
        var y = net.forward(x);
        return y.cpu().data<float>().ToArray();
    }

    void SaveCore(string path)
    {
        var net = (AudioNtt2020)(network ?? throw new ObjectDisposedException(nameof(ByolaEncoder)));
        var temp = path + ".tmp";
        net.save_py(temp);
        File.Move(temp, path, overwrite: true);
    }

    void DisposeCore()
    {
        if (network is AudioNtt2020 net) net.Dispose();
        network = null;
    }
}
