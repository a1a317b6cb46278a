using System.Buffers.Binary;

namespace AudioCluster.Audio;

public enum WavSampleFormat { Pcm8, Pcm16, Pcm24, Pcm32, Float32 }

/// <summary>Writes WAV files atomically (temp file in the same folder, then rename).</summary>
public static class WavWriter
{
    /// <summary>
    /// Writes interleaved samples. Integers are round(x * 2^(bits-1)), clamped, the inverse of the
    /// decoder's int / 2^(bits-1), so values on the integer grid (e.g. int16 / 32768) survive exactly.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate, int channels = 1, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Sample rate must be positive.");
        if (channels is <= 0 or > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channel count must be 1..65535.");
        if (samples.Length % channels != 0) throw new ArgumentException($"{samples.Length} samples is not a whole number of {channels}-channel frames.", nameof(samples));
        int bytesPer = format switch
        {
            WavSampleFormat.Pcm8 => 1,
            WavSampleFormat.Pcm16 => 2,
            WavSampleFormat.Pcm24 => 3,
            WavSampleFormat.Pcm32 or WavSampleFormat.Float32 => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        long dataBytes = (long)samples.Length * bytesPer;
        bool isFloat = format == WavSampleFormat.Float32;
        int headerBytes = isFloat ? 58 : 44;   // float adds cbSize and a fact chunk, as the spec asks
        if (dataBytes + headerBytes - 8 > uint.MaxValue) throw new ArgumentException("Audio is too long for a WAV file (4 GiB limit).", nameof(samples));

        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> h = stackalloc byte[headerBytes];
                int blockAlign = bytesPer * channels;
                "RIFF"u8.CopyTo(h);
                BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(dataBytes + headerBytes - 8));
                "WAVEfmt "u8.CopyTo(h[8..]);
                BinaryPrimitives.WriteUInt32LittleEndian(h[16..], isFloat ? 18u : 16u);
                BinaryPrimitives.WriteUInt16LittleEndian(h[20..], (ushort)(isFloat ? 3 : 1));
                BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)channels);
                BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
                BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)Math.Min(uint.MaxValue, (long)sampleRate * blockAlign));
                BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)blockAlign);
                BinaryPrimitives.WriteUInt16LittleEndian(h[34..], (ushort)(bytesPer * 8));
                int o = 36;
                if (isFloat)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(h[36..], 0);   // cbSize
                    "fact"u8.CopyTo(h[38..]);
                    BinaryPrimitives.WriteUInt32LittleEndian(h[42..], 4);
                    BinaryPrimitives.WriteUInt32LittleEndian(h[46..], (uint)(samples.Length / channels));
                    o = 50;
                }
                "data"u8.CopyTo(h[o..]);
                BinaryPrimitives.WriteUInt32LittleEndian(h[(o + 4)..], (uint)dataBytes);
                fs.Write(h);

                var buf = new byte[Math.Min(samples.Length, 16384) * bytesPer];
                for (int start = 0; start < samples.Length; start += 16384)
                {
                    var chunk = samples.Slice(start, Math.Min(16384, samples.Length - start));
                    Encode(chunk, buf, format);
                    fs.Write(buf, 0, chunk.Length * bytesPer);
                }
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    static void Encode(ReadOnlySpan<float> x, byte[] dst, WavSampleFormat format)
    {
        var d = dst.AsSpan();
        for (int i = 0; i < x.Length; i++)
        {
            float v = float.IsNaN(x[i]) ? 0f : x[i];
            switch (format)
            {
                case WavSampleFormat.Pcm8:
                    d[i] = (byte)(Quantise(v, 128.0, -128, 127) + 128);
                    break;
                case WavSampleFormat.Pcm16:
                    BinaryPrimitives.WriteInt16LittleEndian(d[(2 * i)..], (short)Quantise(v, 32768.0, short.MinValue, short.MaxValue));
                    break;
                case WavSampleFormat.Pcm24:
                    int s24 = (int)Quantise(v, 8388608.0, -8388608, 8388607);
                    d[3 * i] = (byte)s24;
                    d[3 * i + 1] = (byte)(s24 >> 8);
                    d[3 * i + 2] = (byte)(s24 >> 16);
                    break;
                case WavSampleFormat.Pcm32:
                    BinaryPrimitives.WriteInt32LittleEndian(d[(4 * i)..], (int)Quantise(v, 2147483648.0, int.MinValue, int.MaxValue));
                    break;
                default:
                    BinaryPrimitives.WriteSingleLittleEndian(d[(4 * i)..], x[i]);
                    break;
            }
        }
    }

    static long Quantise(float v, double scale, long min, long max) => Math.Clamp((long)Math.Round(v * scale), min, max);
}
