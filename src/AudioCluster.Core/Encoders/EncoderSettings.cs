using AudioCluster.Runtime;

namespace AudioCluster.Encoders;

/// <summary>
/// What a user asks of Get-AudioEmbedding, checked as a whole before any work: each rule names the parameter at
/// fault (<see cref="ArgumentException.ParamName"/>) and says what to do instead.
/// </summary>
public sealed record EncoderSettings
{
    public EncoderKind Kind { get; init; } = EncoderKind.MelStats;
    /// <summary>Weights: a .pth state dict (ByolA), a .pt state dict (EfficientAT) or an .onnx model (Onnx).</summary>
    public string? ModelPath { get; init; }
    /// <summary>Null: not given (Cpu).</summary>
    public ComputeDevice? Device { get; init; }
    /// <summary>ONNX output pooling over time; null keeps the sidecar's (or Mean).</summary>
    public TimePooling? Pooling { get; init; }
    public double? NormalizationMean { get; init; }
    public double? NormalizationStd { get; init; }
    /// <summary>Seed of BYOL-A's random weights (without ModelPath); null means 0.</summary>
    public int? Seed { get; init; }

    /// <summary>The statistics given, or null (BYOL-A then computes them from the clips).</summary>
    public NormalizationStats? Normalization =>
        NormalizationMean is double m && NormalizationStd is double s ? new NormalizationStats(m, s) : null;

    /// <summary>True when BYOL-A must see every clip before it can embed any (statistics from the data).</summary>
    public bool NeedsDatasetStatistics => Kind == EncoderKind.ByolA && Normalization == null;

    /// <summary>Throws ArgumentException (ParamName = the parameter at fault) for a combination that cannot work.</summary>
    public void Validate()
    {
        switch (Kind)
        {
            case EncoderKind.MelStats:
                Reject(ModelPath != null, nameof(ModelPath), "-ModelPath is for the ByolA, EfficientAT and Onnx encoders; MelStats needs no weights.");
                Reject(Device is not null and not ComputeDevice.Cpu, nameof(Device), "MelStats runs on the CPU only; -Device is for the ByolA, EfficientAT and Onnx encoders.");
                Reject(Pooling != null, nameof(Pooling), "-Pooling is for the Onnx encoder.");
                Reject(NormalizationMean != null || NormalizationStd != null, nameof(NormalizationMean), "-NormalizationMean and -NormalizationStd are for the ByolA and Onnx encoders.");
                Reject(Seed != null, nameof(Seed), "-Seed is for the ByolA encoder without -ModelPath (random weights); MelStats has no random step.");
                break;
            case EncoderKind.ByolA:
                Reject(Pooling != null, nameof(Pooling), "BYOL-A always pools max + mean over time; -Pooling is for the Onnx encoder.");
                Reject(Seed != null && ModelPath != null, nameof(Seed), "-Seed sets BYOL-A's random weights; it has no effect with -ModelPath. Give one or the other.");
                break;
            case EncoderKind.Onnx:
                Reject(ModelPath == null, nameof(ModelPath), "-Encoder Onnx needs -ModelPath: the .onnx file (its settings in a JSON sidecar beside it, model.onnx.json).");
                Reject(Seed != null, nameof(Seed), "-Seed is for the ByolA encoder without -ModelPath; an ONNX model has fixed weights.");
                break;
            case EncoderKind.EfficientAT:
                Reject(ModelPath == null, nameof(ModelPath), "-Encoder EfficientAT needs -ModelPath: the authors' state dict, such as mn04_as_mAP_432.pt (for the ONNX export use -Encoder Onnx).");
                Reject(ModelPath != null && ModelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase), nameof(ModelPath),
                    "-Encoder EfficientAT takes the PyTorch state dict (.pt); run an .onnx export with -Encoder Onnx.");
                Reject(Pooling != null, nameof(Pooling), "EfficientAT always averages its last feature map over frequency and time; -Pooling is for the Onnx encoder.");
                Reject(NormalizationMean != null || NormalizationStd != null, nameof(NormalizationMean), "EfficientAT normalises its log-mel as trained, (x + 4.5) / 5; -NormalizationMean and -NormalizationStd are for the ByolA and Onnx encoders.");
                Reject(Seed != null, nameof(Seed), "-Seed is for the ByolA encoder without -ModelPath; EfficientAT has fixed weights.");
                break;
            default:
                throw new ArgumentException($"Unknown encoder {Kind}.", nameof(Kind));
        }
        Reject((NormalizationMean == null) != (NormalizationStd == null), NormalizationMean == null ? nameof(NormalizationMean) : nameof(NormalizationStd),
            "Give -NormalizationMean and -NormalizationStd together (or neither).");
        if (NormalizationMean is double mean) Reject(!double.IsFinite(mean), nameof(NormalizationMean), $"-NormalizationMean must be a finite number, got {mean}.");
        if (NormalizationStd is double std) Reject(!(std > 0) || !double.IsFinite(std), nameof(NormalizationStd), $"-NormalizationStd must be positive, got {std}.");
        if (ModelPath != null)
        {
            Reject(Directory.Exists(ModelPath), nameof(ModelPath), $"'{ModelPath}' is a folder; -ModelPath takes the model file.");
            Reject(!File.Exists(ModelPath), nameof(ModelPath), $"Model file '{ModelPath}' not found.");
        }
    }

    static void Reject(bool condition, string parameter, string message)
    {
        if (condition) throw new ArgumentException(message, parameter);
    }

    /// <summary>
    /// These settings with the normalisation kept beside BYOL-A weights (<see cref="ByolaNormalizationFile"/>) filled
    /// in when none was given; <paramref name="source"/> names the file read, or is null. Throws InvalidDataException
    /// for a file that cannot be read or belongs to other weights.
    /// </summary>
    public EncoderSettings WithSavedNormalization(out string? source)
    {
        source = null;
        if (Kind != EncoderKind.ByolA || ModelPath == null || Normalization != null) return this;
        if (ByolaNormalizationFile.Read(ModelPath) is not { } stats) return this;
        source = ByolaNormalizationFile.PathFor(ModelPath);
        return this with { NormalizationMean = stats.Mean, NormalizationStd = stats.Std };
    }

    /// <summary>Builds the encoder (validating first). <paramref name="threads"/>: intra-op threads per clip.</summary>
    public IAudioEncoder Create(int threads = 1)
    {
        Validate();
        var device = Device ?? ComputeDevice.Cpu;
        switch (Kind)
        {
            case EncoderKind.ByolA:
                return new ByolaEncoder(new ByolaEncoderOptions
                {
                    WeightsPath = ModelPath,
                    Seed = Seed ?? 0,
                    Normalization = Normalization,
                    Device = device,
                    Threads = threads,
                });
            case EncoderKind.EfficientAT:
                return new EfficientAtEncoder(new EfficientAtEncoderOptions { WeightsPath = ModelPath!, Device = device, Threads = threads });
            case EncoderKind.Onnx:
                if (Pooling == null && Normalization == null) return new OnnxEncoder(ModelPath!, null, device, threads);
                var options = OnnxEncoderOptions.FromSidecar(ModelPath!, out _) ?? new OnnxEncoderOptions();
                if (Pooling is TimePooling pooling) options = options with { Pooling = pooling };
                if (Normalization is { } stats) options = options with { Normalization = stats };
                return new OnnxEncoder(ModelPath!, options, device, threads);
            default:
                return new MelStatsEncoder();
        }
    }
}
