using AudioCluster.Features;

namespace AudioCluster.Tests.Features;

public class WindowTests
{
    [Fact]
    public void PeriodicHannIsSymmetricWindowOfNPlusOneWithoutLastPoint()
    {
        var w = Window.Hann(8);
        double[] expected = [0, 0.5 - 0.5 * Math.Sqrt(0.5), 0.5, 0.5 + 0.5 * Math.Sqrt(0.5), 1, 0.5 + 0.5 * Math.Sqrt(0.5), 0.5, 0.5 - 0.5 * Math.Sqrt(0.5)];
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], w[i], 12);
    }

    [Fact]
    public void SymmetricHannAndEdgeCases()
    {
        Assert.Equal([0.0, 0.5, 1.0, 0.5, 0.0], Window.Hann(5, periodic: false).Select(v => Math.Round(v, 12)));
        Assert.Equal([1.0], Window.Hann(1));
        Assert.Empty(Window.Hann(0));
    }

    [Fact]
    public void ShortWindowIsPaddedCentrally()
    {
        var w = Window.PaddedHann(4, 8);
        Assert.Equal([0.0, 0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0], w.Select(v => Math.Round(v, 12)));
    }
}

public class MelFilterbankTests
{
    [Fact]
    public void HzToMelAtKnownPoints()
    {
        Assert.Equal(2595.0 * Math.Log10(2.0), MelFilterbank.HzToMel(700, MelScale.Htk), 9);
        // Slaney: linear 3 mel per 200 Hz below 1 kHz, then 27 mels per factor 6.4.
        Assert.Equal(7.5, MelFilterbank.HzToMel(500, MelScale.Slaney), 12);
        Assert.Equal(15.0, MelFilterbank.HzToMel(1000, MelScale.Slaney), 12);
        Assert.Equal(42.0, MelFilterbank.HzToMel(6400, MelScale.Slaney), 12);
        foreach (var scale in new[] { MelScale.Htk, MelScale.Slaney })
            foreach (var hz in new[] { 0.0, 60, 999, 1000, 4321, 7800 })
                Assert.Equal(hz, MelFilterbank.MelToHz(MelFilterbank.HzToMel(hz, scale), scale), 8);
    }

    [Fact]
    public void HtkSingleFilterByHand()
    {
        // n_freqs 5 at 8 kHz: bins at 0, 1000, 2000, 3000, 4000 Hz. One filter over 0..4000 Hz peaks at the
        // mel midpoint: 10^(m/2/2595) = sqrt(1 + 4000/700), so mid = 700 (sqrt(47/7) - 1).
        double mid = 700 * (Math.Sqrt(47.0 / 7) - 1);
        var fb = MelFilterbank.Create(5, 0, 4000, 1, 8000, MelNorm.None, MelScale.Htk);
        double[] expected = [0, 1000 / mid, (4000 - 2000) / (4000 - mid), (4000 - 3000) / (4000 - mid), 0];
        for (int f = 0; f < 5; f++) Assert.Equal(expected[f], fb[f], 6);

        var slaneyNorm = MelFilterbank.Create(5, 0, 4000, 1, 8000, MelNorm.Slaney, MelScale.Htk);
        for (int f = 0; f < 5; f++) Assert.Equal(expected[f] * 2.0 / 4000, slaneyNorm[f], 9);
    }

    [Fact]
    public void SlaneySingleFilterByHand()
    {
        // 0..6400 Hz is 0..42 Slaney mels; the midpoint 21 mel is 1000 * 6.4^(6/27) Hz.
        double mid = 1000 * Math.Pow(6.4, 6.0 / 27);
        var fb = MelFilterbank.Create(5, 0, 6400, 1, 8000, MelNorm.None, MelScale.Slaney);
        double[] expected = [0, 1000 / mid, (6400 - 2000) / (6400 - mid), (6400 - 3000) / (6400 - mid), (6400 - 4000) / (6400 - mid)];
        for (int f = 0; f < 5; f++) Assert.Equal(expected[f], fb[f], 6);
        Assert.NotEqual(MelFilterbank.Create(5, 0, 4000, 1, 8000, MelNorm.None, MelScale.Htk)[1], fb[1]);
    }

    [Fact]
    public void DefaultBankHasEveryBandAndMatchesSparseApply()
    {
        var o = new MelSpectrogramOptions();
        var fb = MelFilterbank.Create(o.FrequencyBins, o.FMin, o.EffectiveFMax, o.NMels, o.SampleRate);
        var bank = new MelFilterbank(o.FrequencyBins, o.FMin, o.EffectiveFMax, o.NMels, o.SampleRate);
        var rng = new Random(3);
        var spectrum = Enumerable.Range(0, o.FrequencyBins).Select(_ => rng.NextDouble()).ToArray();
        var mel = new double[o.NMels];
        bank.Apply(spectrum, mel);
        for (int m = 0; m < o.NMels; m++)
        {
            double max = 0, dense = 0;
            for (int f = 0; f < o.FrequencyBins; f++)
            {
                float w = fb[f * o.NMels + m];
                Assert.True(w >= 0 && w <= 1);
                max = Math.Max(max, w);
                dense += w * spectrum[f];
            }
            Assert.True(max > 0, $"band {m} is empty");
            Assert.Equal(dense, mel[m], 9);
        }
        // Below FMin (60 Hz = bin 3.84) nothing passes.
        for (int f = 0; f <= 3; f++)
            for (int m = 0; m < o.NMels; m++) Assert.Equal(0f, fb[f * o.NMels + m]);
    }
}
