using System.Globalization;
using AudioCluster.Features;

namespace AudioCluster.Encoders;

/// <summary>
/// The default encoder, needing no weights: summary statistics of log-mel, MFCC and delta-MFCC over time.
/// <para>
/// Vector layout for B = NMels mel bands and C = MFCC coefficients (208 floats with the defaults B=64, C=20):
/// <list type="table">
/// <item><term>[0, B)</term><description>mean over frames of each log-mel band, ln(mel + LogOffset)</description></item>
/// <item><term>[B, 2B)</term><description>standard deviation of each log-mel band</description></item>
/// <item><term>[2B, 2B+C)</term><description>mean of each MFCC (from the same mel spectrogram; dB with top_db 80, ortho DCT-II, as torchaudio MFCC with log_mels=false)</description></item>
/// <item><term>[2B+C, 2B+2C)</term><description>standard deviation of each MFCC</description></item>
/// <item><term>[2B+2C, 2B+3C)</term><description>mean of each delta-MFCC (torchaudio compute_deltas, window 5)</description></item>
/// <item><term>[2B+3C, 2B+4C)</term><description>standard deviation of each delta-MFCC</description></item>
/// </list>
/// Standard deviations are population ones (divide by the frame count), so a one-frame clip gives zeros.
/// All frames count, including leading/trailing digital silence (they sit at ln(LogOffset) in log-mel).
/// </para>
/// Thread-safe: one instance may encode many clips in parallel.
/// </summary>
public sealed class MelStatsEncoder : IAudioEncoder
{
    public MelStatsEncoder(MelSpectrogramOptions? options = null, int mfccCount = 20)
    {
        Options = options ?? new MelSpectrogramOptions();
        Options.Validate();
        if (mfccCount < 1 || mfccCount > Options.NMels)
            throw new ArgumentOutOfRangeException(nameof(mfccCount), mfccCount, $"mfccCount must be in 1..NMels ({Options.NMels}).");
        MfccCount = mfccCount;
        Id = MakeId(Options, mfccCount);
    }

    public MelSpectrogramOptions Options { get; }
    public int MfccCount { get; }
    /// <summary>Vector length: 2 * NMels + 4 * MfccCount.</summary>
    public int Dimensions => 2 * Options.NMels + 4 * MfccCount;
    /// <summary>Encoder id with its parameters, e.g. "MelStats/v1 sr=16000 n_fft=1024 hop=160 mels=64 mfcc=20".</summary>
    public string Id { get; }
    public int SampleRate => Options.SampleRate;

    public float[] Encode(ReadOnlySpan<float> mono) => Encode(mono, Options.SampleRate);

    /// <summary>Encodes a mono clip. The caller resamples: <paramref name="sampleRate"/> must equal Options.SampleRate.</summary>
    public float[] Encode(ReadOnlySpan<float> mono, int sampleRate)
    {
        if (sampleRate != Options.SampleRate)
            throw new ArgumentException($"MelStats encoder expects audio at {Options.SampleRate} Hz but the clip is at {sampleRate} Hz; resample it first.", nameof(sampleRate));
        var o = Options;
        int b = o.NMels, c = MfccCount;
        var mel = MelSpectrogram.Compute(mono, o, "").Data;
        int frames = mel.Length / b;

        var v = new float[Dimensions];
        var mfcc = Mfcc.FromMel(mel, b, frames, c, logMels: false);
        var delta = Deltas.Compute(mfcc, c, frames);
        // Log in place only after the MFCC has used the linear mel values.
        double offset = o.LogOffset;
        for (int i = 0; i < mel.Length; i++) mel[i] = (float)Math.Log(mel[i] + offset);

        MeanStd(mel, b, frames, v.AsSpan(0, b), v.AsSpan(b, b));
        MeanStd(mfcc, c, frames, v.AsSpan(2 * b, c), v.AsSpan(2 * b + c, c));
        MeanStd(delta, c, frames, v.AsSpan(2 * b + 2 * c, c), v.AsSpan(2 * b + 3 * c, c));
        return v;
    }

    /// <summary>Encodes a clip into an embedding that carries this encoder's id.</summary>
    public AudioEmbedding Encode(ReadOnlySpan<float> mono, int sampleRate, string source, string? label) =>
        new(source, label, Id, Encode(mono, sampleRate));

    static void MeanStd(float[] data, int rows, int frames, Span<float> mean, Span<float> std)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * frames, frames);
            double sum = 0;
            foreach (var x in row) sum += x;
            double mu = sum / frames, ss = 0;
            foreach (var x in row) ss += (x - mu) * (x - mu);
            mean[r] = (float)mu;
            std[r] = (float)Math.Sqrt(ss / frames);
        }
    }

    static string MakeId(MelSpectrogramOptions o, int mfcc)
    {
        var ic = CultureInfo.InvariantCulture;
        var id = string.Create(ic, $"MelStats/v1 sr={o.SampleRate} n_fft={o.NFft} hop={o.HopLength} mels={o.NMels} mfcc={mfcc}");
        // Name the remaining parameters only where they differ from the defaults, to keep the usual id short.
        var d = new MelSpectrogramOptions();
        if (o.EffectiveWinLength != o.NFft) id += string.Create(ic, $" win={o.EffectiveWinLength}");
        if (o.FMin != d.FMin || o.EffectiveFMax != d.EffectiveFMax) id += string.Create(ic, $" fmin={o.FMin} fmax={o.EffectiveFMax}");
        if (o.Power != d.Power) id += string.Create(ic, $" power={o.Power}");
        if (o.MelScale != d.MelScale) id += $" scale={o.MelScale.ToString().ToLowerInvariant()}";
        if (o.MelNorm != d.MelNorm) id += $" norm={o.MelNorm.ToString().ToLowerInvariant()}";
        if (o.LogOffset != d.LogOffset) id += string.Create(ic, $" log_offset={o.LogOffset:R}");
        if (o.Center != d.Center) id += " center=false";
        if (!o.PeriodicWindow) id += " window=symmetric";
        if (o.PreEmphasis != 0) id += string.Create(ic, $" preemph={o.PreEmphasis}");
        if (o.Float32Stft) id += " stft=float32";
        return id;
    }
}
