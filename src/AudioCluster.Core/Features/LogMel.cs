namespace AudioCluster.Features;

/// <summary>Mel spectrogram as torchaudio.transforms.MelSpectrogram (float32 output, float64 sums).</summary>
public static class MelSpectrogram
{
    /// <summary>NMels x frames mel spectrogram of a mono clip at options.SampleRate; Kind Mel.</summary>
    public static Spectrogram Compute(ReadOnlySpan<float> mono, MelSpectrogramOptions options, string source, string? label = null)
    {
        var pipe = MelPipeline.Get(options);
        var mel = pipe.Mel(mono, out int frames);
        return new Spectrogram(source, label, SpectrogramKind.Mel, options.NMels, frames, options.SampleRate, options.HopLength, mel) { Options = options };
    }
}

/// <summary>Log-mel spectrogram: natural log(mel + LogOffset), as BYOL-A's preprocessing (before normalisation).</summary>
public static class LogMel
{
    /// <summary>NMels x frames log-mel spectrogram of a mono clip at options.SampleRate; Kind LogMel. Thread-safe.</summary>
    public static Spectrogram Compute(ReadOnlySpan<float> mono, MelSpectrogramOptions options, string source, string? label = null)
    {
        var pipe = MelPipeline.Get(options);
        var mel = pipe.Mel(mono, out int frames);
        pipe.Log(mel);
        return new Spectrogram(source, label, SpectrogramKind.LogMel, options.NMels, frames, options.SampleRate, options.HopLength, mel) { Options = options };
    }
}
