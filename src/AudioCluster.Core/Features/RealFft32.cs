using System.Collections.Concurrent;

namespace AudioCluster.Features;

/// <summary>
/// Real FFT in float32 for power-of-two sizes, by FFTPACK's radix-4 (and one radix-2) real passes with
/// twiddles rounded from double, in the operation order of the FFTPACK-derived code that PyTorch's CPU
/// FFT uses without MKL. torch.stft works in float32, and in the nearly empty bands of a spectrogram
/// (above 4 kHz for 8 kHz recordings) its roundoff is a visible part of the value; this transform
/// reproduces most of it, where a more exact double transform would not. Immutable and cached; thread-safe.
/// </summary>
public sealed class RealFft32
{
    static readonly ConcurrentDictionary<int, RealFft32> Cache = new();

    public static RealFft32 Get(int n) => Cache.GetOrAdd(n, static size => new RealFft32(size));

    public static bool Supports(int n) => n >= 2 && (n & (n - 1)) == 0;

    public int Length { get; }
    readonly (int Factor, float[] Twiddles)[] passes;

    RealFft32(int n)
    {
        if (!Supports(n)) throw new ArgumentOutOfRangeException(nameof(n), n, "The float32 FFT needs a power-of-two size of at least 2.");
        Length = n;
        // Factors of 4, then a 2 moved to the front of the list.
        var factors = new List<int>();
        int len = n;
        while (len % 4 == 0) { factors.Add(4); len /= 4; }
        if (len == 2) { factors.Add(2); (factors[0], factors[^1]) = (factors[^1], factors[0]); }
        passes = new (int, float[])[factors.Count];
        int l1 = 1;
        for (int k = 0; k < factors.Count; k++)
        {
            int ip = factors[k], ido = n / (l1 * ip);
            var tw = new float[(ip - 1) * (ido - 1)];
            if (k < factors.Count - 1) // the last factor needs none
                for (int j = 1; j < ip; j++)
                    for (int i = 1; i <= (ido - 1) / 2; i++)
                    {
                        double angle = 2 * Math.PI * ((long)j * l1 * i) / n;
                        tw[(j - 1) * (ido - 1) + 2 * i - 2] = (float)Math.Cos(angle);
                        tw[(j - 1) * (ido - 1) + 2 * i - 1] = (float)Math.Sin(angle);
                    }
            passes[k] = (ip, tw);
            l1 *= ip;
        }
    }

    /// <summary>
    /// Transforms <paramref name="data"/> (Length values) in place into FFTPACK's half-complex order
    /// r0, r1, i1, r2, i2, ..., r(n/2); <paramref name="scratch"/> holds at least Length values.
    /// </summary>
    public void Forward(Span<float> data, Span<float> scratch)
    {
        int n = Length;
        if (data.Length < n || scratch.Length < n) throw new ArgumentException($"Need {n} values of data and scratch.");
        Span<float> p1 = data[..n], p2 = scratch[..n];
        bool inData = true;
        for (int k1 = 0, l1 = n; k1 < passes.Length; k1++)
        {
            var (ip, tw) = passes[passes.Length - k1 - 1];
            int ido = n / l1;
            l1 /= ip;
            if (ip == 4) Radf4(ido, l1, p1, p2, tw);
            else Radf2(ido, l1, p1, p2, tw);
            var t = p1; p1 = p2; p2 = t;
            inData = !inData;
        }
        if (!inData) p1.CopyTo(data);
    }

    static void Radf4(int ido, int l1, ReadOnlySpan<float> cc, Span<float> ch, float[] wa)
    {
        const float hsqt2 = 0.70710678118654752440f;
        int CC(int a, int b, int c) => a + ido * (b + l1 * c);
        int CH(int a, int b, int c) => a + ido * (b + 4 * c);
        for (int k = 0; k < l1; k++)
        {
            float tr1 = cc[CC(0, k, 3)] + cc[CC(0, k, 1)];
            ch[CH(0, 2, k)] = cc[CC(0, k, 3)] - cc[CC(0, k, 1)];
            float tr2 = cc[CC(0, k, 0)] + cc[CC(0, k, 2)];
            ch[CH(ido - 1, 1, k)] = cc[CC(0, k, 0)] - cc[CC(0, k, 2)];
            ch[CH(0, 0, k)] = tr2 + tr1;
            ch[CH(ido - 1, 3, k)] = tr2 - tr1;
        }
        if ((ido & 1) == 0)
            for (int k = 0; k < l1; k++)
            {
                float ti1 = -hsqt2 * (cc[CC(ido - 1, k, 1)] + cc[CC(ido - 1, k, 3)]);
                float tr1 = hsqt2 * (cc[CC(ido - 1, k, 1)] - cc[CC(ido - 1, k, 3)]);
                ch[CH(ido - 1, 0, k)] = cc[CC(ido - 1, k, 0)] + tr1;
                ch[CH(ido - 1, 2, k)] = cc[CC(ido - 1, k, 0)] - tr1;
                ch[CH(0, 3, k)] = ti1 + cc[CC(ido - 1, k, 2)];
                ch[CH(0, 1, k)] = ti1 - cc[CC(ido - 1, k, 2)];
            }
        if (ido <= 2) return;
        int w = ido - 1;
        for (int k = 0; k < l1; k++)
            for (int i = 2; i < ido; i += 2)
            {
                int ic = ido - i;
                // (cr + i ci) = conj(twiddle) * input, each product rounded before the sum (no FMA).
                float cr2 = wa[i - 2] * cc[CC(i - 1, k, 1)] + wa[i - 1] * cc[CC(i, k, 1)];
                float ci2 = wa[i - 2] * cc[CC(i, k, 1)] - wa[i - 1] * cc[CC(i - 1, k, 1)];
                float cr3 = wa[w + i - 2] * cc[CC(i - 1, k, 2)] + wa[w + i - 1] * cc[CC(i, k, 2)];
                float ci3 = wa[w + i - 2] * cc[CC(i, k, 2)] - wa[w + i - 1] * cc[CC(i - 1, k, 2)];
                float cr4 = wa[2 * w + i - 2] * cc[CC(i - 1, k, 3)] + wa[2 * w + i - 1] * cc[CC(i, k, 3)];
                float ci4 = wa[2 * w + i - 2] * cc[CC(i, k, 3)] - wa[2 * w + i - 1] * cc[CC(i - 1, k, 3)];
                float tr1 = cr4 + cr2, tr4 = cr4 - cr2;
                float ti1 = ci2 + ci4, ti4 = ci2 - ci4;
                float tr2 = cc[CC(i - 1, k, 0)] + cr3, tr3 = cc[CC(i - 1, k, 0)] - cr3;
                float ti2 = cc[CC(i, k, 0)] + ci3, ti3 = cc[CC(i, k, 0)] - ci3;
                ch[CH(i - 1, 0, k)] = tr2 + tr1; ch[CH(ic - 1, 3, k)] = tr2 - tr1;
                ch[CH(i, 0, k)] = ti1 + ti2; ch[CH(ic, 3, k)] = ti1 - ti2;
                ch[CH(i - 1, 2, k)] = tr3 + ti4; ch[CH(ic - 1, 1, k)] = tr3 - ti4;
                ch[CH(i, 2, k)] = tr4 + ti3; ch[CH(ic, 1, k)] = tr4 - ti3;
            }
    }

    static void Radf2(int ido, int l1, ReadOnlySpan<float> cc, Span<float> ch, float[] wa)
    {
        int CC(int a, int b, int c) => a + ido * (b + l1 * c);
        int CH(int a, int b, int c) => a + ido * (b + 2 * c);
        for (int k = 0; k < l1; k++)
        {
            ch[CH(0, 0, k)] = cc[CC(0, k, 0)] + cc[CC(0, k, 1)];
            ch[CH(ido - 1, 1, k)] = cc[CC(0, k, 0)] - cc[CC(0, k, 1)];
        }
        if ((ido & 1) == 0)
            for (int k = 0; k < l1; k++)
            {
                ch[CH(0, 1, k)] = -cc[CC(ido - 1, k, 1)];
                ch[CH(ido - 1, 0, k)] = cc[CC(ido - 1, k, 0)];
            }
        if (ido <= 2) return;
        for (int k = 0; k < l1; k++)
            for (int i = 2; i < ido; i += 2)
            {
                int ic = ido - i;
                float tr2 = wa[i - 2] * cc[CC(i - 1, k, 1)] + wa[i - 1] * cc[CC(i, k, 1)];
                float ti2 = wa[i - 2] * cc[CC(i, k, 1)] - wa[i - 1] * cc[CC(i - 1, k, 1)];
                ch[CH(i - 1, 0, k)] = cc[CC(i - 1, k, 0)] + tr2; ch[CH(ic - 1, 1, k)] = cc[CC(i - 1, k, 0)] - tr2;
                ch[CH(i, 0, k)] = ti2 + cc[CC(i, k, 0)]; ch[CH(ic, 1, k)] = ti2 - cc[CC(i, k, 0)];
            }
    }
}
