using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AudioCluster.Reporting;

/// <summary>
/// Writes <see cref="RgbImage"/> as a PNG (8-bit RGB, no interlace): signature, IHDR, one zlib
/// IDAT, IEND. Each row gets the filter that makes it smallest by the usual heuristic (least sum
/// of absolute filtered bytes), which keeps spectrograms and plots compact.
/// </summary>
public static class PngEncoder
{
    static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };

    public static byte[] Encode(RgbImage image)
    {
        using var stream = new MemoryStream();
        Write(stream, image);
        return stream.ToArray();
    }

    /// <summary>The image as a data URI for an HTML img element.</summary>
    public static string ToDataUri(RgbImage image) => "data:image/png;base64," + Convert.ToBase64String(Encode(image));

    public static void Write(Stream stream, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(image);
        stream.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8;    // bits per channel
        header[9] = 2;    // colour type: RGB
        WriteChunk(stream, "IHDR", header);
        WriteChunk(stream, "IDAT", Compress(image));
        WriteChunk(stream, "IEND", ReadOnlySpan<byte>.Empty);
    }

    static byte[] Compress(RgbImage image)
    {
        int stride = image.Width * 3;
        var previous = new byte[stride];    // the row above the first is all zeros
        var candidates = new byte[5][];
        for (int f = 0; f < 5; f++) candidates[f] = new byte[stride];
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (int y = 0; y < image.Height; y++)
            {
                var row = image.Pixels.AsSpan(y * stride, stride);
                int best = 0;
                long bestScore = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    long score = Filter(f, row, previous, candidates[f]);
                    if (score < bestScore) { bestScore = score; best = f; }
                }
                zlib.WriteByte((byte)best);
                zlib.Write(candidates[best]);
                row.CopyTo(previous);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Applies PNG filter type 0-4 to a row; returns the sum of the filtered bytes read as signed.</summary>
    static long Filter(int type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> up, Span<byte> output)
    {
        const int bpp = 3;
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
            int predictor = type switch
            {
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                4 => Paeth(a, b, c),
                _ => 0,
            };
            byte value = (byte)(row[i] - predictor);
            output[i] = value;
            score += Math.Abs((int)(sbyte)value);
        }
        return score;
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    internal static class Crc32
    {
        static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        public static uint Compute(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;
    }
}
