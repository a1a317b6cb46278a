namespace AudioCluster.Features;

/// <summary>
/// Triangular mel filters as torchaudio.functional.melscale_fbanks, stored sparsely: each filter keeps
/// only its run of non-zero weights, so applying it to a spectrum frame costs about 2 * NFreqs multiplies.
/// </summary>
public sealed class MelFilterbank
{
    /// <summary>Hz to mel: HTK 2595 log10(1 + f/700), Kaldi 1127 ln(1 + f/700), or Slaney (linear below 1 kHz, logarithmic above).</summary>
    public static double HzToMel(double hz, MelScale scale)
    {
        if (scale == MelScale.Htk) return 2595.0 * Math.Log10(1.0 + hz / 700.0);
        if (scale == MelScale.Kaldi) return 1127.0 * Math.Log(1.0 + hz / 700.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return hz >= minLogHz ? minLogMel + Math.Log(hz / minLogHz) / logStep : hz / fSp;
    }

    /// <summary>Inverse of <see cref="HzToMel"/>.</summary>
    public static double MelToHz(double mel, MelScale scale)
    {
        if (scale == MelScale.Htk) return 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
        if (scale == MelScale.Kaldi) return 700.0 * (Math.Exp(mel / 1127.0) - 1.0);
        const double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp;
        double logStep = Math.Log(6.4) / 27.0;
        return mel >= minLogMel ? minLogHz * Math.Exp(logStep * (mel - minLogMel)) : fSp * mel;
    }

    /// <summary>
    /// Dense filterbank laid out as torchaudio's: fb[freq * nMels + mel], shape (nFreqs, nMels).
    /// Bin f sits at f * (sampleRate / 2) / (nFreqs - 1) Hz, with sampleRate / 2 in integers as torchaudio.
    /// </summary>
    public static float[] Create(int nFreqs, double fMin, double fMax, int nMels, int sampleRate,
                                 MelNorm norm = MelNorm.None, MelScale scale = MelScale.Htk)
    {
        var bank = new MelFilterbank(nFreqs, fMin, fMax, nMels, sampleRate, norm, scale);
        var fb = new float[nFreqs * nMels];
        for (int m = 0; m < nMels; m++)
            for (int i = 0; i < bank._count[m]; i++)
                fb[(bank._start[m] + i) * nMels + m] = bank._weights[bank._offset[m] + i];
        return fb;
    }

    public int NFreqs { get; }
    public int NMels { get; }

    readonly int[] _start, _count, _offset;
    readonly float[] _weights;

    public MelFilterbank(int nFreqs, double fMin, double fMax, int nMels, int sampleRate,
                         MelNorm norm = MelNorm.None, MelScale scale = MelScale.Htk)
    {
        if (nFreqs < 2) throw new ArgumentOutOfRangeException(nameof(nFreqs), nFreqs, "Need at least 2 frequency bins.");
        if (nMels < 1) throw new ArgumentOutOfRangeException(nameof(nMels), nMels, "Need at least 1 mel band.");
        if (!(fMax > fMin)) throw new ArgumentException($"fMax ({fMax}) must be above fMin ({fMin}).");
        NFreqs = nFreqs; NMels = nMels;
        _start = new int[nMels]; _count = new int[nMels]; _offset = new int[nMels];
        if (scale == MelScale.Kaldi)
        {
            _weights = KaldiWeights(nFreqs, fMin, fMax, nMels, sampleRate);
            return;
        }

        // Band edges equally spaced in mel, mapped back to Hz.
        double mMin = HzToMel(fMin, scale), mMax = HzToMel(fMax, scale);
        var fPts = new double[nMels + 2];
        for (int i = 0; i < fPts.Length; i++)
            fPts[i] = MelToHz(mMin + (mMax - mMin) * i / (nMels + 1), scale);
        double nyquist = sampleRate / 2; // integer division, as torchaudio's linspace(0, sr // 2, n_freqs)

        var weights = new List<float>();
        for (int m = 0; m < nMels; m++)
        {
            double lo = fPts[m], mid = fPts[m + 1], hi = fPts[m + 2];
            double enorm = norm == MelNorm.Slaney ? 2.0 / (hi - lo) : 1.0;
            int first = -1, last = -1;
            _offset[m] = weights.Count;
            for (int f = 0; f < nFreqs; f++)
            {
                double hz = nyquist * f / (nFreqs - 1);
                // max(0, min(rising edge, falling edge)), as torchaudio's triangular filterbank.
                double up = (hz - lo) / (mid - lo), down = (hi - hz) / (hi - mid);
                double w = Math.Max(0.0, Math.Min(up, down)) * enorm;
                if (w <= 0) { if (first >= 0) break; continue; }
                if (first < 0) first = f;
                last = f;
                weights.Add((float)w);
            }
            _start[m] = Math.Max(first, 0);
            _count[m] = first < 0 ? 0 : last - first + 1;
        }
        _weights = weights.ToArray();
    }

    // Kaldi's triangles are linear in mel (not in Hz) between edges equally spaced in mel; FFT bin k
    // sits at k * sampleRate / nFft, and the Nyquist bin gets no weight (torchaudio pads a zero column).
    // Computed in float32 in torchaudio's order (get_mel_banks), so the weights agree to the last bit or two.
    float[] KaldiWeights(int nFreqs, double fMin, double fMax, int nMels, int sampleRate)
    {
        int nFft = 2 * (nFreqs - 1);
        float binWidth = (float)((double)sampleRate / nFft);
        double mLow = HzToMel(fMin, MelScale.Kaldi);
        float low = (float)mLow, delta = (float)((HzToMel(fMax, MelScale.Kaldi) - mLow) / (nMels + 1));
        var weights = new List<float>();
        for (int m = 0; m < nMels; m++)
        {
            float left = low + m * delta, centre = low + (m + 1f) * delta, right = low + (m + 2f) * delta;
            int first = -1, last = -1;
            _offset[m] = weights.Count;
            for (int f = 0; f < nFreqs - 1; f++)
            {
                float mel = 1127f * MathF.Log(1f + binWidth * f / 700f);
                float w = MathF.Max(0f, MathF.Min((mel - left) / (centre - left), (right - mel) / (right - centre)));
                if (w <= 0) { if (first >= 0) break; continue; }
                if (first < 0) first = f;
                last = f;
                weights.Add(w);
            }
            _start[m] = Math.Max(first, 0);
            _count[m] = first < 0 ? 0 : last - first + 1;
        }
        return weights.ToArray();
    }

    /// <summary>mel[m] = sum_f spectrum[f] * fb[f, m], accumulated in double.</summary>
    public void Apply(ReadOnlySpan<double> spectrum, Span<double> mel)
    {
        for (int m = 0; m < NMels; m++)
        {
            var w = _weights.AsSpan(_offset[m], _count[m]);
            var s = spectrum.Slice(_start[m], _count[m]);
            double acc = 0;
            for (int i = 0; i < w.Length; i++) acc += w[i] * s[i];
            mel[m] = acc;
        }
    }
}
