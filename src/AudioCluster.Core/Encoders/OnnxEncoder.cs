using System.Globalization;
using System.Security.Cryptography;
using AudioCluster.Audio;
using AudioCluster.Features;
using AudioCluster.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AudioCluster.Encoders;

/// <summary>
/// Any ONNX audio model as an encoder: feeds it the waveform or a log-mel (<see cref="OnnxEncoderOptions"/>),
/// reads one output and pools it over time. Runs on CUDA when asked and available, else on the CPU, and says
/// which in <see cref="ExecutionProvider"/> and <see cref="DeviceNote"/>. Thread-safe: clips may be encoded in
/// parallel (each call runs on its calling thread with <c>threads</c> intra-op threads).
/// <para>One clip per run: a batch needs one length, and padding would change a model's pooled output.</para>
/// </summary>
public sealed class OnnxEncoder : IAudioEncoder, IDisposable
{
    readonly InferenceSession session;
    readonly RunOptions runOptions = new();
    readonly int inputRank;
    readonly string[] inputNames, outputNames;

    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="options">How to feed the model; null reads the sidecar beside the model, or takes the defaults (16 kHz waveform).</param>
    /// <param name="device">Cpu, Cuda or Auto: Cuda and Auto use the CUDA execution provider when it starts, else the CPU.</param>
    /// <param name="threads">ONNX Runtime intra-op threads for one clip (1 suits callers that encode clips in parallel).</param>
    public OnnxEncoder(string modelPath, OnnxEncoderOptions? options = null, ComputeDevice device = ComputeDevice.Cpu, int threads = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"ONNX model '{modelPath}' not found.", modelPath);
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        ModelPath = Path.GetFullPath(modelPath);
        if (options == null)
        {
            options = OnnxEncoderOptions.FromSidecar(ModelPath, out var sidecar) ?? new OnnxEncoderOptions();
            SidecarPath = sidecar;
        }
        options.Validate();
        Options = options;
        RequestedDevice = device;

        session = CreateSession(ModelPath, device, threads, out var provider, out var note);
        ExecutionProvider = provider;
        DeviceNote = note;
        try
        {
            var input = Pick(session.InputMetadata, options.InputName, "input");
            var output = Pick(session.OutputMetadata, options.OutputName, "output");
            InputName = input.Key; OutputName = output.Key;
            inputNames = [InputName]; outputNames = [OutputName];
            if (input.Value.ElementDataType != TensorElementType.Float)
                throw new NotSupportedException($"Model input '{InputName}' holds {input.Value.ElementDataType}; only float32 inputs are supported.");
            inputRank = input.Value.Dimensions.Length;
            int[] allowed = options.Input == OnnxInputKind.Waveform ? [1, 2, 3] : [2, 3, 4];
            if (!allowed.Contains(inputRank))
                throw new NotSupportedException($"Model input '{InputName}' has rank {inputRank}; a {options.Input} input needs rank " +
                    (options.Input == OnnxInputKind.Waveform ? "1 [samples], 2 [batch, samples] or 3 [batch, 1, samples]." : "2 [mels, frames], 3 [batch, mels, frames] or 4 [batch, 1, mels, frames] (frames first with FramesFirst)."));
            if (options.Input == OnnxInputKind.LogMel)
            {
                int melAxis = options.FramesFirst ? inputRank - 1 : inputRank - 2;
                int declared = input.Value.Dimensions[melAxis];
                if (declared > 0 && declared != options.EffectiveMel.NMels)
                    throw new ArgumentException($"Model input '{InputName}' takes {declared} mel bins, but the settings give {options.EffectiveMel.NMels}.");
            }
            var outDims = output.Value.Dimensions;
            if (outDims.Length is < 1 or > 3)
                throw new NotSupportedException($"Model output '{OutputName}' has rank {outDims.Length}; expected [batch, dims] or [batch, frames, dims].");
            Dimensions = outDims[^1] > 0 ? outDims[^1] : Encode(new float[SampleRate]).Length;
            Id = MakeId();
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public string ModelPath { get; }
    /// <summary>The sidecar the settings came from, or null.</summary>
    public string? SidecarPath { get; }
    public OnnxEncoderOptions Options { get; }
    public ComputeDevice RequestedDevice { get; }
    /// <summary>The execution provider in use: CUDAExecutionProvider or CPUExecutionProvider.</summary>
    public string ExecutionProvider { get; }
    /// <summary>Why CUDA is not used although it was asked for, or null.</summary>
    public string? DeviceNote { get; }
    public string InputName { get; }
    public string OutputName { get; }
    public string Id { get; }
    public int SampleRate => Options.SampleRate;
    public int Dimensions { get; }

    /// <summary>Embeds a mono clip at <see cref="SampleRate"/> (an array, for callers such as PowerShell that cannot pass spans).</summary>
    public float[] Encode(float[] mono) => Encode(mono.AsSpan());

    /// <summary>Embeds a mono clip at <see cref="SampleRate"/>.</summary>
    public float[] Encode(ReadOnlySpan<float> mono)
    {
        var o = Options;
        float[] data;
        long[] shape;
        var wave = o.Int16RoundTrip ? AudioMath.Int16RoundTrip(mono) : null;
        ReadOnlySpan<float> x = wave ?? mono;
        if (o.Input == OnnxInputKind.Waveform)
        {
            if (x.IsEmpty) throw new ArgumentException("The clip is empty.");
            data = x.ToArray();
            o.Normalization?.Apply(data);
            shape = inputRank switch { 1 => [data.Length], 2 => [1, data.Length], _ => [1, 1, data.Length] };
        }
        else
        {
            var mel = LogMel.Compute(x, o.EffectiveMel, "");
            data = mel.Data;
            o.Normalization?.Apply(data);
            long rows = mel.Bins, cols = mel.Frames;
            if (o.FramesFirst) { data = Transpose(data, mel.Bins, mel.Frames); (rows, cols) = (cols, rows); }
            shape = inputRank switch { 2 => [rows, cols], 3 => [1, rows, cols], _ => [1, 1, rows, cols] };
        }

        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var results = session.Run(runOptions, inputNames, [input], outputNames);
        var output = results[0];
        var outShape = output.GetTensorTypeAndShape().Shape;
        var values = output.GetTensorDataAsSpan<float>();
        switch (outShape.Length)
        {
            case 1: return values.ToArray();
            case 2: return values[..(int)outShape[1]].ToArray();
            default:
                int frames = (int)outShape[1], dims = (int)outShape[2];
                return TimePoolingMath.Pool(values[..(frames * dims)], frames, dims, o.Pooling);
        }
    }

    public void Dispose()
    {
        session.Dispose();
        runOptions.Dispose();
    }

    static float[] Transpose(float[] a, int rows, int cols)
    {
        var t = new float[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }

    static KeyValuePair<string, NodeMetadata> Pick(IReadOnlyDictionary<string, NodeMetadata> nodes, string? name, string what)
    {
        if (name == null)
        {
            if (nodes.Count == 0) throw new NotSupportedException($"The model has no {what}.");
            return nodes.First();
        }
        if (nodes.TryGetValue(name, out var meta)) return new(name, meta);
        throw new ArgumentException($"The model has no {what} named '{name}'; its {what}s: {string.Join(", ", nodes.Keys)}.");
    }

    // CUDA when asked and it starts; a missing CUDA library or driver falls back to the CPU with the reason kept.
    static InferenceSession CreateSession(string path, ComputeDevice device, int threads, out string provider, out string? note)
    {
        _ = OnnxEnvironment.Instance; // the quiet process-wide environment must exist before the first session
        note = null;
        if (device != ComputeDevice.Cpu)
        {
            var options = NewOptions(threads);
            try
            {
                options.AppendExecutionProvider_CUDA(0);
                var s = new InferenceSession(path, options);
                provider = "CUDAExecutionProvider";
                return s;
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                note = $"CUDA was asked for but cannot be used ({FirstLine(e.Message)}); running on the CPU.";
            }
            finally
            {
                options.Dispose();
            }
        }
        using var cpu = NewOptions(threads);
        try
        {
            provider = "CPUExecutionProvider";
            return new InferenceSession(path, cpu);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{path}': {FirstLine(e.Message)}", e);
        }
    }

    static SessionOptions NewOptions(int threads) => new()
    {
        IntraOpNumThreads = threads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    static string FirstLine(string s)
    {
        var line = s.Split('\n')[0].Trim();
        var missing = System.Text.RegularExpressions.Regex.Match(line, @"(lib[\w.+-]+\.so[\w.]*): cannot open shared object");
        return missing.Success ? $"{missing.Groups[1].Value} not found" : line;
    }

    string MakeId()
    {
        var ic = CultureInfo.InvariantCulture;
        var o = Options;
        var id = string.Create(ic, $"Onnx/v1 {Path.GetFileName(ModelPath)} sha256={WeightsHash(ModelPath)} out={OutputName} {o.Input.ToString().ToLowerInvariant()} sr={o.SampleRate}");
        if (o.Input == OnnxInputKind.LogMel)
        {
            var m = o.EffectiveMel;
            id += string.Create(ic, $" n_fft={m.NFft} win={m.EffectiveWinLength} hop={m.HopLength} mels={m.NMels} fmin={m.FMin} fmax={m.EffectiveFMax} scale={m.MelScale.ToString().ToLowerInvariant()}");
            if (m.PreEmphasis != 0) id += string.Create(ic, $" preemph={m.PreEmphasis}");
            if (!m.PeriodicWindow) id += " window=symmetric";
            if (m.Power != 2) id += string.Create(ic, $" power={m.Power}");
            if (m.MelNorm != MelNorm.None) id += " norm=slaney";
            if (!m.Center) id += " center=false";
            if (m.Float32Stft) id += " stft=float32";
            id += string.Create(ic, $" log_offset={m.LogOffset:R}");
        }
        if (o.Int16RoundTrip) id += " int16";
        if (o.Normalization != null) id += " " + o.Normalization;
        id += " pool=" + o.Pooling.ToString().ToLowerInvariant();
        return id;
    }

    /// <summary>First 12 hex digits of the file's SHA-256.</summary>
    internal static string WeightsHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }

    /// <summary>The hash <see cref="WeightsHash(string)"/> gives for a file holding these bytes.</summary>
    internal static string WeightsHash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content))[..12];
}
