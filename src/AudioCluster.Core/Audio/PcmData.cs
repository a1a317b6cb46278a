using System.Buffers.Binary;

namespace AudioCluster.Audio;

internal enum SampleEncoding { U8, S8, S16, S24, S32, F32, F64, ALaw, MuLaw }

/// <summary>How uncompressed samples are laid out in a WAV or AIFF data chunk.</summary>
internal sealed record PcmLayout(SampleEncoding Encoding, bool BigEndian, int Channels, int SampleRate)
{
    public int BytesPerSample => SizeOf(Encoding);
    public int BlockAlign => BytesPerSample * Channels;

    public static int SizeOf(SampleEncoding e) => e switch
    {
        SampleEncoding.U8 or SampleEncoding.S8 or SampleEncoding.ALaw or SampleEncoding.MuLaw => 1,
        SampleEncoding.S16 => 2,
        SampleEncoding.S24 => 3,
        SampleEncoding.S32 or SampleEncoding.F32 => 4,
        _ => 8,
    };
}

/// <summary>
/// Reads the data chunk of a WAV/AIFF file into floats. Integer scaling follows soundfile/torchaudio
/// (int16 / 32768, int24 / 2^23, int32 / 2^31, uint8 (b - 128) / 128) so values match the references.
/// </summary>
internal static class PcmData
{
    /// <summary>
    /// Reads <paramref name="dataBytes"/> bytes (null: to the end of the stream) of sample frames.
    /// A declared size the stream cannot deliver means the file was cut short: that throws.
    /// </summary>
    public static (float[] Samples, int SampleRate, int Channels) Read(
        Stream s, string path, PcmLayout layout, long? dataBytes, AudioReadOptions options, string formatName)
    {
        int block = layout.BlockAlign;
        long? totalFrames = dataBytes / block;
        if (dataBytes == null && s.CanSeek) totalFrames = (s.Length - s.Position) / block;
        var collector = FrameCollector.For(options, layout.SampleRate, layout.Channels, totalFrames ?? 0);

        if (dataBytes is { } declared && s.CanSeek && s.Length - s.Position < declared)
            throw new AudioDecodeException(path,
                $"truncated {formatName}: the data chunk declares {declared} bytes but only {s.Length - s.Position} are present");

        long remaining = totalFrames ?? long.MaxValue;   // frames left to read
        if (collector.SkipFrames > 0 && s.CanSeek)
        {
            long skip = Math.Min(collector.SkipFrames, remaining);
            s.Seek(skip * block, SeekOrigin.Current);
            collector.Skipped(skip);
            remaining -= skip;
        }

        int framesPerChunk = Math.Max(1, 65536 / block);
        var bytes = new byte[framesPerChunk * block];
        var floats = new float[framesPerChunk * layout.Channels];
        while (remaining > 0 && !collector.IsFull)
        {
            int want = (int)Math.Min(framesPerChunk, remaining) * block;
            int got = s.ReadAtLeast(bytes.AsSpan(0, want), want, throwOnEndOfStream: false);
            int frames = got / block;
            Convert(bytes.AsSpan(0, frames * block), floats.AsSpan(0, frames * layout.Channels), layout);
            collector.Add(floats.AsSpan(0, frames * layout.Channels));
            if (got < want)
            {
                if (totalFrames != null)
                    throw new AudioDecodeException(path, $"truncated {formatName}: the data ends {remaining - frames} frames before its declared length");
                break;
            }
            remaining -= frames;
        }
        return (collector.ToArray(path), layout.SampleRate, layout.Channels);
    }

    public static void Convert(ReadOnlySpan<byte> src, Span<float> dst, PcmLayout layout)
    {
        bool be = layout.BigEndian;
        int step = layout.BytesPerSample;
        for (int i = 0, o = 0; i < dst.Length; i++, o += step)
        {
            var b = src.Slice(o, step);
            dst[i] = layout.Encoding switch
            {
                SampleEncoding.U8 => (b[0] - 128) / 128f,
                SampleEncoding.S8 => (sbyte)b[0] / 128f,
                SampleEncoding.S16 => (be ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b)) / 32768f,
                SampleEncoding.S24 => (be ? (b[0] << 24 | b[1] << 16 | b[2] << 8) : (b[2] << 24 | b[1] << 16 | b[0] << 8)) / 2147483648f,
                SampleEncoding.S32 => (be ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b)) / 2147483648f,
                SampleEncoding.F32 => be ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
                SampleEncoding.F64 => (float)(be ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
                SampleEncoding.ALaw => ALaw(b[0]) / 32768f,
                _ => MuLaw(b[0]) / 32768f,
            };
        }
    }

    // G.711 expansions to 16-bit linear, as libsndfile and ffmpeg produce them.
    static int ALaw(byte code)
    {
        int a = code ^ 0x55;
        int exponent = (a >> 4) & 7, mantissa = a & 0x0F;
        int magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (a & 0x80) != 0 ? magnitude : -magnitude;
    }

    static int MuLaw(byte code)
    {
        int u = ~code & 0xFF;
        int exponent = (u >> 4) & 7, mantissa = u & 0x0F;
        int magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
        return (u & 0x80) != 0 ? -magnitude : magnitude;
    }
}
