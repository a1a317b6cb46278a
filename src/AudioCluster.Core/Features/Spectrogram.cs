namespace AudioCluster.Features;

public enum SpectrogramKind { LogMel, Mel, Mfcc, Power }

/// <summary>A time-frequency matrix of one clip: Data[bin * Frames + frame] (row-major, bins x frames).</summary>
public sealed class Spectrogram
{
    public Spectrogram(string source, string? label, SpectrogramKind kind, int bins, int frames, int sampleRate, int hopLength, float[] data)
    {
        if (data.Length != (long)bins * frames) throw new ArgumentException($"data has {data.Length} values, expected {bins} x {frames}", nameof(data));
        Source = source; Label = label; Kind = kind; Bins = bins; Frames = frames;
        SampleRate = sampleRate; HopLength = hopLength; Data = data;
    }

    public string Source { get; }
    public string Name => System.IO.Path.GetFileName(Source);
    public string? Label { get; }
    public SpectrogramKind Kind { get; }
    public int Bins { get; }
    public int Frames { get; }
    public int SampleRate { get; }
    public int HopLength { get; }
    public float[] Data { get; }
    /// <summary>The settings it was computed with (frequency range, mel scale), where known; drawing it needs them.</summary>
    public MelSpectrogramOptions? Options { get; init; }
    public float this[int bin, int frame] => Data[bin * Frames + frame];
    public ReadOnlySpan<float> Row(int bin) => Data.AsSpan(bin * Frames, Frames);
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Frames * HopLength / SampleRate);

    public override string ToString() => $"{Name} {Kind} {Bins}x{Frames}";
}
