using System.Buffers.Binary;
using AudioCluster.Audio;

namespace AudioCluster.Tests.Audio;

/// <summary>Anything that is not decodable audio must fail loudly, naming the file.</summary>
public class DecodeErrorTests
{
    static AudioDecodeException Fails(string path, string expectedReason)
    {
        var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(path));
        Assert.Equal(Path.GetFullPath(path), ex.Path);
        Assert.Contains(Path.GetFileName(path), ex.Message);
        Assert.Contains(expectedReason, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.IsAssignableFrom<IOException>(ex);
        return ex;
    }

    [Fact]
    public void Missing_file() { using var d = new TempDir(); Fails(d.File("nope.wav"), "not found"); }

    [Fact]
    public void Folder_instead_of_file() { using var d = new TempDir(); Fails(d.Path, "folder"); }

    [Fact]
    public void Empty_file()
    {
        using var d = new TempDir();
        File.WriteAllBytes(d.File("empty.wav"), []);
        Fails(d.File("empty.wav"), "empty");
    }

    [Fact]
    public void Text_file_with_unknown_extension()
    {
        using var d = new TempDir();
        File.WriteAllText(d.File("notes.txt"), "hello, this is not audio\n");
        Fails(d.File("notes.txt"), "text file");
    }

    [Fact]
    public void Text_file_named_wav()
    {
        using var d = new TempDir();
        File.WriteAllText(d.File("fake.wav"), "definitely not a RIFF file");
        Fails(d.File("fake.wav"), "not a WAV file");
    }

    [Fact]
    public void Random_bytes_named_mp3()
    {
        using var d = new TempDir();
        var bytes = new byte[5000];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0; // no accidental frame sync at the start
        File.WriteAllBytes(d.File("noise.mp3"), bytes);
        Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(d.File("noise.mp3")));
    }

    [Fact]
    public void Random_bytes_behind_an_ogg_signature()
    {
        using var d = new TempDir();
        var bytes = new byte[5000];
        new Random(8).NextBytes(bytes);
        "OggS"u8.CopyTo(bytes);
        "\u0001vorbis"u8.CopyTo(bytes.AsSpan(28));
        File.WriteAllBytes(d.File("bad.ogg"), bytes);
        Fails(d.File("bad.ogg"), "Ogg Vorbis");
    }

    [Fact]
    public void Truncated_wav_data()
    {
        using var d = new TempDir();
        WavWriter.Write(d.File("full.wav"), new float[1000], 8000);
        var bytes = File.ReadAllBytes(d.File("full.wav"));
        File.WriteAllBytes(d.File("cut.wav"), bytes[..(bytes.Length - 501)]);
        Fails(d.File("cut.wav"), "truncated");
    }

    [Fact]
    public void Truncated_wav_header()
    {
        using var d = new TempDir();
        WavWriter.Write(d.File("full.wav"), new float[1000], 8000);
        File.WriteAllBytes(d.File("head.wav"), File.ReadAllBytes(d.File("full.wav"))[..30]);
        Fails(d.File("head.wav"), "truncated");
    }

    [Fact]
    public void Wav_without_data_chunk()
    {
        using var d = new TempDir();
        var bytes = WavTests.Wav(1, 1, 8000, 16, []);
        File.WriteAllBytes(d.File("nodata.wav"), bytes[..36]);
        Fails(d.File("nodata.wav"), "no data chunk");
    }

    [Fact]
    public void Zero_length_wav()
    {
        using var d = new TempDir();
        File.WriteAllBytes(d.File("zero.wav"), WavTests.Wav(1, 1, 8000, 16, []));
        Fails(d.File("zero.wav"), "no audio samples");
        WavWriter.Write(d.File("zero2.wav"), [], 8000);   // writing nothing is allowed; reading it back is not audio
        Fails(d.File("zero2.wav"), "no audio samples");
    }

    [Fact]
    public void Corrupt_fmt_chunk()
    {
        using var d = new TempDir();
        var bytes = WavTests.Wav(1, 1, 8000, 16, [0, 0]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), 0);   // zero channels
        File.WriteAllBytes(d.File("fmt.wav"), bytes);
        Fails(d.File("fmt.wav"), "corrupt");
    }

    [Fact]
    public void Truncated_aiff()
    {
        using var d = new TempDir();
        var bytes = AiffTests.Aiff("NONE", 1, 8000, 16, new byte[200], aifc: false);
        File.WriteAllBytes(d.File("cut.aiff"), bytes[..(bytes.Length - 50)]);
        Fails(d.File("cut.aiff"), "truncated");
    }
}
