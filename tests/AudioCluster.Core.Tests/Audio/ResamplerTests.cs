using System.Text.Json;
using AudioCluster.Audio;

namespace AudioCluster.Tests.Audio;

public class ResamplerTests
{
    // torchaudio 0.13.1 kernels (float32), copied from the reference headers so this runs without ../shared.
    static readonly float[][] Kernel8kTo16k =
    [
        [-0.0f, -2.4526139e-06f, 0.000733772933f, -0.00258441712f, 0.00507102162f, -0.00754024368f, 0.00934162084f, 0.99000001f, 0.00934162084f, -0.00754024368f, 0.00507102162f, -0.00258441712f, 0.000733772933f, -2.4526139e-06f, -0.0f],
        [-0.0f, -0.0f, -0.00119518931f, 0.0108458297f, -0.0343020633f, 0.0806928948f, -0.181514859f, 0.625911057f, 0.625911057f, -0.181514859f, 0.0806928948f, -0.0343020633f, 0.0108458297f, -0.00119518931f, -0.0f],
    ];

    static readonly float[][] Kernel8kTo32k =
    [
        [0.0f, -2.4526139e-06f, 0.000733772933f, -0.00258441712f, 0.00507102162f, -0.00754024368f, 0.00934162084f, 0.99000001f, 0.00934162084f, -0.00754024368f, 0.00507102162f, -0.00258441712f, 0.000733772933f, -2.4526139e-06f, 0.0f],
        [0.0f, 0.0f, -0.0015332175f, 0.00929310359f, -0.0274044201f, 0.0646046624f, -0.155338109f, 0.889472663f, 0.29563418f, -0.109476112f, 0.0507163703f, -0.0211821254f, 0.00598410098f, -0.000294497411f, 0.0f],
        [0.0f, 0.0f, -0.00119518931f, 0.0108458297f, -0.0343020633f, 0.0806928948f, -0.181514859f, 0.625911057f, 0.625911057f, -0.181514859f, 0.0806928948f, -0.0343020633f, 0.0108458297f, -0.00119518931f, 0.0f],
        [0.0f, 0.0f, -0.000294497411f, 0.00598410098f, -0.0211821254f, 0.0507163703f, -0.109476112f, 0.29563418f, 0.889472663f, -0.155338109f, 0.0646046624f, -0.0274044201f, 0.00929310359f, -0.0015332175f, 0.0f],
    ];

    public static TheoryData<int, int> KernelPairs => new() { { 8000, 16000 }, { 8000, 32000 } };

    [Theory]
    [MemberData(nameof(KernelPairs))]
    public void Kernel_matches_torchaudio(int from, int to)
    {
        var expected = to == 16000 ? Kernel8kTo16k : Kernel8kTo32k;
        var k = Resampler.GetKernel(from, to);
        Assert.Equal(1, k.Orig);
        Assert.Equal(expected.Length, k.New);
        Assert.Equal(7, k.Width);
        for (int p = 0; p < k.New; p++)
        {
            var row = k.Phase(p);
            Assert.Equal(expected[p].Length, row.Length);
            for (int i = 0; i < row.Length; i++)
                Assert.True(row[i] == expected[p][i], $"phase {p} tap {i}: {row[i]:R} vs {expected[p][i]:R}");   // exact, not just within 1e-7
        }
    }

    [Theory]
    [MemberData(nameof(KernelPairs))]
    public void Output_is_bit_identical_to_torch_conv1d(int from, int to)
    {
        // torch's conv1d accumulates float32 fused multiply-adds in tap order; with the exact kernel
        // that reproduces torchaudio's waves bit for bit.
        var kernel = to == 16000 ? Kernel8kTo16k : Kernel8kTo32k;
        var rng = new Random(9);
        var x = new float[777];
        for (int i = 0; i < x.Length; i++) x[i] = (short)rng.Next(short.MinValue, short.MaxValue + 1) / 32768f;
        var y = Resampler.Resample(x, from, to);
        var expected = TorchConv(x, kernel);
        Assert.Equal(expected.Length, y.Length);
        for (int i = 0; i < y.Length; i++) Assert.True(expected[i] == y[i], $"output {i}: {y[i]:R} vs {expected[i]:R}");
    }

    /// <summary>Upsampling by the kernel's phase count as torch computes it: y[P j + p] = fma-sum_k kernel[p][k] x[j + k - 7].</summary>
    static float[] TorchConv(float[] x, float[][] kernel)
    {
        int phases = kernel.Length;
        var y = new float[phases * x.Length];
        for (int j = 0; j < x.Length; j++)
            for (int p = 0; p < phases; p++)
            {
                float acc = 0;
                for (int k = 0; k < kernel[p].Length; k++)
                {
                    int i = j + k - 7;
                    if (i >= 0 && i < x.Length) acc = MathF.FusedMultiplyAdd(kernel[p][k], x[i], acc);
                }
                y[phases * j + p] = acc;
            }
        return y;
    }

    [Fact]
    public void Kernel_is_cached_per_reduced_pair()
    {
        Assert.Same(Resampler.GetKernel(8000, 16000), Resampler.GetKernel(16000, 32000));
    }

    [Theory]
    [InlineData(8000, 16000, 2384, 4768)]
    [InlineData(16000, 8000, 4767, 2384)]
    [InlineData(44100, 16000, 44100, 16000)]
    [InlineData(44100, 16000, 1000, 363)]
    [InlineData(22050, 32000, 7, 11)]
    [InlineData(48000, 16000, 0, 0)]
    public void Output_length_is_ceil_new_n_over_orig(int from, int to, int n, int expected)
    {
        Assert.Equal(expected, Resampler.OutputLength(n, from, to));
        Assert.Equal(expected, Resampler.Resample(new float[n], from, to).Length);
    }

    [Fact]
    public void Same_rate_returns_a_copy()
    {
        var x = new float[] { 0.1f, -0.2f, 0.3f };
        var y = Resampler.Resample(x, 16000, 16000);
        Assert.Equal(x, y);
        Assert.NotSame(x, y);
    }

    [Fact]
    public void Rejects_non_positive_rates()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(new float[4], 0, 16000));
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Resample(new float[4], 16000, -1));
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(44100, 16000)]
    [InlineData(16000, 22050)]
    public void Low_tone_passes_with_its_amplitude(int from, int to)
    {
        // A 440 Hz tone is far below both Nyquists: the middle of the output is the same tone at the new rate.
        int n = from;
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / from);
        var y = Resampler.Resample(x, from, to);
        for (int i = y.Length / 4; i < 3 * y.Length / 4; i++)
            Assert.True(Math.Abs(y[i] - 0.5 * Math.Sin(2 * Math.PI * 440 * i / to)) < 2e-3, $"sample {i}");
    }

    [Fact]
    public void Long_input_parallel_path_equals_serial_blocks()
    {
        // Long inputs go through Parallel.For; each output must equal resampling a short slice around it.
        var rng = new Random(3);
        var x = new float[300_000];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var y = Resampler.Resample(x, 8000, 16000);
        var head = Resampler.Resample(x.AsSpan(0, 1000), 8000, 16000);
        for (int i = 0; i < 1900; i++) Assert.Equal(head[i], y[i]);
    }

    [SkippableFact]
    public void Fsdd_reference_waves_match_torchaudio()
    {
        var refPath = SharedData.PathTo("reference/logmel-reference.json");
        var wavDir = SharedData.PathTo("datasets/fsdd/recordings");
        Skip.If(refPath == null || wavDir == null, "../shared/reference/logmel-reference.json or ../shared/datasets/fsdd is not present");

        using var doc = JsonDocument.Parse(File.ReadAllText(refPath!));
        int checkedFiles = 0;
        foreach (var f in doc.RootElement.GetProperty("files").EnumerateArray())
        {
            var name = f.GetProperty("name").GetString()!;
            var x = ReadFsdd(Path.Combine(wavDir!, name));
            Assert.Equal(f.GetProperty("n_samples_8k").GetInt32(), x.Length);

            var y = AudioMath.Int16RoundTrip(Resampler.Resample(x, 8000, 16000));
            Assert.Equal(f.GetProperty("n_samples_16k").GetInt32(), y.Length);
            Assert.Equal(AudioMath.Int16RoundTrip(TorchConv(x, Kernel8kTo16k)), y);   // the whole wave, not only its start

            var first = f.GetProperty("wave16k_int16_first32").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            for (int i = 0; i < first.Length; i++)
                Assert.True(first[i] == (int)(y[i] * 32768f), $"{name} sample {i}: {(int)(y[i] * 32768f)} vs {first[i]}");

            double sumAbs = y.Sum(v => (double)Math.Abs(v));
            double expected = f.GetProperty("wave16k_sum_abs").GetDouble();
            Assert.True(Math.Abs(sumAbs - expected) <= 1e-3 * expected, $"{name} sum|x| {sumAbs} vs {expected}");
            checkedFiles++;
        }
        Assert.Equal(5, checkedFiles);
    }

    [Fact]
    public void Int16_round_trip_truncates_and_saturates()
    {
        var y = AudioMath.Int16RoundTrip([0f, 1f, -1f, 1.2f, -1.2f, 0.5f, -0.5f, 1e-5f, float.NaN]);
        Assert.Equal(32767f / 32768f, y[1]);
        Assert.Equal(-32767f / 32768f, y[2]);
        Assert.Equal(32767f / 32768f, y[3]);
        Assert.Equal(-1f, y[4]);
        Assert.Equal(16383f / 32768f, y[5]);   // trunc(16383.5)
        Assert.Equal(-16383f / 32768f, y[6]);  // trunc towards zero
        Assert.Equal(0f, y[7]);
        Assert.Equal(0f, y[8]);
    }

    [Fact]
    public void Downmix_is_channel_mean()
    {
        var clip = new AudioClip("x", [1f, 0f, 0.5f, -0.5f, -1f, -0.5f], 8000, 2);
        Assert.Equal(new[] { 0.5f, 0f, -0.75f }, AudioMath.Downmix(clip));
        var mono = new AudioClip("m", [0.25f, 0.5f], 8000, 1);
        Assert.Equal(mono.Samples, AudioMath.Downmix(mono));
    }

    // FSDD: 8 kHz mono PCM16 read as int16 / 32768.
    internal static float[] ReadFsdd(string path)
    {
        using var r = new NAudio.Wave.WaveFileReader(path);
        Assert.Equal(16, r.WaveFormat.BitsPerSample);
        Assert.Equal(1, r.WaveFormat.Channels);
        var bytes = new byte[r.Length];
        int read = r.Read(bytes, 0, bytes.Length);
        var x = new float[read / 2];
        for (int i = 0; i < x.Length; i++) x[i] = BitConverter.ToInt16(bytes, 2 * i) / 32768f;
        return x;
    }
}
