using AudioCluster.Features;

namespace AudioCluster.Tests.Features;

public class FftTests
{
    static double[] RandomSignal(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextDouble() * 2 - 1;
        return x;
    }

    static (double[] re, double[] im) NaiveDft(double[] x)
    {
        int n = x.Length, bins = n / 2 + 1;
        var re = new double[bins];
        var im = new double[bins];
        for (int k = 0; k < bins; k++)
            for (int j = 0; j < n; j++)
            {
                // Reduce jk mod n first so the angle stays exact for large sizes.
                double a = -2.0 * Math.PI * ((long)j * k % n) / n;
                re[k] += x[j] * Math.Cos(a);
                im[k] += x[j] * Math.Sin(a);
            }
        return (re, im);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(400)]
    [InlineData(441)]
    [InlineData(1000)]
    [InlineData(1024)]
    public void MatchesNaiveDft(int n)
    {
        var x = RandomSignal(n, n);
        var fft = RealFft.Get(n);
        Assert.Equal(n / 2 + 1, fft.Bins);
        var re = new double[fft.Bins];
        var im = new double[fft.Bins];
        fft.Forward(x, re, im);
        var (er, ei) = NaiveDft(x);
        double maxErr = 0;
        for (int k = 0; k < fft.Bins; k++)
            maxErr = Math.Max(maxErr, Math.Max(Math.Abs(re[k] - er[k]), Math.Abs(im[k] - ei[k])));
        Assert.True(maxErr < 1e-10 * Math.Max(1, n), $"n={n}: max error {maxErr}");
    }

    [Fact]
    public void PlansAreCachedAndSafeAcrossThreads()
    {
        Assert.Same(RealFft.Get(441), RealFft.Get(441));
        var x = RandomSignal(441, 1);
        var fft = RealFft.Get(441);
        var expected = new double[fft.Bins];
        fft.Forward(x, expected, new double[fft.Bins]);
        Parallel.For(0, 64, _ =>
        {
            // Alternate sizes on each thread so shared scratch would show up as wrong values.
            var re = new double[fft.Bins];
            var im = new double[fft.Bins];
            RealFft.Get(1024).Forward(RandomSignal(1024, 2), new double[513], new double[513]);
            fft.Forward(x, re, im);
            Assert.Equal(expected, re);
        });
    }

    [Fact]
    public void RejectsShortBuffers()
    {
        var fft = RealFft.Get(8);
        Assert.Throws<ArgumentException>(() => fft.Forward(new double[7], new double[5], new double[5]));
        Assert.Throws<ArgumentException>(() => fft.Forward(new double[8], new double[4], new double[5]));
    }
}
