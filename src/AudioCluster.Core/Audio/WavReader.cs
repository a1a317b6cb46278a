using System.Buffers.Binary;
using System.Text;

namespace AudioCluster.Audio;

/// <summary>Thrown inside the container readers when the encoding is valid but not built in (ffmpeg may decode it).</summary>
internal sealed class UnsupportedEncodingException(string description) : Exception(description);

/// <summary>
/// RIFF/RIFX/RF64 WAVE reader. It walks the chunks sequentially (no seeking needed), so it also
/// reads the WAV stream ffmpeg writes to a pipe.
/// </summary>
internal static class WavReader
{
    const ushort Pcm = 1, IeeeFloat = 3, ALaw = 6, MuLaw = 7, Extensible = 0xFFFE;

    public static (float[] Samples, int SampleRate, int Channels) Read(Stream s, string path, AudioReadOptions options, bool fromPipe = false)
    {
        Span<byte> head = stackalloc byte[12];
        if (s.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12) throw new AudioDecodeException(path, "truncated WAV header");
        string riff = Encoding.ASCII.GetString(head[..4]);
        if (riff is not ("RIFF" or "RIFX" or "RF64") || Encoding.ASCII.GetString(head[8..12]) != "WAVE")
            throw new AudioDecodeException(path, "not a WAV file (no RIFF/WAVE header)");
        bool be = riff == "RIFX";
        PcmLayout? layout = null;
        long? ds64Data = null;

        var chunk = new byte[8];
        while (true)
        {
            if (s.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
                throw new AudioDecodeException(path, layout == null ? "WAV has no fmt chunk" : "WAV has no data chunk");
            string id = Encoding.ASCII.GetString(chunk, 0, 4);
            uint size = be ? BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (id == "data")
            {
                if (layout == null) throw new AudioDecodeException(path, "WAV data chunk comes before its fmt chunk");
                long? bytes = size;
                if (size == 0xFFFFFFFF) bytes = ds64Data;              // RF64, or a stream of unknown length
                if (size == 0 || fromPipe) bytes = null;               // writer never filled in the size: read to the end
                return PcmData.Read(s, path, layout, bytes, options, "WAV");
            }
            if (size > 1 << 20 && id is "fmt " or "ds64") throw new AudioDecodeException(path, $"corrupt WAV: '{id}' chunk of {size} bytes");
            if (id == "fmt ")
            {
                var fmt = ReadExactly(s, path, (int)size);
                layout = ParseFmt(fmt, be, path);
            }
            else if (id == "ds64")
            {
                var ds = ReadExactly(s, path, (int)size);
                if (ds.Length >= 16) ds64Data = BinaryPrimitives.ReadInt64LittleEndian(ds.AsSpan(8));
            }
            else Skip(s, path, size);
            if ((size & 1) == 1 && id != "data") Skip(s, path, 1);   // chunks are word aligned
        }
    }

    static PcmLayout ParseFmt(byte[] f, bool be, string path)
    {
        if (f.Length < 16) throw new AudioDecodeException(path, "corrupt WAV: fmt chunk too short");
        ushort U16(int o) => be ? BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(o)) : BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(o));
        uint U32(int o) => be ? BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(o)) : BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(o));
        ushort tag = U16(0), channels = U16(2), blockAlign = U16(12), bits = U16(14);
        uint rate = U32(4);
        if (tag == Extensible)
        {
            if (f.Length < 40) throw new AudioDecodeException(path, "corrupt WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk too short");
            // The sub-format GUID is {tag}-0000-0010-8000-00AA00389B71 for the classic encodings.
            ReadOnlySpan<byte> baseGuid = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
            if (!f.AsSpan(28, 12).SequenceEqual(baseGuid) || U16(26) != 0)
                throw new UnsupportedEncodingException("WAVE_FORMAT_EXTENSIBLE with an unknown sub-format");
            tag = U16(24);
        }
        if (channels == 0 || rate == 0 || rate > int.MaxValue || blockAlign == 0 || blockAlign % channels != 0)
            throw new AudioDecodeException(path, $"corrupt WAV fmt chunk ({channels} channels, {rate} Hz, block align {blockAlign})");
        int container = blockAlign / channels;   // bytes per sample as stored; bits may be fewer (left-justified)
        SampleEncoding? enc = (tag, container) switch
        {
            (Pcm, 1) => SampleEncoding.U8,
            (Pcm, 2) => SampleEncoding.S16,
            (Pcm, 3) => SampleEncoding.S24,
            (Pcm, 4) => SampleEncoding.S32,
            (IeeeFloat, 4) => SampleEncoding.F32,
            (IeeeFloat, 8) => SampleEncoding.F64,
            (ALaw, 1) => SampleEncoding.ALaw,
            (MuLaw, 1) => SampleEncoding.MuLaw,
            _ => null,
        };
        if (enc == null || bits > container * 8)
            throw new UnsupportedEncodingException($"WAV encoded as {Describe(tag)} ({bits} bits per sample)");
        return new PcmLayout(enc.Value, be, channels, (int)rate);
    }

    static string Describe(ushort tag) => tag switch
    {
        Pcm => "integer PCM",
        IeeeFloat => "IEEE float",
        2 => "Microsoft ADPCM (format tag 0x0002)",
        0x11 => "IMA ADPCM (format tag 0x0011)",
        0x31 => "GSM 6.10 (format tag 0x0031)",
        0x50 => "MPEG audio (format tag 0x0050)",
        0x55 => "MP3 (format tag 0x0055)",
        0xFF or 0x1610 => "AAC",
        0x160 or 0x161 or 0x162 or 0x163 => "Windows Media Audio",
        _ => $"format tag 0x{tag:X4}",
    };

    static byte[] ReadExactly(Stream s, string path, int n)
    {
        var b = new byte[n];
        if (s.ReadAtLeast(b, n, throwOnEndOfStream: false) < n) throw new AudioDecodeException(path, "truncated WAV header");
        return b;
    }

    static void Skip(Stream s, string path, long n)
    {
        if (s.CanSeek)
        {
            if (s.Position + n > s.Length) throw new AudioDecodeException(path, "truncated WAV: a chunk runs past the end of the file");
            s.Seek(n, SeekOrigin.Current);
            return;
        }
        var buf = new byte[(int)Math.Min(n, 65536)];
        while (n > 0)
        {
            int got = s.Read(buf, 0, (int)Math.Min(n, buf.Length));
            if (got == 0) throw new AudioDecodeException(path, "truncated WAV header");
            n -= got;
        }
    }
}
