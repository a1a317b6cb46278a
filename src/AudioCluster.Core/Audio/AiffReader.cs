using System.Buffers.Binary;
using System.Text;

namespace AudioCluster.Audio;

/// <summary>
/// AIFF / AIFC reader. Own parser rather than NAudio's AiffFileReader because that one ignores
/// the AIFC compression type, so little-endian ('sowt') or float ('fl32') data would come out as noise.
/// </summary>
internal static class AiffReader
{
    public static (float[] Samples, int SampleRate, int Channels) Read(Stream s, string path, AudioReadOptions options)
    {
        var head = new byte[12];
        if (s.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12) throw new AudioDecodeException(path, "truncated AIFF header");
        string form = Encoding.ASCII.GetString(head, 8, 4);
        if (Encoding.ASCII.GetString(head, 0, 4) != "FORM" || form is not ("AIFF" or "AIFC"))
            throw new AudioDecodeException(path, "not an AIFF file (no FORM/AIFF header)");
        bool aifc = form == "AIFC";

        PcmLayout? layout = null;
        long frames = 0, ssndData = -1, ssndBytes = 0;
        var chunk = new byte[8];
        while (s.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) == 8)
        {
            string id = Encoding.ASCII.GetString(chunk, 0, 4);
            long size = BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(4));
            long next = s.Position + size + (size & 1);
            if (id == "COMM")
            {
                if (size < 18 || size > 4096) throw new AudioDecodeException(path, "corrupt AIFF: bad COMM chunk");
                var c = new byte[size];
                if (s.ReadAtLeast(c, c.Length, throwOnEndOfStream: false) < c.Length) throw new AudioDecodeException(path, "truncated AIFF header");
                (layout, frames) = ParseComm(c, aifc, path);
            }
            else if (id == "SSND")
            {
                if (size < 8) throw new AudioDecodeException(path, "corrupt AIFF: bad SSND chunk");
                var o = new byte[8];
                s.ReadExactly(o);
                long offset = BinaryPrimitives.ReadUInt32BigEndian(o);
                ssndData = s.Position + offset;
                ssndBytes = size - 8 - offset;
            }
            if (layout != null && ssndData >= 0) break;
            s.Seek(next, SeekOrigin.Begin);
        }
        if (layout == null) throw new AudioDecodeException(path, "AIFF has no COMM chunk");
        if (ssndData < 0) throw new AudioDecodeException(path, frames == 0 ? "the file contains no audio samples (zero length)" : "AIFF has no SSND chunk");
        if (ssndBytes < 0 || ssndData + ssndBytes > s.Length)
            throw new AudioDecodeException(path, $"truncated AIFF: the sound data chunk runs past the end of the file");
        // Some writers (NAudio's AiffFileWriter among them) overstate the COMM frame count by a frame
        // or two; a complete SSND chunk is the better witness of how much sound there is.
        long bytes = Math.Min(frames, ssndBytes / layout.BlockAlign) * layout.BlockAlign;
        s.Seek(ssndData, SeekOrigin.Begin);
        return PcmData.Read(s, path, layout, bytes, options, "AIFF");
    }

    static (PcmLayout, long) ParseComm(byte[] c, bool aifc, string path)
    {
        int channels = BinaryPrimitives.ReadInt16BigEndian(c);
        long frames = BinaryPrimitives.ReadUInt32BigEndian(c.AsSpan(2));
        int bits = BinaryPrimitives.ReadInt16BigEndian(c.AsSpan(6));
        double rate = Extended80(c.AsSpan(8, 10));
        string compression = aifc && c.Length >= 22 ? Encoding.ASCII.GetString(c, 18, 4) : "NONE";
        if (channels <= 0 || bits <= 0 || bits > 64 || !(rate >= 1 && rate <= int.MaxValue))
            throw new AudioDecodeException(path, $"corrupt AIFF COMM chunk ({channels} channels, {bits} bits, {rate} Hz)");
        if (rate != Math.Floor(rate)) throw new UnsupportedEncodingException($"AIFF with a fractional sample rate ({rate} Hz)");
        int bytes = (bits + 7) / 8;   // samples are left-justified in whole bytes
        SampleEncoding? enc = (compression, bytes) switch
        {
            ("NONE" or "twos", 1) => SampleEncoding.S8,
            ("NONE" or "twos" or "sowt", 2) => SampleEncoding.S16,
            ("NONE" or "twos" or "sowt", 3) => SampleEncoding.S24,
            ("NONE" or "twos" or "sowt", 4) => SampleEncoding.S32,
            ("fl32" or "FL32", _) => SampleEncoding.F32,
            ("fl64" or "FL64", _) => SampleEncoding.F64,
            ("alaw" or "ALAW", _) => SampleEncoding.ALaw,
            ("ulaw" or "ULAW", _) => SampleEncoding.MuLaw,
            _ => null,
        };
        if (enc == null) throw new UnsupportedEncodingException($"AIFF-C compressed as '{compression}' ({bits} bits)");
        return (new PcmLayout(enc.Value, compression != "sowt", channels, (int)rate), frames);
    }

    // IEEE 754 80-bit extended (big-endian): sign+exponent (16 bits), 64-bit mantissa with explicit integer bit.
    static double Extended80(ReadOnlySpan<byte> b)
    {
        int exponent = ((b[0] & 0x7F) << 8) | b[1];
        ulong mantissa = BinaryPrimitives.ReadUInt64BigEndian(b[2..]);
        if (exponent == 0 && mantissa == 0) return 0;
        double v = mantissa * Math.Pow(2, exponent - 16383 - 63);
        return (b[0] & 0x80) != 0 ? -v : v;
    }
}
