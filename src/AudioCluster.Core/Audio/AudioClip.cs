namespace AudioCluster.Audio;

/// <summary>Decoded audio: samples interleaved by channel, with where it came from and its label.</summary>
public sealed class AudioClip
{
    public AudioClip(string source, float[] samples, int sampleRate, int channels, string? label = null, string? format = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(samples);
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate));
        if (channels <= 0 || samples.Length % channels != 0) throw new ArgumentOutOfRangeException(nameof(channels));
        Source = source;
        Samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
        Label = label;
        Format = format;
    }

    /// <summary>Full path of the file the clip was decoded from (or a name for generated audio).</summary>
    public string Source { get; }
    public string Name => System.IO.Path.GetFileName(Source);
    public string? Label { get; }
    public int SampleRate { get; }
    public int Channels { get; }
    /// <summary>Container/codec the clip was decoded from (wav, aiff, mp3, ogg, ffmpeg:flac ...).</summary>
    public string? Format { get; }
    /// <summary>Samples in [-1, 1], interleaved when Channels &gt; 1.</summary>
    public float[] Samples { get; }
    public int FrameCount => Samples.Length / Channels;
    public TimeSpan Duration => TimeSpan.FromSeconds((double)FrameCount / SampleRate);

    public AudioClip WithLabel(string? label) => new(Source, Samples, SampleRate, Channels, label, Format);

    public override string ToString() => $"{Name} ({SampleRate} Hz, {Channels} ch, {Duration.TotalSeconds:0.###} s)";
}
