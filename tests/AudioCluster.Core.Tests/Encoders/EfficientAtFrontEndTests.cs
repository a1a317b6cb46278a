using System.Text.Json;
using AudioCluster.Audio;
using AudioCluster.Encoders;
using AudioCluster.Features;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Encoders;

/// <summary>
/// EfficientAT's front end (<see cref="OnnxEncoderOptions.EfficientAt"/>: pre-emphasis, symmetric window, Kaldi
/// mel banks) against ../shared/reference/efficientat-mn04-fsdd.json; the network itself is checked with ONNX
/// Runtime in the PowerShell tests, where the native library is.
/// </summary>
public class EfficientAtFrontEndTests(ITestOutputHelper output)
{
    static JsonElement Reference()
    {
        var path = SharedData.PathTo("reference/efficientat-mn04-fsdd.json");
        Skip.If(path == null, "../shared/reference/efficientat-mn04-fsdd.json is not present");
        using var doc = JsonDocument.Parse(File.ReadAllText(path!));
        return doc.RootElement.Clone();
    }

    [SkippableFact]
    public void KaldiMelBanksMatchTorchaudio()
    {
        var rows = Reference().GetProperty("header").GetProperty("front_end").GetProperty("mel_banks_sparse").GetProperty("rows");
        var mel = OnnxEncoderOptions.EfficientAt.EffectiveMel;
        var fb = MelFilterbank.Create(mel.FrequencyBins, mel.FMin, mel.EffectiveFMax, mel.NMels, mel.SampleRate, mel.MelNorm, mel.MelScale);
        Assert.Equal(128, rows.GetArrayLength());
        double worst = 0;
        int m = 0, exact = 0, nonZero = 0;
        foreach (var row in rows.EnumerateArray())
        {
            var expected = new double[mel.FrequencyBins];
            int first = row.GetProperty("first_fft_bin").GetInt32(), k = 0;
            foreach (var v in row.GetProperty("values").EnumerateArray())
            {
                nonZero++;
                if ((float)v.GetDouble() == fb[(first + k) * mel.NMels + m]) exact++;
                expected[first + k++] = v.GetDouble();
            }
            for (int f = 0; f < expected.Length; f++) worst = Math.Max(worst, Math.Abs(expected[f] - fb[f * mel.NMels + m]));
            m++;
        }
        output.WriteLine($"Kaldi mel banks: {exact} of {nonZero} weights bit-identical, max |diff| {worst:E2}");
        // Built in float32 in torchaudio's order; the few others differ by one float32 step of a mel value
        // (about 2e-4 mel near 3000) in the log, which is 1e-5 of a triangle 22 mel wide.
        Assert.True(worst < 1.5e-5, $"max |diff| {worst}");
        Assert.True(exact >= 0.99 * nonZero, $"only {exact} of {nonZero} weights are bit-identical");
    }

    [SkippableFact]
    public void LogMelMatchesTheReferenceFrontEnd()
    {
        var reference = Reference();
        var recordings = SharedData.PathTo("datasets/fsdd/recordings");
        Skip.If(recordings == null, "../shared/datasets/fsdd/recordings is not present");
        var o = OnnxEncoderOptions.EfficientAt;
        int checkedFiles = 0;
        foreach (var f in reference.GetProperty("files").EnumerateArray())
        {
            if (!f.TryGetProperty("logmel", out var expected) || expected.ValueKind != JsonValueKind.Object) continue;
            var name = f.GetProperty("name").GetString()!;
            var clip = AudioDecoder.Decode(Path.Combine(recordings!, name), new AudioReadOptions { SampleRate = o.SampleRate });
            Assert.Equal(f.GetProperty("n_samples_32k").GetInt32(), clip.Samples.Length);
            var wave = f.GetProperty("wave32k_first16").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int i = 0; i < wave.Length; i++) Assert.Equal(wave[i], clip.Samples[i], 1e-8);

            var s = LogMel.Compute(clip.Samples, o.EffectiveMel, name);
            o.Normalization!.Apply(s.Data);
            var shape = expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(shape, new[] { s.Bins, s.Frames });
            Assert.Equal(f.GetProperty("frames").GetInt32(), s.Frames);
            double mean = s.Data.Average(v => (double)v);
            double std = Math.Sqrt(s.Data.Average(v => (v - mean) * (v - mean)));
            double worst = Math.Max(Math.Abs(mean - expected.GetProperty("mean").GetDouble()), Math.Abs(std - expected.GetProperty("std_population").GetDouble()));
            foreach (var (bin, key) in new[] { (0, "bin0_first8"), (64, "bin64_first8") })
            {
                var values = expected.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (int t = 0; t < values.Length; t++) worst = Math.Max(worst, Math.Abs(values[t] - s[bin, t]));
            }
            output.WriteLine($"{name}: {s.Bins}x{s.Frames}, max |diff| of statistics and listed values {worst:E2}");
            // The reference's own float64 re-implementation differs from torch by up to 9e-5 in a value.
            Assert.True(worst <= 1e-4, $"{name}: {worst}");
            checkedFiles++;
        }
        Assert.Equal(3, checkedFiles);
    }

    [Fact]
    public void PreEmphasisShortensByOneAndSetsTheFrameCount()
    {
        var o = OnnxEncoderOptions.EfficientAt.EffectiveMel;
        var x = new float[9536];
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(i * 0.05f);
        var s = MelSpectrogram.Compute(x, o, "");
        Assert.Equal(1 + (x.Length - 1) / 320, s.Frames);
        // A constant passes the filter as 0.03 of itself.
        var flat = Enumerable.Repeat(0.5f, 4000).ToArray();
        var spec = Stft.Compute(flat, o with { Center = false, NMels = 8 }, "", null);
        var plain = Stft.Compute(flat, o with { Center = false, NMels = 8, PreEmphasis = 0 }, "", null);
        Assert.Equal(plain[0, 0] * 0.03 * 0.03, spec[0, 0], plain[0, 0] * 1e-4);
    }
}
