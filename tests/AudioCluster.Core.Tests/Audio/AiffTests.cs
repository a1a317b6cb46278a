using System.Buffers.Binary;
using AudioCluster.Audio;
using NAudio.Wave;

namespace AudioCluster.Tests.Audio;

public class AiffTests
{
    [Fact]
    public void Reads_aiff_written_by_naudio()
    {
        using var dir = new TempDir();
        var x = AudioTestUtil.Signal(500, 22050, channels: 2);
        var pcm = x.Select(v => (short)Math.Round(v * 32767)).ToArray();
        using (var w = new AiffFileWriter(dir.File("n.aiff"), new WaveFormat(22050, 16, 2)))
            w.WriteSamples(pcm, 0, pcm.Length);

        var clip = AudioDecoder.Decode(dir.File("n.aiff"), new AudioReadOptions { Mono = false });
        Assert.Equal("aiff", clip.Format);
        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal(2, clip.Channels);
        Assert.Equal(pcm.Select(v => v / 32768f), clip.Samples);
    }

    [Theory]
    [InlineData("NONE", 8, false)]
    [InlineData("NONE", 16, false)]
    [InlineData("NONE", 24, true)]
    [InlineData("twos", 32, true)]
    [InlineData("sowt", 16, true)]
    [InlineData("fl32", 32, true)]
    [InlineData("fl64", 64, true)]
    public void Reads_aiff_and_aifc_encodings(string compression, int bits, bool aifc)
    {
        using var dir = new TempDir();
        double[] values = [0.5, -0.25, 0.125, -1];
        int bytes = bits / 8;
        var data = new byte[values.Length * bytes];
        for (int i = 0; i < values.Length; i++)
        {
            var d = data.AsSpan(i * bytes, bytes);
            switch (compression, bits)
            {
                case ("fl32", _): BinaryPrimitives.WriteSingleBigEndian(d, (float)values[i]); break;
                case ("fl64", _): BinaryPrimitives.WriteDoubleBigEndian(d, values[i]); break;
                case ("sowt", _): BinaryPrimitives.WriteInt16LittleEndian(d, (short)(values[i] * 32768)); break;
                default:
                    long v = (long)(values[i] * (1L << (bits - 1)));
                    for (int b = 0; b < bytes; b++) d[b] = (byte)(v >> (8 * (bytes - 1 - b)));
                    break;
            }
        }
        File.WriteAllBytes(dir.File("a.aif"), Aiff(compression, 1, 44100, bits, data, aifc));
        var clip = AudioDecoder.Decode(dir.File("a.aif"));
        Assert.Equal(44100, clip.SampleRate);
        Assert.Equal(values.Select(v => (float)v), clip.Samples);
    }

    /// <summary>A minimal AIFF/AIFC file: COMM then SSND, big-endian.</summary>
    internal static byte[] Aiff(string compression, int channels, int rate, int bits, byte[] data, bool aifc)
    {
        var ms = new MemoryStream();
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); ms.Write(b); }
        void U16(ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, v); ms.Write(b); }
        void Ascii(string s) => ms.Write(System.Text.Encoding.ASCII.GetBytes(s));
        int frames = data.Length / (channels * ((bits + 7) / 8));
        int commSize = aifc ? 24 : 18;
        Ascii("FORM"); U32((uint)(4 + 8 + commSize + 8 + 8 + data.Length)); Ascii(aifc ? "AIFC" : "AIFF");
        Ascii("COMM"); U32((uint)commSize); U16((ushort)channels); U32((uint)frames); U16((ushort)bits);
        // 80-bit extended sample rate: exponent then 64-bit mantissa with the integer bit set.
        int e = (int)Math.Floor(Math.Log2(rate));
        U16((ushort)(16383 + e));
        var m = new byte[8]; BinaryPrimitives.WriteUInt64BigEndian(m, (ulong)rate << (63 - e)); ms.Write(m);
        if (aifc) { Ascii(compression); ms.WriteByte(0); ms.WriteByte(0); }   // empty pascal name + pad
        Ascii("SSND"); U32((uint)(8 + data.Length)); U32(0); U32(0); ms.Write(data);
        return ms.ToArray();
    }
}
