namespace AudioCluster.Features;

/// <summary>
/// Mel frequency scale: torchaudio's <c>mel_scale</c> (Htk, Slaney), or Kaldi's filterbank
/// (torchaudio.compliance.kaldi.get_mel_banks: 1127 ln(1 + f/700), triangles in mel, FFT bins at
/// k * SampleRate / NFft, none at Nyquist), as EfficientAT and other AudioSet models use.
/// </summary>
public enum MelScale { Htk, Slaney, Kaldi }

/// <summary>Filter normalisation, as torchaudio's <c>norm</c>: none, or Slaney's constant energy per band.</summary>
public enum MelNorm { None, Slaney }

/// <summary>
/// Parameters of a (log-)mel spectrogram, named after torchaudio.transforms.MelSpectrogram.
/// The defaults are BYOL-A's: 16 kHz, 1024-point FFT, 10 ms hop, 64 HTK mels over 60..7800 Hz, power 2.
/// </summary>
public sealed record MelSpectrogramOptions
{
    public int SampleRate { get; init; } = 16000;
    public int NFft { get; init; } = 1024;
    /// <summary>Window length; null means <see cref="NFft"/>. A shorter window is zero-padded centrally.</summary>
    public int? WinLength { get; init; }
    public int HopLength { get; init; } = 160;
    public int NMels { get; init; } = 64;
    public double FMin { get; init; } = 60.0;
    /// <summary>Upper band edge in Hz; null means SampleRate / 2.</summary>
    public double? FMax { get; init; } = 7800.0;
    /// <summary>Exponent of the magnitude: 1 gives magnitude, 2 gives power.</summary>
    public double Power { get; init; } = 2.0;
    public MelScale MelScale { get; init; } = MelScale.Htk;
    public MelNorm MelNorm { get; init; } = MelNorm.None;
    /// <summary>Added before the natural log; float32 machine epsilon as in BYOL-A.</summary>
    public float LogOffset { get; init; } = 1.1920928955078125e-07f;
    /// <summary>Reflect-pad NFft/2 samples on each side so that frame t is centred on sample t*hop.</summary>
    public bool Center { get; init; } = true;
    /// <summary>Hann window as an STFT wants it (periodic, torch's default); false gives the symmetric window.</summary>
    public bool PeriodicWindow { get; init; } = true;
    /// <summary>
    /// Pre-emphasis coefficient c, 0 for none: y[n] = x[n+1] - c x[n] (length N-1, float32), as a
    /// conv1d with kernel [-c, 1] before the STFT (EfficientAT uses 0.97).
    /// </summary>
    public float PreEmphasis { get; init; }
    /// <summary>
    /// Window, windowed frames and FFT in float32 as torch.stft computes them (see <see cref="RealFft32"/>;
    /// power-of-two NFft), instead of the default double precision. Nearly empty bands then carry the same
    /// roundoff as the PyTorch references; BYOL-A's embeddings need it to match theirs to 1e-3.
    /// </summary>
    public bool Float32Stft { get; init; }

    public int EffectiveWinLength => WinLength ?? NFft;
    public double EffectiveFMax => FMax ?? SampleRate / 2.0;
    /// <summary>Number of linear frequency bins, NFft/2 + 1.</summary>
    public int FrequencyBins => NFft / 2 + 1;

    /// <summary>Throws ArgumentException naming the first bad parameter.</summary>
    public void Validate()
    {
        if (SampleRate <= 0) throw new ArgumentException($"SampleRate must be positive, got {SampleRate}.");
        if (NFft < 2) throw new ArgumentException($"NFft must be at least 2, got {NFft}.");
        if (EffectiveWinLength < 1 || EffectiveWinLength > NFft) throw new ArgumentException($"WinLength must be in 1..NFft ({NFft}), got {EffectiveWinLength}.");
        if (HopLength < 1) throw new ArgumentException($"HopLength must be positive, got {HopLength}.");
        if (NMels < 1) throw new ArgumentException($"NMels must be positive, got {NMels}.");
        if (FMin < 0 || double.IsNaN(FMin)) throw new ArgumentException($"FMin must be >= 0, got {FMin}.");
        if (!(EffectiveFMax > FMin)) throw new ArgumentException($"FMax ({EffectiveFMax}) must be above FMin ({FMin}).");
        if (EffectiveFMax > SampleRate / 2.0) throw new ArgumentException($"FMax ({EffectiveFMax}) must not exceed the Nyquist frequency ({SampleRate / 2.0}).");
        if (!(Power > 0)) throw new ArgumentException($"Power must be positive, got {Power}.");
        if (!(LogOffset >= 0)) throw new ArgumentException($"LogOffset must be >= 0, got {LogOffset}.");
        if (Float32Stft && !RealFft32.Supports(NFft)) throw new ArgumentException($"Float32Stft needs a power-of-two NFft, got {NFft}.");
        if (!float.IsFinite(PreEmphasis)) throw new ArgumentException($"PreEmphasis must be finite, got {PreEmphasis}.");
        if (MelScale == MelScale.Kaldi && MelNorm != MelNorm.None) throw new ArgumentException("The Kaldi mel scale has no Slaney normalisation; use MelNorm None.");
    }
}
