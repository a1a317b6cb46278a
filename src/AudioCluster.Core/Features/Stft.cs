namespace AudioCluster.Features;

/// <summary>
/// Short-time Fourier transform as torchaudio.transforms.Spectrogram calls torch.stft: periodic Hann window of
/// WinLength zero-padded centrally to NFft, optional centring with reflect padding of NFft/2 samples per side,
/// one-sided output (NFft/2 + 1 bins), not normalised, |X|^Power.
/// <para>
/// Short clips, where torch.stft fails: with centring, a clip of at most NFft/2 samples cannot be
/// reflect-padded, so it is zero-padded on both sides instead (frame count unchanged); without centring,
/// a clip shorter than NFft is zero-padded at the end to one frame.
/// </para>
/// </summary>
public static class Stft
{
    /// <summary>Frames torch.stft gives: 1 + (n + 2*(NFft/2) - NFft) / hop when centred (1 + n/hop for even NFft), else 1 + (n - NFft)/hop.</summary>
    public static int FrameCount(int samples, int nFft, int hopLength, bool center)
    {
        if (samples < 0) throw new ArgumentOutOfRangeException(nameof(samples));
        if (nFft < 1 || hopLength < 1) throw new ArgumentException("nFft and hopLength must be positive.");
        int padded = center ? samples + 2 * (nFft / 2) : samples;
        return padded < nFft ? 1 : 1 + (padded - nFft) / hopLength;
    }

    /// <summary>Linear spectrogram |X|^Power, (NFft/2 + 1) bins x frames, Kind Power (magnitude when Power is 1).</summary>
    public static Spectrogram Compute(ReadOnlySpan<float> mono, MelSpectrogramOptions options, string source, string? label)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pipe = MelPipeline.Get(options);
        var fft = pipe.Fft;
        mono = pipe.Prepare(mono);
        int bins = fft.Bins;
        int frames = FrameCount(mono.Length, options.NFft, options.HopLength, options.Center);
        var data = new float[bins * frames];
        var spectrum = new double[bins];
        for (int t = 0; t < frames; t++)
        {
            pipe.Frame(mono, t, spectrum);
            for (int f = 0; f < bins; f++) data[f * frames + t] = (float)spectrum[f];
        }
        return new Spectrogram(source, label, SpectrogramKind.Power, bins, frames, options.SampleRate, options.HopLength, data) { Options = options };
    }

    sealed class Scratch { public double[] Frame = [], Re = [], Im = []; public float[] Frame32 = [], Work32 = []; }
    [ThreadStatic] static Scratch? t_scratch;

    /// <summary>|X|^power of frame <paramref name="t"/> into <paramref name="spectrum"/> (NFft/2 + 1 values). No allocations after a thread's first call.</summary>
    internal static void Frame(ReadOnlySpan<float> x, int t, int hop, bool center, double[] window, RealFft fft,
                               double power, Span<double> spectrum)
    {
        int nFft = fft.Length, n = x.Length, bins = fft.Bins;
        var s = t_scratch ??= new Scratch();
        if (s.Frame.Length < nFft) s.Frame = new double[nFft];
        if (s.Re.Length < bins) { s.Re = new double[bins]; s.Im = new double[bins]; }
        var frame = s.Frame.AsSpan(0, nFft);

        int pad = center ? nFft / 2 : 0;
        int start = t * hop - pad;
        bool reflect = center && n > pad; // torch's reflect pad needs pad < length; otherwise zeros
        if (start >= 0 && start + nFft <= n)
        {
            for (int i = 0; i < nFft; i++) frame[i] = x[start + i] * window[i];
        }
        else
        {
            for (int i = 0; i < nFft; i++)
            {
                int idx = start + i;
                if (reflect)
                {
                    if (idx < 0) idx = -idx;
                    else if (idx >= n) idx = 2 * (n - 1) - idx;
                }
                frame[i] = idx >= 0 && idx < n ? x[idx] * window[i] : 0.0;
            }
        }

        fft.Forward(frame, s.Re, s.Im);
        var re = s.Re; var im = s.Im;
        if (power == 2.0)
            for (int f = 0; f < bins; f++) spectrum[f] = re[f] * re[f] + im[f] * im[f];
        else if (power == 1.0)
            for (int f = 0; f < bins; f++) spectrum[f] = Math.Sqrt(re[f] * re[f] + im[f] * im[f]);
        else
            for (int f = 0; f < bins; f++) spectrum[f] = Math.Pow(re[f] * re[f] + im[f] * im[f], power / 2);
    }

    /// <summary>
    /// As <see cref="Frame"/>, in float32 as torch.stft: frame samples times the float32 window, the float32
    /// FFT, |X| and its power in float32; the result is widened to double for the mel sums.
    /// </summary>
    internal static void Frame32(ReadOnlySpan<float> x, int t, int hop, bool center, float[] window, RealFft32 fft,
                                 double power, Span<double> spectrum)
    {
        int nFft = fft.Length, n = x.Length, bins = nFft / 2 + 1;
        var s = t_scratch ??= new Scratch();
        if (s.Frame32.Length < nFft) { s.Frame32 = new float[nFft]; s.Work32 = new float[nFft]; }
        var frame = s.Frame32.AsSpan(0, nFft);
        int pad = center ? nFft / 2 : 0;
        int start = t * hop - pad;
        bool reflect = center && n > pad;
        for (int i = 0; i < nFft; i++)
        {
            int idx = start + i;
            if (reflect)
            {
                if (idx < 0) idx = -idx;
                else if (idx >= n) idx = 2 * (n - 1) - idx;
            }
            frame[i] = idx >= 0 && idx < n ? x[idx] * window[i] : 0f;
        }
        fft.Forward(frame, s.Work32);
        for (int f = 0; f < bins; f++)
        {
            float re = f == 0 ? frame[0] : f == nFft / 2 ? frame[nFft - 1] : frame[2 * f - 1];
            float im = f == 0 || f == nFft / 2 ? 0f : frame[2 * f];
            // |X| first, then its power, as torchaudio's spec.abs().pow(power).
            float magnitude = MathF.Sqrt(re * re + im * im);
            spectrum[f] = power == 2.0 ? magnitude * magnitude : power == 1.0 ? magnitude : Math.Pow(magnitude, power);
        }
    }
}
