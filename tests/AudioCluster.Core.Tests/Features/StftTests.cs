using AudioCluster.Features;

namespace AudioCluster.Tests.Features;

public class StftTests
{
    internal static float[] Sine(double hz, int sampleRate, int n, double amplitude = 0.5) =>
        Enumerable.Range(0, n).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / sampleRate))).ToArray();

    [Theory]
    [InlineData(16000, 1024, 160, true, 101)]
    [InlineData(4768, 1024, 160, true, 30)]
    [InlineData(0, 1024, 160, true, 1)]
    [InlineData(100, 1024, 160, true, 1)]
    [InlineData(16000, 1024, 160, false, 94)]
    [InlineData(10, 1024, 160, false, 1)]
    [InlineData(100, 401, 50, true, 2)]
    public void FrameCount(int samples, int nFft, int hop, bool center, int expected) =>
        Assert.Equal(expected, Stft.FrameCount(samples, nFft, hop, center));

    [Fact]
    public void PureTonePeaksAtItsBin()
    {
        // 1 kHz at 16 kHz with a 1024-point FFT: bin spacing 15.625 Hz, so bin 64 exactly.
        var o = new MelSpectrogramOptions();
        var s = Stft.Compute(Sine(1000, 16000, 16000), o, "tone.wav", null);
        Assert.Equal(513, s.Bins);
        Assert.Equal(101, s.Frames);
        Assert.Equal(SpectrogramKind.Power, s.Kind);
        for (int t = 5; t < 96; t += 10)
        {
            int best = 0;
            for (int f = 1; f < s.Bins; f++) if (s[f, t] > s[best, t]) best = f;
            Assert.Equal(64, best);
        }
        // Hann window of 1024 at a bin-centred tone: |X| = A * sum(w) / 2 = 0.5 * 512 / 2 = 128.
        Assert.Equal(128.0 * 128.0, s[64, 50], 16384 * 1e-4);
        var mag = Stft.Compute(Sine(1000, 16000, 16000), o with { Power = 1 }, "tone.wav", null);
        Assert.Equal(128.0, mag[64, 50], 1e-2);
    }

    [Fact]
    public void CentredFramesUseReflectPaddingAndShortWindow()
    {
        // n_fft 16, win 10, hop 4, 13 samples: compare every frame with a direct DFT of the reflect-padded signal.
        var rng = new Random(7);
        var x = Enumerable.Range(0, 13).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var o = new MelSpectrogramOptions { SampleRate = 16, NFft = 16, WinLength = 10, HopLength = 4, NMels = 2, FMin = 0, FMax = null };
        var s = Stft.Compute(x, o, "x", null);
        Assert.Equal(1 + 13 / 4, s.Frames);

        var padded = new double[13 + 16];
        for (int i = 0; i < padded.Length; i++)
        {
            int idx = i - 8;
            if (idx < 0) idx = -idx; else if (idx >= 13) idx = 2 * 12 - idx;
            padded[i] = x[idx];
        }
        var w = new double[16];
        for (int j = 0; j < 10; j++) w[3 + j] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * j / 10);
        for (int t = 0; t < s.Frames; t++)
            for (int k = 0; k <= 8; k++)
            {
                double re = 0, im = 0;
                for (int j = 0; j < 16; j++)
                {
                    double v = padded[t * 4 + j] * w[j];
                    re += v * Math.Cos(2 * Math.PI * j * k / 16);
                    im -= v * Math.Sin(2 * Math.PI * j * k / 16);
                }
                Assert.Equal(re * re + im * im, s[k, t], 5);
            }
    }

    [Fact]
    public void ClipsTooShortToReflectAreZeroPadded()
    {
        var o = new MelSpectrogramOptions();
        var s = Stft.Compute(new float[] { 1f, 0f, 0f }, o, "x", null);
        Assert.Equal(1, s.Frames);
        // Only x[0] = 1 survives, at the window centre (w = 1), so every bin has power 1.
        foreach (var v in s.Data) Assert.Equal(1.0, v, 1e-5);
        Assert.Equal(1, Stft.Compute(ReadOnlySpan<float>.Empty, o, "x", null).Frames);
    }
}
