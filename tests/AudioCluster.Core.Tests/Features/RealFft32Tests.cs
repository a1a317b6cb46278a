using AudioCluster.Features;

namespace AudioCluster.Tests.Features;

public class RealFft32Tests
{
    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(512)]
    [InlineData(1024)]
    public void MatchesADirectDft(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var c = (float[])x.Clone();
        RealFft32.Get(n).Forward(c, new float[n]);
        for (int k = 0; k <= n / 2; k++)
        {
            double re = 0, im = 0;
            for (int i = 0; i < n; i++)
            {
                double a = 2 * Math.PI * ((long)k * i % n) / n;
                re += x[i] * Math.Cos(a);
                im -= x[i] * Math.Sin(a);
            }
            double gotRe = k == 0 ? c[0] : k == n / 2 ? c[n - 1] : c[2 * k - 1];
            double gotIm = k == 0 || k == n / 2 ? 0 : c[2 * k];
            Assert.Equal(re, gotRe, 1e-5 * Math.Sqrt(n));
            Assert.Equal(im, gotIm, 1e-5 * Math.Sqrt(n));
        }
    }

    [Fact]
    public void Float32StftAgreesWithTheDoublePathAndNeedsAPowerOfTwo()
    {
        var x = Enumerable.Range(0, 4000).Select(i => MathF.Sin(i * 0.07f) * 0.3f).ToArray();
        var o = new MelSpectrogramOptions();
        var a = LogMel.Compute(x, o, "");
        var b = LogMel.Compute(x, o with { Float32Stft = true }, "");
        Assert.Equal(a.Frames, b.Frames);
        double worst = 0;
        for (int i = 0; i < a.Data.Length; i++)
            if (a.Data[i] > -5) worst = Math.Max(worst, Math.Abs(a.Data[i] - b.Data[i]));
        Assert.True(worst < 1e-4, $"{worst}");
        Assert.Throws<ArgumentException>(() => (o with { NFft = 1000, Float32Stft = true }).Validate());
        var w = Window.PaddedHannFloat32(4, 8);
        Assert.Equal([0f, 0f, 0f, 0.5f, 1f, 0.5f, 0f, 0f], w);
    }
}
