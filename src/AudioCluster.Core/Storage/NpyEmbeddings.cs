using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AudioCluster.Storage;

/// <summary>
/// NumPy .npy files: a little-endian float32 matrix, one row per clip (np.load gives an
/// (n, d) array). The other columns go to a CSV beside it, named after it with .rows.csv
/// (x.npy -> x.rows.csv: source,label,cluster,encoder in the same row order).
/// </summary>
public static partial class NpyEmbeddings
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The CSV of sources and labels that goes with an .npy file.</summary>
    public static string RowsPath(string npyPath) => Path.ChangeExtension(npyPath, ".rows.csv");

    /// <summary>Writes an .npy file (format 1.0) of the vectors, which must all have one length.</summary>
    public static void WriteMatrix(Stream stream, IReadOnlyList<float[]> vectors)
    {
        int d = vectors.Count == 0 ? 0 : vectors[0].Length;
        for (int i = 0; i < vectors.Count; i++)
        {
            if (vectors[i].Length != d)
                throw new InvalidDataException($"An .npy file holds one matrix: row {i} has {vectors[i].Length} dimensions, row 0 has {d}. Use Parquet or CSV for vectors of different lengths.");
        }
        var dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({vectors.Count}, {d}), }}");
        // The header (magic, version, length, dict, padding, newline) is a multiple of 64 bytes.
        int total = (Magic.Length + 4 + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(total - Magic.Length - 4 - 1) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var row = new byte[d * 4];
        foreach (var v in vectors)
        {
            for (int j = 0; j < d; j++) BinaryPrimitives.WriteSingleLittleEndian(row.AsSpan(j * 4), v[j]);
            stream.Write(row);
        }
    }

    /// <summary>Reads a 2-D C-order float32 or float64 .npy matrix (format 1, 2 or 3) as float rows.</summary>
    public static float[][] ReadMatrix(Stream stream, string path)
    {
        using var reader = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
        var magic = reader.ReadBytes(6);
        if (!magic.AsSpan().SequenceEqual(Magic)) throw new InvalidDataException($"'{path}' is not a NumPy .npy file.");
        int major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : checked((int)reader.ReadUInt32());
        var header = (major >= 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(reader.ReadBytes(headerLength));
        string? type = Value(header, "descr"), order = Value(header, "fortran_order"), shape = Value(header, "shape");
        if (type == null || order == null || shape == null) throw new InvalidDataException($"'{path}': unreadable .npy header '{header.Trim()}'.");
        if (order != "False") throw new InvalidDataException($"'{path}' is stored in Fortran order; save it with np.ascontiguousarray first.");
        int size = type switch
        {
            "'<f4'" or "'float32'" => 4,
            "'<f8'" or "'float64'" => 8,
            _ => throw new InvalidDataException($"'{path}' holds {type.Trim('\'')} values; only little-endian float32 (<f4) and float64 (<f8) are read."),
        };
        var dims = shape.Trim('(', ')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (dims.Length != 2) throw new InvalidDataException($"'{path}' holds a {dims.Length}-D array of shape {shape}; a 2-D (rows, dimensions) matrix is needed.");
        int n = checked((int)dims[0]), d = checked((int)dims[1]);
        var rows = new float[n][];
        var buffer = new byte[d * size];
        for (int i = 0; i < n; i++)
        {
            stream.ReadExactly(buffer);
            var row = rows[i] = new float[d];
            for (int j = 0; j < d; j++)
                row[j] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(j * 4)) : (float)BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(j * 8));
        }
        return rows;
    }

    static string? Value(string header, string key)
    {
        foreach (Match m in HeaderField().Matches(header))
            if (m.Groups["key"].Value == key) return m.Groups["value"].Value.Trim();
        return null;
    }

    // 'key': value, where value is a quoted word, True/False, or a tuple.
    [GeneratedRegex(@"'(?<key>\w+)'\s*:\s*(?<value>'[^']*'|\([^)]*\)|\w+)")]
    private static partial Regex HeaderField();
}
