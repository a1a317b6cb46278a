namespace AudioCluster.Features;

/// <summary>
/// MFCC as torchaudio.transforms.MFCC (dct_type 2, norm 'ortho'): the mel spectrogram goes to dB
/// (AmplitudeToDB power, top_db 80) or, with logMels, to log(mel + 1e-6), then through an orthonormal DCT-II.
/// </summary>
public static class Mfcc
{
    /// <summary>Dynamic range kept by the dB conversion, as torchaudio's MFCC.</summary>
    public const double TopDb = 80.0;
    /// <summary>Offset of the natural-log variant (log_mels=true).</summary>
    public const double LogMelsOffset = 1e-6;

    static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), double[]> DctCache = new();

    /// <summary>nMfcc x frames MFCC of a mono clip at options.SampleRate; Kind Mfcc. Thread-safe.</summary>
    public static Spectrogram Compute(ReadOnlySpan<float> mono, MelSpectrogramOptions options, string source, string? label = null,
                                      int nMfcc = 40, bool logMels = false)
    {
        var pipe = MelPipeline.Get(options);
        CheckCount(nMfcc, options.NMels);
        var mel = pipe.Mel(mono, out int frames);
        var mfcc = FromMel(mel, options.NMels, frames, nMfcc, logMels);
        return new Spectrogram(source, label, SpectrogramKind.Mfcc, nMfcc, frames, options.SampleRate, options.HopLength, mfcc) { Options = options };
    }

    /// <summary>MFCC (nMfcc x frames) from a linear-amplitude mel spectrogram (nMels x frames, row-major).</summary>
    public static float[] FromMel(ReadOnlySpan<float> mel, int nMels, int frames, int nMfcc = 40, bool logMels = false)
    {
        CheckCount(nMfcc, nMels);
        if (mel.Length != nMels * frames) throw new ArgumentException($"mel has {mel.Length} values, expected {nMels} x {frames}.", nameof(mel));
        var logged = logMels ? LogOf(mel, LogMelsOffset) : PowerToDb(mel, TopDb);
        var dct = DctCache.GetOrAdd((nMfcc, nMels), static key => CreateDct(key.Item1, key.Item2));
        var result = new float[nMfcc * frames];
        var acc = new double[frames];
        for (int k = 0; k < nMfcc; k++)
        {
            Array.Clear(acc);
            for (int m = 0; m < nMels; m++)
            {
                double c = dct[m * nMfcc + k];
                var row = logged.AsSpan(m * frames, frames);
                for (int t = 0; t < frames; t++) acc[t] += c * row[t];
            }
            for (int t = 0; t < frames; t++) result[k * frames + t] = (float)acc[t];
        }
        return result;
    }

    /// <summary>
    /// AmplitudeToDB(stype='power', top_db): 10 log10(max(x, 1e-10)), then floored at (maximum over the
    /// whole input) - topDb. Pass null for no floor.
    /// </summary>
    public static float[] PowerToDb(ReadOnlySpan<float> power, double? topDb = TopDb)
    {
        var db = new float[power.Length];
        float max = float.NegativeInfinity;
        for (int i = 0; i < power.Length; i++)
        {
            db[i] = (float)(10.0 * Math.Log10(Math.Max(power[i], 1e-10)));
            if (db[i] > max) max = db[i];
        }
        if (topDb is double top)
        {
            float floor = (float)(max - top);
            for (int i = 0; i < db.Length; i++) if (db[i] < floor) db[i] = floor;
        }
        return db;
    }

    /// <summary>
    /// DCT-II matrix as torchaudio.functional.create_dct(nMfcc, nMels, 'ortho'): shape (nMels, nMfcc), row-major,
    /// dct[n, k] = sqrt(2/nMels) cos(pi/nMels (n + 0.5) k), with column k=0 scaled by 1/sqrt(2).
    /// </summary>
    public static double[] CreateDct(int nMfcc, int nMels)
    {
        CheckCount(nMfcc, nMels);
        var dct = new double[nMels * nMfcc];
        double scale = Math.Sqrt(2.0 / nMels);
        for (int n = 0; n < nMels; n++)
            for (int k = 0; k < nMfcc; k++)
                dct[n * nMfcc + k] = Math.Cos(Math.PI / nMels * (n + 0.5) * k) * scale * (k == 0 ? 1.0 / Math.Sqrt(2.0) : 1.0);
        return dct;
    }

    static float[] LogOf(ReadOnlySpan<float> x, double offset)
    {
        var r = new float[x.Length];
        for (int i = 0; i < x.Length; i++) r[i] = (float)Math.Log(x[i] + offset);
        return r;
    }

    static void CheckCount(int nMfcc, int nMels)
    {
        if (nMfcc < 1 || nMfcc > nMels) throw new ArgumentOutOfRangeException(nameof(nMfcc), nMfcc, $"nMfcc must be in 1..nMels ({nMels}).");
    }
}

/// <summary>Delta (time-derivative) coefficients as torchaudio.functional.compute_deltas.</summary>
public static class Deltas
{
    /// <summary>
    /// d[t] = sum_{k=1..N} k (c[t+k] - c[t-k]) / (2 sum_{k=1..N} k^2), N = (winLength - 1) / 2, per row,
    /// with edge frames replicated (mode 'replicate'). Input and output are rows x frames, row-major.
    /// </summary>
    public static float[] Compute(ReadOnlySpan<float> data, int rows, int frames, int winLength = 5)
    {
        if (winLength < 3) throw new ArgumentOutOfRangeException(nameof(winLength), winLength, "winLength must be at least 3.");
        if (rows < 0 || frames < 0 || data.Length != rows * frames) throw new ArgumentException($"data has {data.Length} values, expected {rows} x {frames}.", nameof(data));
        int n = (winLength - 1) / 2;
        double denom = n * (n + 1) * (2 * n + 1) / 3.0;
        var result = new float[data.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = data.Slice(r * frames, frames);
            for (int t = 0; t < frames; t++)
            {
                double acc = 0;
                for (int k = 1; k <= n; k++)
                    acc += k * ((double)row[Math.Min(t + k, frames - 1)] - row[Math.Max(t - k, 0)]);
                result[r * frames + t] = (float)(acc / denom);
            }
        }
        return result;
    }

    /// <summary>Deltas of every row of a spectrogram; same kind and shape.</summary>
    public static Spectrogram Compute(Spectrogram s, int winLength = 5)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new Spectrogram(s.Source, s.Label, s.Kind, s.Bins, s.Frames, s.SampleRate, s.HopLength,
                               Compute(s.Data, s.Bins, s.Frames, winLength)) { Options = s.Options };
    }
}
