using System.Text.Json;
using AudioCluster.Tests;
using Xunit.Abstractions;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// BYOL-A and ONNX encoders against the PyTorch references in ../shared. They need libtorch and ONNX Runtime,
/// which live only in the built module folder, so they run here, through the imported module, rather than in
/// the Core tests (which check the same front ends without the networks).
/// </summary>
public sealed class NeuralEncoderTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly ITestOutputHelper output;
    readonly TempDir temp = new();

    public NeuralEncoderTests(ModuleHostFixture fixture, ITestOutputHelper output)
    {
        host = fixture.Host;
        this.output = output;
    }

    public void Dispose() => temp.Dispose();

    static string Need(string relative)
    {
        var path = SharedData.PathTo(relative);
        Skip.If(path == null, $"../shared/{relative} is not present on this machine");
        return path!;
    }

    static JsonElement Json(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    static float[] Vector(System.Management.Automation.PSObject o) => (float[])o.Properties["Vector"].Value;

    ScriptResult Run(string script, params (string, object?)[] vars)
    {
        var r = host.Run(script, vars.ToDictionary(p => p.Item1, p => p.Item2));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r;
    }

    [SkippableFact]
    public void ByolaMatchesThePyTorchReference()
    {
        var reference = Json(Need("reference/byola-d512-fsdd50.json"));
        var weights = Need("models/byol-a/AudioNTT2020-BYOLA-64x96d512.pth");
        var recordings = Need("datasets/fsdd/recordings");
        var norm = reference.GetProperty("header").GetProperty("preprocessing").GetProperty("dataset_normalisation");
        var files = reference.GetProperty("files").EnumerateArray().ToList();
        var paths = files.Select(f => Path.Combine(recordings, f.GetProperty("name").GetString()!)).ToArray();
        var r = Run("Get-AudioEmbedding -LiteralPath $paths -Encoder ByolA -ModelPath $weights -NormalizationMean $m -NormalizationStd $s",
            ("paths", paths), ("weights", weights), ("m", norm.GetProperty("mean").GetDouble()), ("s", norm.GetProperty("std").GetDouble()));
        Assert.Equal(50, r.Output.Count);
        double worstCos = 1, worstAbs = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var expected = Doubles(files[i].GetProperty("embedding"));
            var got = Vector(r.Output[i]);
            Assert.Equal(512, got.Length);
            double dot = 0, ne = 0, ng = 0, abs = 0;
            for (int k = 0; k < expected.Length; k++)
            {
                dot += expected[k] * got[k]; ne += expected[k] * expected[k]; ng += (double)got[k] * got[k];
                abs = Math.Max(abs, Math.Abs(expected[k] - got[k]));
            }
            worstCos = Math.Min(worstCos, dot / Math.Sqrt(ne * ng));
            worstAbs = Math.Max(worstAbs, abs);
        }
        var encoderId = (string)r.Output[0].Properties["Encoder"].Value;
        output.WriteLine($"BYOL-A d512, 50 FSDD clips: min cosine {worstCos:F8}, max |diff| {worstAbs:E3} ({encoderId})");
        Assert.Contains("sha256=6cc642263184", encoderId);
        Assert.True(worstCos >= 0.9999, $"min cosine {worstCos}");
        Assert.True(worstAbs <= 1e-3, $"max |diff| {worstAbs}");
    }

    [SkippableFact]
    public void ByolaStatisticsFromTheInputEqualTheSameStatisticsGiven()
    {
        var recordings = Need("datasets/fsdd/recordings");
        var paths = Directory.GetFiles(recordings, "3_theo_*.wav").Order(StringComparer.Ordinal).Take(6).ToArray();
        // Random weights (seeded) are enough to check the plumbing; the pretrained file is not needed.
        var r = Run(@"
            $auto = Get-AudioEmbedding -LiteralPath $paths -Encoder ByolA -Seed 7
            $mels = foreach ($p in $paths) { [AudioCluster.Encoders.ByolaEncoder]::LogMel((Import-Audio -LiteralPath $p -SampleRate 16000).Samples, $p, $null) }
            $stats = [AudioCluster.Encoders.ByolaEncoder]::Statistics([AudioCluster.Features.Spectrogram[]]$mels)
            $given = Get-AudioEmbedding -LiteralPath $paths -Encoder ByolA -Seed 7 -NormalizationMean $stats.Mean -NormalizationStd $stats.Std
            $other = Get-AudioEmbedding -LiteralPath $paths -Encoder ByolA -Seed 8 -NormalizationMean $stats.Mean -NormalizationStd $stats.Std
            $auto; $given; $other", ("paths", paths));
        Assert.Equal(18, r.Output.Count);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal((string)r.Output[i].Properties["Source"].Value, (string)r.Output[6 + i].Properties["Source"].Value);
            // Equal up to float32 roundoff: a batch of equal lengths may take another convolution algorithm.
            var (auto, given) = (Vector(r.Output[i]), Vector(r.Output[6 + i]));
            Assert.True(auto.Zip(given).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5 * (1 + given.Max(Math.Abs)));
            Assert.NotEqual(Vector(r.Output[i]), Vector(r.Output[12 + i]));
        }
        Assert.Equal((string)r.Output[0].Properties["Encoder"].Value, (string)r.Output[6].Properties["Encoder"].Value);
        Assert.Contains("random seed=7", (string)r.Output[0].Properties["Encoder"].Value);
    }

    [SkippableFact]
    public void ByolaBatchesOfEqualLengthsGiveTheSameVectorsAsOneByOne()
    {
        var recordings = Need("datasets/fsdd/recordings");
        var paths = Directory.GetFiles(recordings, "5_*_1*.wav").Order(StringComparer.Ordinal).Take(12).ToArray();
        var r = Run(@"
            $enc = [AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ Seed = 1; Normalization = [AudioCluster.Encoders.NormalizationStats]::new(-4.8, 5.2) })
            try {
                # Each clip twice, cropped to a common length, so that batches of equal frame counts form.
                $mels = foreach ($p in $paths) {
                    $x = (Import-Audio -LiteralPath $p -SampleRate 16000).Samples
                    [AudioCluster.Encoders.ByolaEncoder]::LogMel($x, $p, $null)
                    [AudioCluster.Encoders.ByolaEncoder]::LogMel([float[]]$x[0..3999], $p, $null)
                }
                $mels = [AudioCluster.Features.Spectrogram[]]$mels
                ,$enc.EncodeLogMels($mels, $enc.Normalization, [System.Threading.CancellationToken]::None, 2)
                foreach ($m in $mels) { ,$enc.EncodeLogMels([AudioCluster.Features.Spectrogram[]]@($m), $enc.Normalization, [System.Threading.CancellationToken]::None, 1)[0] }
            } finally { $enc.Dispose() }", ("paths", paths));
        var batched = (float[][])r.Output[0].BaseObject;
        Assert.Equal(24, batched.Length);
        for (int i = 0; i < batched.Length; i++)
        {
            var single = (float[])r.Output[1 + i].BaseObject;
            double worst = batched[i].Zip(single).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst <= 1e-4 * (1 + single.Max(Math.Abs)), $"clip {i}: {worst}");
        }
    }

    [Fact]
    public void ByolaSavesWeightsThatLoadBackAndRejectsTooShortClips()
    {
        // A seeded random network saved as a PyTorch state dict, then loaded with -ModelPath: same vectors.
        var weights = Path.Combine(temp.Path, "random.pth");
        var wav = Path.Combine(temp.Path, "tone.wav");
        WritePcm16(wav, Enumerable.Range(0, 8000).Select(i => (float)Math.Sin(i * 0.3) * 0.2f).ToArray(), 16000);
        var r = Run(@"
            $enc = [AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ Seed = 5 })
            try { $enc.Save($weights) } finally { $enc.Dispose() }
            Get-AudioEmbedding -LiteralPath $wav -Encoder ByolA -Seed 5 -NormalizationMean -5 -NormalizationStd 5
            Get-AudioEmbedding -LiteralPath $wav -Encoder ByolA -ModelPath $weights -NormalizationMean -5 -NormalizationStd 5",
            ("weights", weights), ("wav", wav));
        Assert.Equal(2, r.Output.Count);
        Assert.Equal(512, Vector(r.Output[0]).Length);
        Assert.Equal(Vector(r.Output[0]), Vector(r.Output[1]));
        Assert.Contains("random.pth sha256=", (string)r.Output[1].Properties["Encoder"].Value);

        WritePcm16(wav, new float[800], 16000);
        var tooShort = host.Run(@"
            Get-AudioEmbedding -LiteralPath $wav -Encoder ByolA -NormalizationMean -5 -NormalizationStd 5
            Get-AudioEmbedding -LiteralPath $wav -Encoder ByolA", new Dictionary<string, object?> { ["wav"] = wav });
        Assert.Empty(tooShort.Output);
        Assert.Equal(2, tooShort.Errors.Count);
        Assert.All(tooShort.Errors, e => Assert.Contains("too short for BYOL-A", e.Exception.Message));
    }

    static void WritePcm16(string path, float[] x, int rate)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8); w.Write(36 + 2 * x.Length); w.Write("WAVEfmt "u8);
        w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(2 * rate); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(2 * x.Length);
        foreach (var v in x) w.Write((short)Math.Round(v * 32767));
    }

    [SkippableFact]
    public void OnnxEfficientAtMatchesThePyTorchReference()
    {
        var reference = Json(Need("reference/efficientat-mn04-fsdd.json"));
        var model = Need("models/efficientat/mn04_as_embed.onnx");
        var recordings = Need("datasets/fsdd/recordings");
        // The sidecar beside the model declares its front end; the model is linked into a scratch folder.
        var local = Path.Combine(temp.Path, "mn04_as_embed.onnx");
        File.CreateSymbolicLink(local, model);
        var r0 = Run("[AudioCluster.Encoders.OnnxEncoderOptions]::EfficientAt.ToJson()");
        File.WriteAllText(local + ".json", (string)r0.Output.Single().BaseObject);
        var files = reference.GetProperty("files").EnumerateArray().ToList();
        var paths = files.Select(f => Path.Combine(recordings, f.GetProperty("name").GetString()!)).ToArray();
        var r = Run("Get-AudioEmbedding -LiteralPath $paths -Encoder Onnx -ModelPath $model", ("paths", paths), ("model", local));
        Assert.Equal(30, r.Output.Count);
        double worst = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var expected = Doubles(files[i].GetProperty("embedding"));
            var got = Vector(r.Output[i]);
            Assert.Equal(384, got.Length);
            double num = 0, den = 0;
            for (int k = 0; k < expected.Length; k++) { num += (got[k] - expected[k]) * (got[k] - expected[k]); den += expected[k] * expected[k]; }
            worst = Math.Max(worst, Math.Sqrt(num / den));
        }
        output.WriteLine($"EfficientAT mn04 (ONNX), 30 FSDD clips: max relative L2 {worst:E2}; {(string)r.Output[0].Properties["Encoder"].Value}");
        Assert.True(worst <= 1e-4, $"max relative L2 {worst}");

        // The other output, by name: AudioSet logits, whose sigmoid gives the reference's top-5 tags.
        var json = ((string)r0.Output.Single().BaseObject).Replace("\"outputName\": null", "\"outputName\": \"logits\"");
        var t = Run(@"
            $o = [AudioCluster.Encoders.OnnxEncoderOptions]::FromJson($json)
            $enc = [AudioCluster.Encoders.OnnxEncoder]::new($model, $o, 'Cpu', 1)
            try { foreach ($p in $paths) { ,$enc.Encode((Import-Audio -LiteralPath $p -SampleRate 32000).Samples) } } finally { $enc.Dispose() }",
            ("json", json), ("model", local), ("paths", paths.Take(5).ToArray()));
        double worstProbability = 0;
        for (int i = 0; i < 5; i++)
        {
            var logits = (float[])t.Output[i].BaseObject;
            Assert.Equal(527, logits.Length);
            var probabilities = logits.Select(l => 1 / (1 + Math.Exp(-l))).ToArray();
            var top5 = Enumerable.Range(0, 527).OrderByDescending(k => probabilities[k]).Take(5).ToArray();
            Assert.Equal(files[i].GetProperty("top5_class_index").EnumerateArray().Select(e => e.GetInt32()), top5);
            var expected = Doubles(files[i].GetProperty("top5_probability"));
            for (int k = 0; k < 5; k++) worstProbability = Math.Max(worstProbability, Math.Abs(expected[k] - probabilities[top5[k]]));
        }
        Assert.True(worstProbability <= 1e-4, $"probabilities differ by {worstProbability}");
    }

    [SkippableFact]
    public void OnnxWaveformModelMatchesItsReferenceAndFallsBackToTheCpu()
    {
        var folder = "models/wav2vec2-tiny";
        var model = Need(folder + "/wav2vec2-tiny-random.onnx");
        var reference = Json(Need(folder + "/wav2vec2-tiny-random.reference.json"));
        var input = reference.GetProperty("input").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        var expected = Doubles(reference.GetProperty("output_mean_over_frames"));
        // Auto asks for CUDA: where it cannot start (no GPU, no CUDA libraries) the CPU runs it, with the reason kept.
        var r = Run(@"
            $enc = [AudioCluster.Encoders.OnnxEncoder]::new($model, $null, 'Auto', 1)
            try { ,$enc.Encode($x); $enc.ExecutionProvider; $enc.DeviceNote; $enc.Dimensions } finally { $enc.Dispose() }",
            ("model", model), ("x", input));
        var got = (float[])r.Output[0].BaseObject;
        Assert.Equal(96, got.Length);
        Assert.Equal(96, (int)r.Output[3].BaseObject);
        var provider = (string)r.Output[1].BaseObject;
        Assert.True(provider == "CPUExecutionProvider" ? r.Output[2] != null : provider == "CUDAExecutionProvider", provider);
        double worst = expected.Zip(got).Max(p => Math.Abs(p.First - p.Second) / (1e-3 + Math.Abs(p.First)));
        output.WriteLine($"wav2vec2-tiny (ONNX, {provider}): max relative diff {worst:E2}");
        Assert.True(worst <= 1e-4, $"{worst}");
    }

    [Theory]
    [InlineData("-Encoder Onnx", "needs -ModelPath")]
    [InlineData("-Encoder ByolA -Pooling Max", "-Pooling is for the Onnx encoder")]
    [InlineData("-Encoder ByolA -NormalizationMean 1", "together")]
    [InlineData("-Encoder ByolA -NormalizationMean 1 -NormalizationStd 0", "positive")]
    [InlineData("-ModelPath $missing", "MelStats needs no weights")]
    [InlineData("-Encoder ByolA -ModelPath $missing", "not found")]
    [InlineData("-Encoder ByolA -ModelPath $missing -Seed 1", "-Seed")]
    [InlineData("-Encoder Onnx -ModelPath $missing -Seed 1", "-Seed")]
    [InlineData("-Device Cuda", "CPU only")]
    public void BadParameterCombinationsFailBeforeAnyFileIsRead(string parameters, string message)
    {
        // The input does not exist: a failure about it would mean work started.
        var r = host.Run($"Get-AudioEmbedding -Path $wav {parameters}",
            new Dictionary<string, object?> { ["wav"] = Path.Combine(temp.Path, "never.wav"), ["missing"] = Path.Combine(temp.Path, "missing.pth") });
        Assert.Empty(r.Output);
        var error = r.StoppingError;
        Assert.NotNull(error);
        Assert.Contains(message, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("never.wav", error);
    }

    [Fact]
    public void AnUnreadableModelIsOneClearError()
    {
        var bogus = Path.Combine(temp.Path, "bogus.onnx");
        File.WriteAllText(bogus, "not a model");
        var r = host.Run("Get-AudioEmbedding -Path $wav -Encoder Onnx -ModelPath $model; Get-AudioEmbedding -Path $wav -Encoder ByolA -ModelPath $model",
            new Dictionary<string, object?> { ["wav"] = Path.Combine(temp.Path, "never.wav"), ["model"] = bogus });
        Assert.Empty(r.Output);
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.Contains("bogus.onnx", e.Exception.Message));
        Assert.All(r.Errors, e => Assert.Equal("GetAudioEmbedding.EncoderFailed", e.FullyQualifiedErrorId.Split(',')[0]));
    }
}
