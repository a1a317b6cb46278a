using AudioCluster.Features;

namespace AudioCluster.Tests.Features;

public class MfccTests
{
    [Fact]
    public void MfccOfSineHasTheExpectedShapeAndIsStationary()
    {
        var o = new MelSpectrogramOptions();
        var s = Mfcc.Compute(StftTests.Sine(440, 16000, 16000), o, "sine.wav", "a");
        Assert.Equal(SpectrogramKind.Mfcc, s.Kind);
        Assert.Equal(40, s.Bins);
        Assert.Equal(101, s.Frames);
        Assert.Equal("a", s.Label);
        Assert.All(s.Data, v => Assert.True(float.IsFinite(v)));
        // A steady tone: interior frames are alike.
        for (int k = 0; k < 40; k++) Assert.Equal(s[k, 30], s[k, 70], 0.05);
        Assert.Equal(20, Mfcc.Compute(StftTests.Sine(440, 16000, 8000), o, "s", null, nMfcc: 20).Bins);
    }

    [Fact]
    public void OrthoDctPreservesEnergyAndC0IsScaledMean()
    {
        // With as many coefficients as mel bands the ortho DCT is a rotation of each frame's dB vector.
        var o = new MelSpectrogramOptions();
        var x = StftTests.Sine(440, 16000, 4000);
        var mel = MelSpectrogram.Compute(x, o, "s").Data;
        int frames = mel.Length / 64;
        var db = Mfcc.PowerToDb(mel);
        var mfcc = Mfcc.FromMel(mel, 64, frames, nMfcc: 64);
        for (int t = 0; t < frames; t++)
        {
            double e1 = 0, e2 = 0, sum = 0;
            for (int m = 0; m < 64; m++) { e1 += db[m * frames + t] * (double)db[m * frames + t]; sum += db[m * frames + t]; }
            for (int k = 0; k < 64; k++) e2 += mfcc[k * frames + t] * (double)mfcc[k * frames + t];
            Assert.Equal(e1, e2, e1 * 1e-5);
            Assert.Equal(sum / Math.Sqrt(64), mfcc[t], Math.Abs(sum) * 1e-5 + 1e-3);
        }
    }

    [Fact]
    public void PowerToDbClampsTopDbOverTheWholeInput()
    {
        var db = Mfcc.PowerToDb(new float[] { 1f, 1e-20f, 100f, 0f });
        // max is 20 dB, so the floor is -60; 1e-20 and 0 hit amin (-100 dB) first, then the floor.
        Assert.Equal([0f, -60f, 20f, -60f], db);
        Assert.Equal(-100f, Mfcc.PowerToDb(new float[] { 0f, 1f }, topDb: null)[0]);
    }

    [Fact]
    public void LogMelsVariantUsesNaturalLogWithOffset()
    {
        var mel = new float[] { 1f, 0f };
        var a = Mfcc.FromMel(mel, 2, 1, nMfcc: 1, logMels: true);
        // c0 = (log(1 + 1e-6) + log(1e-6)) / sqrt(2) with the ortho scale sqrt(2/2) / sqrt(2).
        Assert.Equal((Math.Log(1 + 1e-6) + Math.Log(1e-6)) / Math.Sqrt(2), a[0], 4);
    }

    [Fact]
    public void DctMatchesTorchaudioLayout()
    {
        var d = Mfcc.CreateDct(3, 4); // (n_mels=4, n_mfcc=3)
        Assert.Equal(Math.Sqrt(2.0 / 4) / Math.Sqrt(2), d[0 * 3 + 0], 12);
        Assert.Equal(Math.Sqrt(2.0 / 4) * Math.Cos(Math.PI / 4 * 2.5 * 2), d[2 * 3 + 2], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Mfcc.CreateDct(5, 4));
    }

    [Fact]
    public void DeltasOfARamp()
    {
        // c[t] = t: interior slope 1; replicated edges give (1 + 2*2)/10 and (2 + 2*3)/10.
        var ramp = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        var d = Deltas.Compute(ramp, 1, 10);
        float[] expected = [0.5f, 0.8f, 1, 1, 1, 1, 1, 1, 0.8f, 0.5f];
        for (int t = 0; t < 10; t++) Assert.Equal(expected[t], d[t], 6);
        // Two rows are independent; a constant row has zero deltas.
        var two = ramp.Concat(Enumerable.Repeat(3f, 10)).ToArray();
        var d2 = Deltas.Compute(two, 2, 10, winLength: 3);
        Assert.Equal(0.5f, d2[0], 6);
        Assert.Equal(1f, d2[5], 6);
        Assert.All(d2.Skip(10), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => Deltas.Compute(ramp, 1, 10, winLength: 2));
    }
}
