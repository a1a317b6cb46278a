namespace AudioCluster.Audio;

/// <summary>How <see cref="AudioDecoder"/> prepares a clip.</summary>
public sealed record AudioReadOptions
{
    /// <summary>Resample to this rate (torchaudio-compatible); null keeps the file's rate.</summary>
    public int? SampleRate { get; set; }
    /// <summary>Average the channels into one (default true).</summary>
    public bool Mono { get; set; } = true;
    /// <summary>Start of the excerpt, in the file's own time (applied before resampling).</summary>
    public TimeSpan? Offset { get; set; }
    /// <summary>Length of the excerpt; shorter when the file ends first.</summary>
    public TimeSpan? Duration { get; set; }
    /// <summary>Label given to the clip.</summary>
    public string? Label { get; set; }

    internal void Validate()
    {
        if (SampleRate is <= 0) throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, "Sample rate must be positive.");
        if (Offset < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Offset), Offset, "Offset cannot be negative.");
        if (Duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "Duration must be positive.");
    }
}
