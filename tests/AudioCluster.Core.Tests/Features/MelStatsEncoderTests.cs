using AudioCluster.Encoders;

namespace AudioCluster.Tests.Features;

public class MelStatsEncoderTests
{
    static float[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f).ToArray();
    }

    [Fact]
    public void HasDocumentedDimensionsAndId()
    {
        var enc = new MelStatsEncoder();
        Assert.Equal(208, enc.Dimensions);
        Assert.Equal("MelStats/v1 sr=16000 n_fft=1024 hop=160 mels=64 mfcc=20", enc.Id);
        var v = enc.Encode(Noise(16000, 1), 16000);
        Assert.Equal(208, v.Length);
        Assert.All(v, x => Assert.True(float.IsFinite(x)));
        Assert.Contains("scale=slaney", new MelStatsEncoder(new() { MelScale = AudioCluster.Features.MelScale.Slaney }).Id);
    }

    [Fact]
    public void IsDeterministicAcrossThreads()
    {
        var enc = new MelStatsEncoder();
        var x = Noise(12345, 2);
        var first = enc.Encode(x, 16000);
        var results = new float[8][];
        Parallel.For(0, 8, i => results[i] = enc.Encode(x, 16000));
        Assert.All(results, r => Assert.Equal(first, r));
    }

    [Fact]
    public void DifferentSoundsDiffer()
    {
        var enc = new MelStatsEncoder();
        var tone = enc.Encode(StftTests.Sine(440, 16000, 16000), 16000);
        var noise = enc.Encode(Noise(16000, 3), 16000);
        double dist = 0;
        for (int i = 0; i < tone.Length; i++) dist += (tone[i] - noise[i]) * (tone[i] - noise[i]);
        Assert.True(Math.Sqrt(dist) > 10, $"distance {Math.Sqrt(dist)}");
        // Layout: [64, 128) holds the log-mel standard deviations.
        Assert.All(tone.AsSpan(64, 64).ToArray(), s => Assert.True(s >= 0));
    }

    [Fact]
    public void WrongSampleRateIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MelStatsEncoder().Encode(new float[8000], 8000));
        Assert.Contains("16000", ex.Message);
    }

    [Fact]
    public void ShortAndSilentClipsStillEncode()
    {
        var enc = new MelStatsEncoder();
        var v = enc.Encode(new float[100], 16000);
        Assert.Equal(208, v.Length);
        Assert.Equal(MathF.Log(1.1920928955078125e-07f), v[0], 4);
        Assert.Equal(0f, v[64]);
        var e = enc.Encode(new float[16000], 16000, "a.wav", "x");
        Assert.Equal(enc.Id, e.Encoder);
    }
}
