using System.Text.Json;
using System.Text.Json.Serialization;
using AudioCluster.Features;

namespace AudioCluster.Encoders;

/// <summary>What an ONNX audio model takes: the waveform, or a log-mel spectrogram computed here.</summary>
public enum OnnxInputKind { Waveform, LogMel }

/// <summary>
/// How to feed an ONNX audio model and read its embedding. Declared in code, or in a JSON sidecar beside the
/// model (<c>model.onnx.json</c> or <c>model.json</c>) with the same property names in camelCase, for example
/// <code>
/// { "input": "logMel", "sampleRate": 32000, "inputName": "logmel", "outputName": "embedding",
///   "mel": { "nFft": 1024, "winLength": 800, "hopLength": 320, "nMels": 128, "fMin": 0, "fMax": 16000,
///            "melScale": "kaldi", "periodicWindow": false, "preEmphasis": 0.97, "logOffset": 1e-5 },
///   "normalization": { "mean": -4.5, "std": 5 }, "pooling": "mean" }
/// </code>
/// Mel fields left out take the <see cref="MelSpectrogramOptions"/> defaults (BYOL-A's), except the sample rate,
/// which is always <see cref="SampleRate"/>.
/// </summary>
public sealed record OnnxEncoderOptions
{
    public OnnxInputKind Input { get; init; } = OnnxInputKind.Waveform;
    /// <summary>Sample rate the model expects; clips are resampled to it (torchaudio's resampler).</summary>
    public int SampleRate { get; init; } = 16000;
    /// <summary>Log-mel parameters (LogMel input only); null takes the defaults at <see cref="SampleRate"/>.</summary>
    public MelSpectrogramOptions? Mel { get; init; }
    /// <summary>Log-mel tensor laid out [..., frames, mels] (as AST) instead of [..., mels, frames] (as CNNs).</summary>
    public bool FramesFirst { get; init; }
    /// <summary>Quantise the waveform to int16 and back first, as pipelines that write wav files do.</summary>
    public bool Int16RoundTrip { get; init; }
    /// <summary>(x - mean) / std on the model input (the log-mel, or the waveform); null for none.</summary>
    public NormalizationStats? Normalization { get; init; }
    /// <summary>Model input to feed; null takes the model's first input.</summary>
    public string? InputName { get; init; }
    /// <summary>Model output holding the embedding; null takes the model's first output.</summary>
    public string? OutputName { get; init; }
    /// <summary>Pooling over time when the output is [batch, frames, dims]; an output [batch, dims] is taken as it is.</summary>
    public TimePooling Pooling { get; init; } = TimePooling.Mean;

    /// <summary>The mel options in force: <see cref="Mel"/> (or the defaults) at <see cref="SampleRate"/>.</summary>
    [JsonIgnore]
    public MelSpectrogramOptions EffectiveMel => (Mel ?? new MelSpectrogramOptions()) with { SampleRate = SampleRate };

    /// <summary>
    /// EfficientAT's front end (MobileNetV3 mn* models trained on AudioSet, e.g. mn04_as exported to ONNX with a
    /// [batch, 1, 128, frames] input): 32 kHz, pre-emphasis 0.97, STFT 1024 / window 800 (symmetric Hann) / hop 320,
    /// 128 Kaldi mel bins 0..16 kHz, log(mel + 1e-5), then (x + 4.5) / 5.
    /// </summary>
    public static OnnxEncoderOptions EfficientAt { get; } = new()
    {
        Input = OnnxInputKind.LogMel,
        SampleRate = 32000,
        Mel = new MelSpectrogramOptions
        {
            SampleRate = 32000, NFft = 1024, WinLength = 800, HopLength = 320, NMels = 128, FMin = 0, FMax = 16000,
            MelScale = MelScale.Kaldi, PeriodicWindow = false, PreEmphasis = 0.97f, LogOffset = 1e-5f,
        },
        Normalization = new NormalizationStats(-4.5, 5),
    };

    /// <summary>Throws ArgumentException naming the first bad setting.</summary>
    public void Validate()
    {
        if (SampleRate <= 0) throw new ArgumentException($"SampleRate must be positive, got {SampleRate}.");
        if (Mel != null && Mel.SampleRate != SampleRate && Mel.SampleRate != new MelSpectrogramOptions().SampleRate)
            throw new ArgumentException($"The mel sample rate ({Mel.SampleRate}) differs from the model's ({SampleRate}); give it once, as sampleRate.");
        if (Input == OnnxInputKind.LogMel) EffectiveMel.Validate();
        Normalization?.Validate();
        if (!Enum.IsDefined(Pooling)) throw new ArgumentException($"Unknown pooling {Pooling}.");
    }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = true,
    };

    /// <summary>Reads options from JSON text; unknown property names are errors, so a typo never passes silently.</summary>
    public static OnnxEncoderOptions FromJson(string json)
    {
        OnnxEncoderOptions? o;
        try
        {
            o = JsonSerializer.Deserialize<OnnxEncoderOptions>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Invalid ONNX encoder settings: {e.Message}", e);
        }
        if (o == null) throw new FormatException("Invalid ONNX encoder settings: the JSON is null.");
        o.Validate();
        return o;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Sidecar files looked for beside a model, in order: model.onnx.json, then model.json.</summary>
    public static IEnumerable<string> SidecarCandidates(string modelPath)
    {
        yield return modelPath + ".json";
        yield return Path.ChangeExtension(modelPath, ".json");
    }

    /// <summary>Options from the model's sidecar, or null when it has none.</summary>
    public static OnnxEncoderOptions? FromSidecar(string modelPath, out string? sidecarPath)
    {
        foreach (var candidate in SidecarCandidates(modelPath))
        {
            if (!File.Exists(candidate)) continue;
            sidecarPath = candidate;
            try
            {
                return FromJson(File.ReadAllText(candidate));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new FormatException($"'{candidate}': {e.Message}", e);
            }
        }
        sidecarPath = null;
        return null;
    }
}
