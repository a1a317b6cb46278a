using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Features;
using AudioCluster.Runtime;
using AudioCluster.Storage;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace AudioCluster.Encoders.Training;

/// <summary>What a checkpoint says about the training it holds (read without loading the networks).</summary>
/// <param name="Options">The settings the training runs with (Epochs, Device and Threads are those of the run that wrote it).</param>
/// <param name="Epoch">Epochs complete.</param>
/// <param name="Steps">Optimiser steps complete.</param>
/// <param name="Clips">Clips trained on.</param>
/// <param name="DataHash">SHA-256 of the clips' log-mels, in order: a resumed run on other data is told so.</param>
/// <param name="NormalizationMean">The log-mel normalisation the encoder is trained with.</param>
/// <param name="NormalizationStd">Its standard deviation.</param>
/// <param name="Dimensions">Embedding width of the encoder.</param>
/// <param name="Losses">Mean loss of every epoch so far.</param>
public sealed record ByolaCheckpointInfo(ByolaTrainingOptions Options, int Epoch, long Steps, int Clips, string DataHash,
                                         double NormalizationMean, double NormalizationStd, int Dimensions, double[] Losses);

/// <summary>
/// BYOL-A self-supervised training of the AudioNTT2020 encoder, as the paper does it: every step takes a batch of
/// random <see cref="ByolaTrainingOptions.CropFrames"/>-frame crops of the clips' log-mels (clips shorter than that
/// are padded with silence, centred), normalises them with the data set's mean and std, makes two views of each
/// (<see cref="ByolaAugmentation"/>), normalises the batch of views, and minimises the BYOL loss with Adam; the
/// target network follows by EMA. Epochs go through the clips in a random order; the last batch may be smaller.
/// <para>
/// Deterministic: the crops, augmentations and dropout of epoch e come from generators seeded by (Seed, e), so
/// the same clips and seed give the same weights (on the CPU, with the same thread count), and a run resumed
/// from a checkpoint ends exactly where an uninterrupted one does.
/// </para>
/// Not thread-safe. Needs libtorch (<see cref="NativeStacks.EnsureTorch"/> is called here).
/// </summary>
public sealed class ByolaTrainer : IDisposable
{
    const string Magic = "AudioCluster BYOL-A training checkpoint";
    const int FormatVersion = 1;
    const int MelBins = LogMelCrops.MelBins;

    readonly IReadOnlyList<Spectrogram> clips;
    readonly LogMelCrops crops;
    readonly MemoryBank bank;
    readonly List<double> losses = new();
    object? learner, optimizer;            // ByolaLearner, Adam: typed object so that this class loads without libtorch
    bool interrupted;

    /// <summary>The settings in force (for a resumed run: the checkpoint's, with this run's Epochs, Device and Threads).</summary>
    public ByolaTrainingOptions Options { get; }
    /// <summary>Log-mel normalisation of the training input: the statistics of the clips (or of the first run's clips).</summary>
    public NormalizationStats Normalization { get; }
    public int CompletedEpochs { get; private set; }
    public long CompletedSteps { get; private set; }
    public int ClipCount => clips.Count;
    /// <summary>Clips per step: the batch size, capped at the number of clips.</summary>
    public int EffectiveBatchSize => Math.Min(Options.BatchSize, clips.Count);
    public int StepsPerEpoch => (clips.Count + EffectiveBatchSize - 1) / EffectiveBatchSize;
    public int Dimensions { get; private set; }
    public string DataHash { get; }
    /// <summary>"cpu" or "cuda".</summary>
    public string DeviceName { get; private set; } = "cpu";
    /// <summary>Why CUDA is not used although it was asked for, or null.</summary>
    public string? DeviceNote { get; private set; }
    /// <summary>For a resumed run on other clips than the checkpoint's: what that changes; else null.</summary>
    public string? ResumeNote { get; private set; }
    /// <summary>Mean loss of every epoch so far (resumed runs included).</summary>
    public IReadOnlyList<double> Losses => losses;

    ByolaTrainer(IReadOnlyList<Spectrogram> logMels, ByolaTrainingOptions options, NormalizationStats? normalization)
    {
        ArgumentNullException.ThrowIfNull(logMels);
        options.Validate();
        LogMelCrops.Check(logMels, nameof(logMels));
        clips = logMels;
        Options = options;
        Normalization = normalization ?? ByolaEncoder.Statistics(logMels);
        crops = new LogMelCrops(logMels, Normalization, options.CropFrames);
        bank = new MemoryBank(options.MemoryBankSize);
        DataHash = HashOf(logMels);
        NativeStacks.EnsureTorch();
    }

    /// <summary>Starts a new training: random weights from the seed (or <see cref="ByolaTrainingOptions.InitialModelPath"/>).</summary>
    /// <param name="logMels">Raw log-mels of the clips (<see cref="ByolaEncoder.LogMel"/>), kept (not copied) for the whole training.</param>
    public static ByolaTrainer Create(IReadOnlyList<Spectrogram> logMels, ByolaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trainer = new ByolaTrainer(logMels, options, null);
        try
        {
            trainer.Build(null);
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>Continues the training saved in a checkpoint, with its settings, until <paramref name="epochs"/> epochs are complete.</summary>
    public static ByolaTrainer Resume(IReadOnlyList<Spectrogram> logMels, string checkpointPath, int epochs, ComputeDevice device = ComputeDevice.Cpu, int? threads = null)
    {
        var header = ReadHeader(checkpointPath);
        var info = header.Info;
        // The width is the encoder's (an initial model may have set it), not the option's.
        var options = info.Options with { Epochs = epochs, Device = device, Threads = threads, InitialModelPath = null, Dimensions = info.Dimensions };
        var trainer = new ByolaTrainer(logMels, options, new NormalizationStats(info.NormalizationMean, info.NormalizationStd));
        try
        {
            trainer.Build(checkpointPath);
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>The checkpoint written beside a model file.</summary>
    public static string CheckpointPathFor(string modelPath) => modelPath + ".checkpoint";

    /// <summary>Reads what a checkpoint holds without loading its networks; InvalidDataException when it is not one.</summary>
    public static ByolaCheckpointInfo ReadCheckpointInfo(string checkpointPath) => ReadHeader(checkpointPath).Info;

    /// <summary>Trains one epoch. Cancellation stops after the current step; the trainer is then unusable (it holds part of an epoch).</summary>
    public ByolaTrainingEpoch TrainEpoch(IProgress<ByolaStepProgress>? progress = null, CancellationToken cancellation = default) =>
        TrainEpochCore(progress, cancellation);

    /// <summary>Writes the online encoder as a PyTorch state dict (what Get-AudioEmbedding -Encoder ByolA -ModelPath and ByolaEncoder load), atomically.</summary>
    public void SaveModel(string path) => SaveModelCore(path);

    /// <summary>
    /// Writes everything a faithful resume needs, atomically: settings, progress, normalisation, the memory bank,
    /// online and target networks with projector and predictor, and Adam's state.
    /// </summary>
    public void SaveCheckpoint(string path) => SaveCheckpointCore(path);

    public void Dispose() => DisposeCore();

    // ---- Everything below touches TorchSharp; kept out of the public entry points so the type loads before libtorch does.

    ByolaLearner Learner => (ByolaLearner)(learner ?? throw new ObjectDisposedException(nameof(ByolaTrainer)));
    optim.Optimizer Optimizer => (optim.Optimizer)(optimizer ?? throw new ObjectDisposedException(nameof(ByolaTrainer)));

    long EpochSeed(int epoch) => (long)Options.Seed * 1_000_003L + epoch;

    [MethodImpl(MethodImplOptions.NoInlining)]
    void Build(string? checkpointPath)
    {
        ByolaLearner net;
        lock (NativeStacks.TorchSeedGate)
        {
            // Seeded as ByolaEncoder does, so the starting encoder equals Get-AudioEmbedding -Encoder ByolA -Seed s.
            torch.manual_seed(Options.Seed);
            var encoder = Options.InitialModelPath != null && checkpointPath == null
                ? ByolaEncoder.Load(Options.InitialModelPath)
                : new AudioNtt2020(MelBins, Options.Dimensions);
            net = new ByolaLearner(encoder, Options.ProjectionHiddenSize, Options.ProjectionSize);
        }
        learner = net;
        Dimensions = net.Encoder.D;
        CheckpointHeader? header = null;
        if (checkpointPath != null)
        {
            using var stream = File.OpenRead(checkpointPath);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            header = ReadHeader(reader, checkpointPath);
            try
            {
                net.load(reader, strict: true);
                Move(net);
                var adam = torch.optim.Adam(net.TrainableParameters(), lr: Options.LearningRate);
                optimizer = adam;
                adam.load_state_dict(reader);
            }
            catch (Exception e) when (e is not IOException)
            {
                throw new InvalidDataException($"'{checkpointPath}': the networks or the optimiser state do not load ({e.Message}).", e);
            }
        }
        else
        {
            Move(net);
            optimizer = torch.optim.Adam(net.TrainableParameters(), lr: Options.LearningRate);
        }
        if (header != null) Restore(header);
    }

    void Move(ByolaLearner net)
    {
        if (Options.Device == ComputeDevice.Cpu) return;
        if (torch.cuda.is_available())
        {
            net.to(DeviceType.CUDA);
            DeviceName = "cuda";
        }
        else
        {
            DeviceNote = "CUDA was asked for but libtorch has no CUDA device here (the module ships the CPU build of libtorch); training on the CPU.";
        }
    }

    void Restore(CheckpointHeader header)
    {
        var info = header.Info;
        CompletedEpochs = info.Epoch;
        CompletedSteps = info.Steps;
        losses.AddRange(info.Losses);
        if (info.DataHash == DataHash && info.Clips == clips.Count)
        {
            for (int i = 0; i < header.BankClips.Length; i++) bank.Add(new CropRef(header.BankClips[i], header.BankStarts[i]));
        }
        else
        {
            ResumeNote = $"The clips differ from those the checkpoint was trained on ({info.Clips} clips then, {clips.Count} now): " +
                         "the mixup memory bank starts empty and the first run's normalisation statistics are kept.";
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    ByolaTrainingEpoch TrainEpochCore(IProgress<ByolaStepProgress>? progress, CancellationToken cancellation)
    {
        if (interrupted) throw new InvalidOperationException("This training was interrupted in the middle of an epoch; resume it from its last checkpoint.");
        var net = Learner;
        var opt = Optimizer;
        int epoch = CompletedEpochs + 1;
        // libtorch keeps a thread count per OS thread (OpenMP), set when a thread first runs an op: set it on the
        // thread that trains, so that a run gives the same sums whichever pool thread it lands on.
        torch.set_num_threads(Options.Threads ?? Environment.ProcessorCount);
        var rng = new SeededRandom(EpochSeed(epoch));
        // Dropout masks from the epoch's own generator: the same run whatever else uses libtorch meanwhile.
        using var dropoutMasks = new torch.Generator((ulong)EpochSeed(epoch), torch.CPU);
        var order = Enumerable.Range(0, clips.Count).ToArray();
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        int batch = EffectiveBatchSize, steps = StepsPerEpoch;
        var device = DeviceName == "cuda" ? torch.CUDA : torch.CPU;
        net.train();
        net.DropoutGenerator = dropoutMasks;
        var clock = Stopwatch.StartNew();
        double sum = 0;
        try
        {
            for (int step = 0; step < steps; step++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    interrupted = true;
                    throw new OperationCanceledException(cancellation);
                }
                using var scope = torch.NewDisposeScope();
                var inputs = order.Skip(step * batch).Take(batch).Select(c => crops.Random(c, rng)).ToArray();
                var x = crops.Batch(inputs, device);
                var (alpha, background) = ByolaAugmentation.DrawMixup(inputs, bank, Options.MixupRatio, rng);
                var views = ByolaAugmentation.Mixup(torch.cat([x, x], 0), crops.Batch(background, device), alpha);
                views = ByolaAugmentation.RandomResizeCrop(views, rng);
                views = ByolaAugmentation.RandomLinearFader(views, Options.FaderGain, rng);
                views = ByolaAugmentation.NormalizeBatch(views);
                var loss = net.forward(views);
                opt.zero_grad();
                loss.backward();
                opt.step();
                net.UpdateTarget(Options.EmaDecay);
                double value = loss.item<float>();
                if (!double.IsFinite(value))
                {
                    interrupted = true;
                    throw new InvalidOperationException($"The loss became {value} at epoch {epoch}, step {step + 1}: lower the learning rate.");
                }
                sum += value;
                progress?.Report(new ByolaStepProgress(epoch, step + 1, steps, value, sum / (step + 1)));
            }
        }
        finally
        {
            net.DropoutGenerator = null;
        }
        CompletedEpochs = epoch;
        CompletedSteps += steps;
        losses.Add(sum / steps);
        return new ByolaTrainingEpoch(epoch, sum / steps, clock.Elapsed.TotalSeconds, steps, CompletedSteps, clips.Count, null,
                                      Normalization.Mean, Normalization.Std);
    }

    void SaveModelCore(string path)
    {
        if (interrupted) throw new InvalidOperationException("This training was interrupted in the middle of an epoch; its weights are not saved.");
        var encoder = Learner.Encoder;
        AtomicFile.Write(path, stream => encoder.save_py(stream, leaveOpen: true));
        ByolaNormalizationFile.Write(path, Normalization);
    }

    void SaveCheckpointCore(string path)
    {
        if (interrupted) throw new InvalidOperationException("This training was interrupted in the middle of an epoch; its state is not saved.");
        var net = Learner;
        var opt = (TorchSharp.Modules.OptimizerHelper)Optimizer;
        var items = bank.ToArray();
        var header = new CheckpointHeader(
            new ByolaCheckpointInfo(Options, CompletedEpochs, CompletedSteps, clips.Count, DataHash, Normalization.Mean, Normalization.Std, Dimensions, losses.ToArray()),
            items.Select(r => r.Clip).ToArray(), items.Select(r => r.Start).ToArray());
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(header));
            net.save(writer);
            opt.save_state_dict(writer);
            writer.Flush();
        });
    }

    void DisposeCore()
    {
        (optimizer as IDisposable)?.Dispose();
        (learner as IDisposable)?.Dispose();
        optimizer = null;
        learner = null;
    }

    // ---- Checkpoint header (plain .NET, readable without libtorch)

    sealed record CheckpointHeader(ByolaCheckpointInfo Info, int[] BankClips, int[] BankStarts);

    static CheckpointHeader ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader, path);
    }

    static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        string magic;
        try
        {
            magic = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            magic = "";
        }
        if (magic != Magic) throw new InvalidDataException($"'{path}' is not a BYOL-A training checkpoint.");
        int version = reader.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException($"'{path}' is a checkpoint of format {version}; this module reads format {FormatVersion}.");
        try
        {
            var header = JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString());
            if (header?.Info?.Options == null || header.BankClips == null || header.BankStarts == null || header.BankClips.Length != header.BankStarts.Length)
                throw new InvalidDataException("incomplete header");
            return header;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}': the checkpoint's header is damaged ({e.Message}).", e);
        }
    }

    static string HashOf(IReadOnlyList<Spectrogram> logMels)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> frames = stackalloc byte[4];
        foreach (var s in logMels)
        {
            BitConverter.TryWriteBytes(frames, s.Frames);
            hash.AppendData(frames);
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.Data.AsSpan()));
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
