using System.Collections.Concurrent;

namespace AudioCluster.Audio;

/// <summary>
/// Polyphase kernel of torchaudio 0.13's default resampler (Hann-windowed sinc,
/// lowpass_filter_width 6, rolloff 0.99) for one gcd-reduced rate pair.
/// </summary>
public sealed class ResampleKernel
{
    readonly float[] _weights;   // New rows of Length taps, as torchaudio builds them
    readonly int[] _first;       // per phase: first tap that is not negligible
    readonly int[] _count;       // per phase: number of taps from _first on

    internal ResampleKernel(int orig, int @new, int width, float[] weights)
    {
        Orig = orig;
        New = @new;
        Width = width;
        Length = 2 * width + orig;
        _weights = weights;
        _first = new int[@new];
        _count = new int[@new];
        for (int p = 0; p < @new; p++)
        {
            // Taps beyond the clamped ends underflow to zero in float32; skipping them leaves every
            // sum unchanged but makes strongly reduced ratios (e.g. 441:160) much cheaper.
            var row = Phase(p);
            int a = 0, b = row.Length - 1;
            while (a <= b && row[a] == 0) a++;
            while (b >= a && row[b] == 0) b--;
            _first[p] = a;
            _count[p] = b - a + 1;
        }
    }

    /// <summary>Source rate after gcd reduction (the conv stride).</summary>
    public int Orig { get; }
    /// <summary>Target rate after gcd reduction (the number of phases).</summary>
    public int New { get; }
    /// <summary>Zero padding on the left; the right gets Width + Orig.</summary>
    public int Width { get; }
    /// <summary>Taps per phase: 2 * Width + Orig.</summary>
    public int Length { get; }

    /// <summary>The float32 taps of output phase <paramref name="phase"/> (0 .. New-1).</summary>
    public ReadOnlySpan<float> Phase(int phase)
    {
        if ((uint)phase >= (uint)New) throw new ArgumentOutOfRangeException(nameof(phase));
        return _weights.AsSpan(phase * Length, Length);
    }

    internal int First(int phase) => _first[phase];
    internal int Count(int phase) => _count[phase];
}

/// <summary>
/// Band-limited resampling that reproduces torchaudio.functional.resample (0.13, defaults):
/// the same float32 kernel and the same float32 fused multiply-adds in tap order as torch's conv1d,
/// so the output is bit-identical and features computed here match the PyTorch references.
/// </summary>
public static class Resampler
{
    public const int LowpassFilterWidth = 6;
    public const double Rolloff = 0.99;

    static readonly ConcurrentDictionary<(int, int), ResampleKernel> Kernels = new();

    /// <summary>Resamples mono audio from <paramref name="fromRate"/> to <paramref name="toRate"/>; same rate returns a copy.</summary>
    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate)
    {
        CheckRates(fromRate, toRate);
        if (fromRate == toRate) return input.ToArray();
        var k = GetKernel(fromRate, toRate);
        int n = input.Length;
        int outLen = OutputLength(n, fromRate, toRate);
        var output = new float[outLen];
        if (outLen == 0) return output;

        // Zero padded copy, as torch pads (width, width + orig) before the strided conv.
        var padded = new float[n + 2 * k.Width + k.Orig];
        input.CopyTo(padded.AsSpan(k.Width));

        int frames = (outLen + k.New - 1) / k.New;       // conv output positions needed
        long work = (long)outLen * k.Length;
        if (work < 1 << 20)
        {
            Run(k, padded, output, 0, frames);
        }
        else
        {
            const int block = 4096;
            int blocks = (frames + block - 1) / block;
            Parallel.For(0, blocks, b => Run(k, padded, output, b * block, Math.Min(frames, (b + 1) * block)));
        }
        return output;
    }

    /// <summary>Output length torchaudio gives: ceil(new * n / orig) with the gcd-reduced rates.</summary>
    public static int OutputLength(int inputLength, int fromRate, int toRate)
    {
        CheckRates(fromRate, toRate);
        if (fromRate == toRate) return inputLength;
        int g = Gcd(fromRate, toRate);
        long orig = fromRate / g, @new = toRate / g;
        long len = (@new * inputLength + orig - 1) / orig;
        if (len > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(inputLength), "Resampled audio would be too long.");
        return (int)len;
    }

    /// <summary>The cached kernel for a rate pair (gcd-reduced).</summary>
    public static ResampleKernel GetKernel(int fromRate, int toRate)
    {
        CheckRates(fromRate, toRate);
        int g = Gcd(fromRate, toRate);
        return Kernels.GetOrAdd((fromRate / g, toRate / g), key => BuildKernel(key.Item1, key.Item2));
    }

    // Mirrors torchaudio 0.13 _get_sinc_resample_kernel: double precision, cast to float32 at the end.
    static ResampleKernel BuildKernel(int orig, int @new)
    {
        const int lpw = LowpassFilterWidth;
        double baseFreq = Math.Min(orig, @new) * Rolloff;
        int width = (int)Math.Ceiling(lpw * (double)orig / baseFreq);
        int length = 2 * width + orig;
        double scale = baseFreq / orig;
        var weights = new float[@new * length];
        for (int i = 0; i < @new; i++)
        {
            // torch.arange(0, -new, -1) / new is an int tensor divided in float32 (default dtype).
            double phase = (float)-i / (float)@new;
            for (int j = 0; j < length; j++)
            {
                double idx = (double)(j - width) / orig;
                double t = (phase + idx) * baseFreq;
                t = Math.Clamp(t, -lpw, lpw);
                double c = Math.Cos(t * Math.PI / lpw / 2);
                double window = c * c;
                t *= Math.PI;
                double sinc = t == 0 ? 1.0 : Math.Sin(t) / t;
                weights[i * length + j] = (float)(sinc * (window * scale));
            }
        }
        return new ResampleKernel(orig, @new, width, weights);
    }

    // Conv positions [from, to): y[f * New + p] = sum_k K[p][k] * padded[f * Orig + k].
    static void Run(ResampleKernel k, float[] padded, float[] output, int from, int to)
    {
        for (int f = from; f < to; f++)
        {
            int baseOut = f * k.New;
            int phases = Math.Min(k.New, output.Length - baseOut);
            for (int p = 0; p < phases; p++)
            {
                int first = k.First(p), count = k.Count(p);
                output[baseOut + p] = Dot(k.Phase(p).Slice(first, count), padded.AsSpan(f * k.Orig + first, count));
            }
        }
    }

    // float32 fused multiply-adds in tap order: what torch's conv1d does here, so the output is bit-identical.
    static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++) sum = MathF.FusedMultiplyAdd(a[i], b[i], sum);
        return sum;
    }

    static void CheckRates(int fromRate, int toRate)
    {
        if (fromRate <= 0) throw new ArgumentOutOfRangeException(nameof(fromRate), fromRate, "Sample rate must be positive.");
        if (toRate <= 0) throw new ArgumentOutOfRangeException(nameof(toRate), toRate, "Sample rate must be positive.");
    }

    static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
