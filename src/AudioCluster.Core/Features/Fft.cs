using System.Collections.Concurrent;

namespace AudioCluster.Features;

/// <summary>
/// In-place complex FFT plan on split real/imaginary arrays (double precision).
/// Powers of two use an iterative radix-2 transform with precomputed twiddles; other sizes use
/// Bluestein's chirp-z algorithm on top of a power-of-two plan. Plans are immutable and cached,
/// so one plan is shared by all threads; scratch space is supplied by the caller.
/// </summary>
internal sealed class ComplexFftPlan
{
    static readonly ConcurrentDictionary<int, ComplexFftPlan> Cache = new();

    public static ComplexFftPlan Get(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "FFT size must be at least 1.");
        return Cache.GetOrAdd(n, static size => new ComplexFftPlan(size));
    }

    public int Length { get; }
    /// <summary>Doubles of scratch that <see cref="Forward"/> needs (0 for powers of two).</summary>
    public int WorkspaceLength { get; }

    readonly bool _pow2;
    // radix-2: cos/sin of -2*pi*k/n for k < n/2, and the bit-reversal permutation.
    readonly double[] _cos = [], _sin = [];
    readonly int[] _bitrev = [];
    // Bluestein: chirp c[j] = exp(-i*pi*j^2/n), FFT of the conjugate chirp padded to m, inner plan.
    readonly double[] _chirpRe = [], _chirpIm = [], _kernelRe = [], _kernelIm = [];
    readonly ComplexFftPlan? _inner;

    /// <summary>cos and sin of -2 pi k / n for k in [0, n/2).</summary>
    internal static (double[] Cos, double[] Sin) Twiddles(int n)
    {
        var cos = new double[n / 2];
        var sin = new double[n / 2];
        for (int k = 0; k < cos.Length; k++)
        {
            double a = -2.0 * Math.PI * k / n;
            cos[k] = Math.Cos(a);
            sin[k] = Math.Sin(a);
        }
        return (cos, sin);
    }

    ComplexFftPlan(int n)
    {
        Length = n;
        _pow2 = (n & (n - 1)) == 0;
        if (_pow2)
        {
            (_cos, _sin) = Twiddles(n);
            _bitrev = new int[n];
            int bits = System.Numerics.BitOperations.Log2((uint)n);
            for (int i = 0; i < n; i++)
                _bitrev[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
            return;
        }

        int m = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * n - 1));
        _inner = Get(m);
        WorkspaceLength = 2 * m;
        _chirpRe = new double[n];
        _chirpIm = new double[n];
        for (int j = 0; j < n; j++)
        {
            // j^2 mod 2n keeps the angle small, so large sizes do not lose precision.
            long q = (long)j * j % (2L * n);
            double a = -Math.PI * q / n;
            _chirpRe[j] = Math.Cos(a);
            _chirpIm[j] = Math.Sin(a);
        }
        _kernelRe = new double[m];
        _kernelIm = new double[m];
        for (int j = 0; j < n; j++)
        {
            _kernelRe[j] = _chirpRe[j];
            _kernelIm[j] = -_chirpIm[j];
            if (j > 0)
            {
                _kernelRe[m - j] = _chirpRe[j];
                _kernelIm[m - j] = -_chirpIm[j];
            }
        }
        _inner.Forward(_kernelRe, _kernelIm, default);
    }

    static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }

    /// <summary>Forward transform X[k] = sum_j x[j] exp(-2 pi i jk/n), in place.</summary>
    public void Forward(Span<double> re, Span<double> im, Span<double> workspace)
    {
        if (re.Length < Length || im.Length < Length) throw new ArgumentException("Buffers are shorter than the FFT size.");
        if (_pow2) Radix2(re[..Length], im[..Length]);
        else Bluestein(re[..Length], im[..Length], workspace);
    }

    void Radix2(Span<double> re, Span<double> im)
    {
        int n = Length;
        var rev = _bitrev;
        for (int i = 0; i < n; i++)
        {
            int j = rev[i];
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        var cos = _cos; var sin = _sin;
        for (int size = 2; size <= n; size <<= 1)
        {
            int half = size >> 1, step = n / size;
            for (int start = 0; start < n; start += size)
            {
                for (int k = 0, t = 0; k < half; k++, t += step)
                {
                    double wr = cos[t], wi = sin[t];
                    int a = start + k, b = a + half;
                    double br = re[b] * wr - im[b] * wi;
                    double bi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - br; im[b] = im[a] - bi;
                    re[a] += br; im[a] += bi;
                }
            }
        }
    }

    void Bluestein(Span<double> re, Span<double> im, Span<double> workspace)
    {
        int n = Length, m = _inner!.Length;
        if (workspace.Length < WorkspaceLength) throw new ArgumentException("Workspace is too small.", nameof(workspace));
        var ar = workspace[..m];
        var ai = workspace.Slice(m, m);
        for (int j = 0; j < n; j++)
        {
            double cr = _chirpRe[j], ci = _chirpIm[j];
            ar[j] = re[j] * cr - im[j] * ci;
            ai[j] = re[j] * ci + im[j] * cr;
        }
        ar[n..].Clear();
        ai[n..].Clear();
        _inner.Forward(ar, ai, default);
        // Multiply by the kernel spectrum, conjugated so that a second forward FFT inverts.
        for (int k = 0; k < m; k++)
        {
            double xr = ar[k], xi = ai[k], kr = _kernelRe[k], ki = _kernelIm[k];
            ar[k] = xr * kr - xi * ki;
            ai[k] = -(xr * ki + xi * kr);
        }
        _inner.Forward(ar, ai, default);
        double scale = 1.0 / m;
        for (int k = 0; k < n; k++)
        {
            // conj(result)/m is the circular convolution; then multiply by the chirp.
            double yr = ar[k] * scale, yi = -ai[k] * scale;
            double cr = _chirpRe[k], ci = _chirpIm[k];
            re[k] = yr * cr - yi * ci;
            im[k] = yr * ci + yi * cr;
        }
    }
}

/// <summary>
/// Forward FFT of a real signal of any length n, giving the n/2+1 non-negative-frequency bins.
/// Even sizes run as a complex FFT of n/2 points plus a split step; odd sizes as a full complex FFT.
/// Get plans from <see cref="Get"/> (cached, immutable, thread-safe); scratch buffers are per thread.
/// </summary>
public sealed class RealFft
{
    static readonly ConcurrentDictionary<int, RealFft> Cache = new();

    [ThreadStatic] static double[]? t_scratch;

    public static RealFft Get(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "FFT size must be at least 1.");
        return Cache.GetOrAdd(n, static size => new RealFft(size));
    }

    public int Length { get; }
    /// <summary>Number of output bins, n/2 + 1.</summary>
    public int Bins => Length / 2 + 1;

    readonly ComplexFftPlan _plan;
    readonly bool _even;
    // Split-step twiddles exp(-2 pi i k / n), k < n/2 (even sizes only).
    readonly double[] _wr = [], _wi = [];
    readonly int _scratchLength;

    RealFft(int n)
    {
        Length = n;
        _even = n % 2 == 0 && n >= 2;
        _plan = ComplexFftPlan.Get(_even ? n / 2 : n);
        if (_even)
        {
            (_wr, _wi) = ComplexFftPlan.Twiddles(n);
        }
        _scratchLength = 2 * _plan.Length + _plan.WorkspaceLength;
    }

    /// <summary>
    /// X[k] = sum_j x[j] exp(-2 pi i jk/n) for k = 0..n/2. <paramref name="input"/> must hold n values;
    /// <paramref name="re"/> and <paramref name="im"/> at least n/2+1. Allocation-free after the first call on a thread.
    /// </summary>
    public void Forward(ReadOnlySpan<double> input, Span<double> re, Span<double> im)
    {
        int n = Length;
        if (input.Length < n) throw new ArgumentException($"Input has {input.Length} values, the FFT needs {n}.", nameof(input));
        if (re.Length < Bins || im.Length < Bins) throw new ArgumentException($"Outputs need {Bins} values.");

        var scratch = t_scratch;
        if (scratch == null || scratch.Length < _scratchLength) t_scratch = scratch = new double[_scratchLength];
        int p = _plan.Length;
        var zr = scratch.AsSpan(0, p);
        var zi = scratch.AsSpan(p, p);
        var work = scratch.AsSpan(2 * p, _plan.WorkspaceLength);

        if (!_even)
        {
            input[..n].CopyTo(zr);
            zi.Clear();
            _plan.Forward(zr, zi, work);
            zr[..Bins].CopyTo(re);
            zi[..Bins].CopyTo(im);
            return;
        }

        // Pack even/odd samples as z[j] = x[2j] + i x[2j+1], transform n/2 points, then split:
        // X[k] = E[k] + W^k O[k], with E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) / 2i.
        int h = p;
        for (int j = 0; j < h; j++)
        {
            zr[j] = input[2 * j];
            zi[j] = input[2 * j + 1];
        }
        _plan.Forward(zr, zi, work);
        re[0] = zr[0] + zi[0]; im[0] = 0;
        re[h] = zr[0] - zi[0]; im[h] = 0;
        for (int k = 1; k < h; k++)
        {
            double ar = zr[k], ai = zi[k], br = zr[h - k], bi = -zi[h - k];
            double er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
            // (a - b) / 2i = (ai - bi)/2 - i (ar - br)/2
            double odr = 0.5 * (ai - bi), odi = -0.5 * (ar - br);
            double wr = _wr[k], wi = _wi[k];
            re[k] = er + odr * wr - odi * wi;
            im[k] = ei + odr * wi + odi * wr;
        }
    }
}
