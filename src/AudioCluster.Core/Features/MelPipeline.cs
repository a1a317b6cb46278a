using System.Collections.Concurrent;

namespace AudioCluster.Features;

/// <summary>Window, FFT plan and filterbank for one set of options, built once and shared by all threads.</summary>
internal sealed class MelPipeline
{
    static readonly ConcurrentDictionary<MelSpectrogramOptions, MelPipeline> Cache = new();

    public static MelPipeline Get(MelSpectrogramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Cache.TryGetValue(options, out var p)) return p;
        options.Validate();
        // Bounded: a caller sweeping many option sets should not grow memory without limit.
        if (Cache.Count > 64) Cache.Clear();
        return Cache.GetOrAdd(options, static o => new MelPipeline(o));
    }

    public MelSpectrogramOptions Options { get; }
    public RealFft Fft { get; }
    public double[] Window { get; }
    /// <summary>The float32 window and transform when Options.Float32Stft is set, else null.</summary>
    public float[]? Window32 { get; }
    public RealFft32? Fft32 { get; }
    public MelFilterbank Filterbank { get; }

    MelPipeline(MelSpectrogramOptions o)
    {
        Options = o;
        Fft = RealFft.Get(o.NFft);
        Window = Features.Window.PaddedHann(o.EffectiveWinLength, o.NFft, o.PeriodicWindow);
        if (o.Float32Stft)
        {
            Window32 = Features.Window.PaddedHannFloat32(o.EffectiveWinLength, o.NFft, o.PeriodicWindow);
            Fft32 = RealFft32.Get(o.NFft);
        }
        Filterbank = new MelFilterbank(o.FrequencyBins, o.FMin, o.EffectiveFMax, o.NMels, o.SampleRate, o.MelNorm, o.MelScale);
    }

    sealed class Scratch { public double[] Spectrum = [], Mel = []; }
    [ThreadStatic] static Scratch? t_scratch;

    /// <summary>The signal the STFT sees: the clip itself, or its pre-emphasised copy.</summary>
    public ReadOnlySpan<float> Prepare(ReadOnlySpan<float> x)
    {
        float c = Options.PreEmphasis;
        if (c == 0f) return x;
        if (x.Length < 2) return ReadOnlySpan<float>.Empty;
        var y = new float[x.Length - 1];
        // float32, the order conv1d with kernel [-c, 1] computes in.
        for (int n = 0; n < y.Length; n++) y[n] = MathF.FusedMultiplyAdd(-c, x[n], x[n + 1]);
        return y;
    }

    /// <summary>Mel spectrogram, NMels x frames row-major (mel[m * frames + t]).</summary>
    public float[] Mel(ReadOnlySpan<float> x, out int frames)
    {
        var o = Options;
        x = Prepare(x);
        frames = Stft.FrameCount(x.Length, o.NFft, o.HopLength, o.Center);
        var s = t_scratch ??= new Scratch();
        if (s.Spectrum.Length < Fft.Bins) s.Spectrum = new double[Fft.Bins];
        if (s.Mel.Length < o.NMels) s.Mel = new double[o.NMels];
        var spectrum = s.Spectrum.AsSpan(0, Fft.Bins);
        var mel = s.Mel.AsSpan(0, o.NMels);
        var result = new float[o.NMels * frames];
        for (int t = 0; t < frames; t++)
        {
            Frame(x, t, spectrum);
            Filterbank.Apply(spectrum, mel);
            for (int m = 0; m < mel.Length; m++) result[m * frames + t] = (float)mel[m];
        }
        return result;
    }

    /// <summary>|X|^Power of frame t of the (prepared) signal, in double or in torch's float32 arithmetic.</summary>
    public void Frame(ReadOnlySpan<float> x, int t, Span<double> spectrum)
    {
        var o = Options;
        if (Fft32 != null) Stft.Frame32(x, t, o.HopLength, o.Center, Window32!, Fft32, o.Power, spectrum);
        else Stft.Frame(x, t, o.HopLength, o.Center, Window, Fft, o.Power, spectrum);
    }

    /// <summary>Natural log(mel + LogOffset) in place.</summary>
    public void Log(float[] mel)
    {
        double offset = Options.LogOffset;
        for (int i = 0; i < mel.Length; i++) mel[i] = (float)Math.Log(mel[i] + offset);
    }
}
