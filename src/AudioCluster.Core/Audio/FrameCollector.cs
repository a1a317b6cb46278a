namespace AudioCluster.Audio;

/// <summary>
/// Gathers interleaved frames from a streaming decoder, keeping only the requested window,
/// so a short excerpt of a long file never holds the whole file in memory.
/// </summary>
internal sealed class FrameCollector
{
    readonly int _channels;
    readonly long _skip;        // frames to drop at the start
    readonly long _limit;       // frames to keep (long.MaxValue: all)
    float[] _buffer;
    long _kept;                 // frames kept

    public FrameCollector(int channels, long skipFrames, long maxFrames, long expectedFrames = 0)
    {
        _channels = channels;
        _skip = skipFrames;
        _limit = maxFrames;
        long initial = Math.Clamp(Math.Min(expectedFrames, maxFrames), 0, 1 << 24) * channels;
        _buffer = new float[Math.Max(initial, 4096)];
    }

    /// <summary>Creates a collector for the crop in <paramref name="options"/> once the rate is known.</summary>
    public static FrameCollector For(AudioReadOptions options, int sampleRate, int channels, long expectedFrames = 0)
    {
        long skip = options.Offset is { } o ? ToFrames(o, sampleRate) : 0;
        long max = options.Duration is { } d ? Math.Max(1, ToFrames(d, sampleRate)) : long.MaxValue;
        return new FrameCollector(channels, skip, max, expectedFrames > 0 ? expectedFrames - skip : 0);
    }

    /// <summary>Rounded frame index of a time at a rate.</summary>
    public static long ToFrames(TimeSpan t, int sampleRate) =>
        (long)Math.Round((decimal)t.Ticks * sampleRate / TimeSpan.TicksPerSecond, MidpointRounding.AwayFromZero);

    public long SkipFrames => _skip;
    /// <summary>Frames seen so far, kept or skipped.</summary>
    public long FramesSeen { get; private set; }
    /// <summary>The window is complete: the decoder can stop.</summary>
    public bool IsFull => _kept >= _limit;

    /// <summary>Notes frames that were skipped without decoding them (e.g. by seeking).</summary>
    public void Skipped(long frames) => FramesSeen += frames;

    public void Add(ReadOnlySpan<float> interleaved)
    {
        long frames = interleaved.Length / _channels;
        long start = Math.Clamp(_skip - FramesSeen, 0, frames);
        long take = Math.Min(frames - start, _limit - _kept);
        FramesSeen += frames;
        if (take <= 0) return;
        long need = (_kept + take) * _channels;
        if (need > Array.MaxLength) throw new InvalidOperationException("Audio is too long to hold in memory.");
        if (need > _buffer.Length) Array.Resize(ref _buffer, (int)Math.Min(Array.MaxLength, Math.Max(need, (long)_buffer.Length * 2)));
        interleaved.Slice((int)(start * _channels), (int)(take * _channels)).CopyTo(_buffer.AsSpan((int)(_kept * _channels)));
        _kept += take;
    }

    /// <summary>The kept samples; throws when the file held nothing in the window.</summary>
    public float[] ToArray(string path)
    {
        if (FramesSeen == 0) throw new AudioDecodeException(path, "the file contains no audio samples (zero length)");
        if (_kept == 0)
            throw new AudioDecodeException(path, $"the offset (frame {_skip}) is at or beyond the end of the audio ({FramesSeen} frames)");
        var result = _buffer;
        if (result.Length != _kept * _channels) Array.Resize(ref result, (int)(_kept * _channels));
        return result;
    }
}
