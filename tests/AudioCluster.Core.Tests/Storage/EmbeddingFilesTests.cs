using System.Text;
using AudioCluster.Storage;

namespace AudioCluster.Tests.Storage;

public sealed class EmbeddingFilesTests : IDisposable
{
    readonly TempDir temp = new();
    public void Dispose() => temp.Dispose();

    // Values that a careless text or double round trip would change.
    static readonly float[] Awkward = [0.1f, -0f, float.Epsilon, 1e-40f, float.MaxValue, float.MinValue, 1f / 3, (float)Math.PI, -2.5e-8f, 16777217f];

    static List<EmbeddingRecord> Sample(int n = 5, int d = 10, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => new EmbeddingRecord(
            $"/data/clips/{(i % 2 == 0 ? "dog" : "cat, \"loud\"")}_{i}.wav",
            i == 3 ? null : (i % 2 == 0 ? "dog" : "cat"),
            i == 1 ? null : i % 3,
            i == 4 ? null : "MelStats sr=16000 mels=64",
            i == 0 ? Awkward[..d] : Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() * 2 - 1) / 7f).ToArray())).ToList();
    }

    static void AssertSame(IReadOnlyList<EmbeddingRecord> expected, IReadOnlyList<EmbeddingRecord> actual, bool textual = false)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Source, actual[i].Source);
            Assert.Equal(expected[i].Label, actual[i].Label);
            Assert.Equal(expected[i].Cluster, actual[i].Cluster);
            Assert.Equal(expected[i].Encoder, actual[i].Encoder);
            // Bit for bit, -0 and subnormals included.
            Assert.Equal(expected[i].Vector.Select(BitConverter.SingleToInt32Bits), actual[i].Vector.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData("e.parquet")]
    [InlineData("e.csv")]
    [InlineData("e.npy")]
    public void RoundTripIsExactAndAppendAddsRows(string name)
    {
        var path = temp.File(name);
        var first = Sample(5, 10, 1);
        var second = Sample(3, 10, 2);
        EmbeddingFiles.Write(path, first, EmbeddingFileFormat.Auto, append: false);
        AssertSame(first, EmbeddingFiles.Read(path).ToList());
        EmbeddingFiles.Write(path, second, EmbeddingFileFormat.Auto, append: true);
        AssertSame([.. first, .. second], EmbeddingFiles.Read(path).ToList());
        // No temporary files left beside it.
        Assert.DoesNotContain(Directory.GetFiles(temp.Path), f => f.EndsWith(".tmp"));
    }

    [Fact]
    public async Task ParquetAppendAddsARowGroupAndKeepsTheSchema()
    {
        var path = temp.File("g.parquet");
        EmbeddingFiles.Write(path, Sample(4), EmbeddingFileFormat.Parquet, false);
        EmbeddingFiles.Write(path, Sample(2), EmbeddingFileFormat.Parquet, true);
        using var stream = File.OpenRead(path);
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
        Assert.Equal(2, reader.RowGroupCount);
        Assert.Equal(["source", "label", "cluster", "encoder", "vector"], reader.Schema.Fields.Select(f => f.Name));
        Assert.IsType<Parquet.Schema.ListField>(reader.Schema.Fields[4]);
    }

    [Fact]
    public void NpyIsAFloat32MatrixWithARowsFileBeside()
    {
        var path = temp.File("m.npy");
        var records = Sample(3, 4);
        EmbeddingFiles.Write(path, records, EmbeddingFileFormat.Npy, false);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0x93, bytes[0]);
        Assert.Equal("NUMPY", Encoding.ASCII.GetString(bytes, 1, 5));
        int headerLength = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + 3 * 4 * 4, bytes.Length);
        Assert.Equal(records[0].Vector[1], BitConverter.ToSingle(bytes, 10 + headerLength + 4));
        Assert.StartsWith("source,label,cluster,encoder\n", File.ReadAllText(temp.File("m.rows.csv")));

        // Without the rows file the vectors are still read, named after the file.
        File.Delete(temp.File("m.rows.csv"));
        var bare = EmbeddingFiles.Read(path).ToList();
        Assert.Equal(["m.npy#0", "m.npy#1", "m.npy#2"], bare.Select(r => r.Source));
        Assert.Equal(records[2].Vector, bare[2].Vector);
    }

    [Fact]
    public void NpyRefusesVectorsOfDifferentLengthsAndKeepsTheOldFile()
    {
        var path = temp.File("m.npy");
        EmbeddingFiles.Write(path, Sample(2, 4), EmbeddingFileFormat.Npy, false);
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<InvalidDataException>(() => EmbeddingFiles.Write(path, Sample(2, 5), EmbeddingFileFormat.Npy, true));
        Assert.Contains("dimensions", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void CsvKeepsTheVectorInOneFieldAndQuotesWhatNeedsIt()
    {
        var path = temp.File("c.csv");
        EmbeddingFiles.Write(path, [new EmbeddingRecord("a, \"b\".wav", null, 2, "enc", [1.5f, -0f, 0.1f])], EmbeddingFileFormat.Csv, false);
        Assert.Equal("source,label,cluster,encoder,vector\n\"a, \"\"b\"\".wav\",,2,enc,1.5 -0 0.1\n", File.ReadAllText(path));
    }

    [Fact]
    public void AppendingToAForeignFileIsRefusedWithoutHarm()
    {
        var csv = temp.File("other.csv");
        File.WriteAllText(csv, "name,value\nx,1\n");
        var e = Assert.Throws<InvalidDataException>(() => EmbeddingFiles.Write(csv, Sample(1), EmbeddingFileFormat.Csv, true));
        Assert.Contains("other.csv", e.Message);
        Assert.Equal("name,value\nx,1\n", File.ReadAllText(csv));

        var parquet = temp.File("junk.parquet");
        File.WriteAllText(parquet, "not parquet at all");
        var p = Assert.Throws<InvalidDataException>(() => EmbeddingFiles.Read(parquet).ToList());
        Assert.Contains("junk.parquet", p.Message);
        Assert.Throws<InvalidDataException>(() => EmbeddingFiles.Write(parquet, Sample(1), EmbeddingFileFormat.Parquet, true));
        Assert.Equal("not parquet at all", File.ReadAllText(parquet));
    }

    [Fact]
    public void UnknownExtensionAsksForAFormat()
    {
        var e = Assert.Throws<ArgumentException>(() => EmbeddingFiles.FormatOf("x.txt"));
        Assert.Contains("-Format", e.Message);
        Assert.Equal(EmbeddingFileFormat.Csv, EmbeddingFiles.FormatOf("x.txt", EmbeddingFileFormat.Csv));
    }

    [Fact]
    public void CsvReaderHandlesQuotesNewlinesAndACutLastLine()
    {
        var records = Csv.Read(new StringReader("a,\"b\nc\",\"d\"\"e\"\r\n\n1,2")).ToList();
        Assert.Equal(["a", "b\nc", "d\"e"], records[0]);
        Assert.Equal(["1", "2"], records[1]);
    }
}
