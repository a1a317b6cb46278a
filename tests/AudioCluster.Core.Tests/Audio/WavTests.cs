using System.Buffers.Binary;
using System.Text;
using AudioCluster.Audio;

namespace AudioCluster.Tests.Audio;

public class WavTests
{
    [Theory]
    [InlineData(WavSampleFormat.Pcm8, 1.0 / 128)]
    [InlineData(WavSampleFormat.Pcm16, 1.0 / 32768)]
    [InlineData(WavSampleFormat.Pcm24, 1.0 / 8388608)]
    [InlineData(WavSampleFormat.Pcm32, 1.0 / 2147483648 + 6e-8)]   // float32 itself has 24 bits
    [InlineData(WavSampleFormat.Float32, 0)]
    public void Write_then_decode_round_trips(WavSampleFormat format, double lsb)
    {
        using var dir = new TempDir();
        var x = AudioTestUtil.Signal(1000, 22050, channels: 2);
        var path = dir.File("x.wav");
        WavWriter.Write(path, x, 22050, 2, format);

        var clip = AudioDecoder.Decode(path, new AudioReadOptions { Mono = false });
        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal(2, clip.Channels);
        Assert.Equal("wav", clip.Format);
        Assert.Equal(x.Length, clip.Samples.Length);
        for (int i = 0; i < x.Length; i++)
            Assert.True(Math.Abs(clip.Samples[i] - x[i]) <= lsb, $"sample {i}: {clip.Samples[i]} vs {x[i]}");
        if (format == WavSampleFormat.Float32) Assert.Equal(x, clip.Samples);
    }

    [Fact]
    public void Int16_grid_values_survive_exactly_and_scale_by_32768()
    {
        using var dir = new TempDir();
        float[] x = [-1f, -0.5f, 0f, 1f / 32768, 32767f / 32768];
        WavWriter.Write(dir.File("g.wav"), x, 8000);
        Assert.Equal(x, AudioDecoder.Decode(dir.File("g.wav")).Samples);
        // The bytes themselves: int16 little-endian after a 44-byte header.
        var bytes = File.ReadAllBytes(dir.File("g.wav"));
        Assert.Equal(44 + 10, bytes.Length);
        Assert.Equal(-32768, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(44)));
        Assert.Equal(32767, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(52)));
    }

    [Fact]
    public void Writer_saturates_out_of_range_values()
    {
        using var dir = new TempDir();
        WavWriter.Write(dir.File("s.wav"), [2f, -2f, float.NaN], 8000, 1, WavSampleFormat.Pcm8);
        Assert.Equal(new[] { 127f / 128, -1f, 0f }, AudioDecoder.Decode(dir.File("s.wav")).Samples);
    }

    [Fact]
    public void Writer_replaces_existing_file_and_leaves_no_temp_files()
    {
        using var dir = new TempDir();
        var path = dir.File("a.wav");
        File.WriteAllText(path, "old content");
        WavWriter.Write(path, new float[100], 8000);
        Assert.Equal(100, AudioDecoder.Decode(path).FrameCount);
        Assert.Single(Directory.GetFiles(dir.Path));
        Assert.Throws<ArgumentException>(() => WavWriter.Write(path, new float[3], 8000, 2));
        Assert.Equal(100, AudioDecoder.Decode(path).FrameCount);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Reads_unsigned_8_bit_as_b_minus_128_over_128()
    {
        using var dir = new TempDir();
        var path = dir.File("u8.wav");
        File.WriteAllBytes(path, Wav(1, 1, 8000, 8, [0, 128, 255, 64]));
        Assert.Equal(new[] { -1f, 0f, 127f / 128, -0.5f }, AudioDecoder.Decode(path).Samples);
    }

    [Fact]
    public void Reads_24_and_32_bit_integers_with_soundfile_scaling()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("24.wav"), Wav(1, 1, 8000, 24, [0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0x01, 0x00, 0x00]));
        Assert.Equal(new[] { -1f, 8388607f / 8388608, 1f / 8388608 }, AudioDecoder.Decode(dir.File("24.wav")).Samples);
        File.WriteAllBytes(dir.File("32.wav"), Wav(1, 1, 8000, 32, [0, 0, 0, 0x80, 0, 0, 0, 0x40]));
        Assert.Equal(new[] { -1f, 0.5f }, AudioDecoder.Decode(dir.File("32.wav")).Samples);
    }

    [Fact]
    public void Reads_float64()
    {
        using var dir = new TempDir();
        var data = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.25);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), -0.75);
        File.WriteAllBytes(dir.File("f64.wav"), Wav(3, 1, 8000, 64, data));
        Assert.Equal(new[] { 0.25f, -0.75f }, AudioDecoder.Decode(dir.File("f64.wav")).Samples);
    }

    [Fact]
    public void Reads_wave_format_extensible()
    {
        using var dir = new TempDir();
        short[] pcm = [1000, -1000, 2000, -2000];   // 2 frames x 2 channels
        var data = new byte[8];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), pcm[i]);
        File.WriteAllBytes(dir.File("ext.wav"), Wav(0xFFFE, 2, 48000, 16, data, subFormat: 1));
        var clip = AudioDecoder.Decode(dir.File("ext.wav"), new AudioReadOptions { Mono = false });
        Assert.Equal(pcm.Select(v => v / 32768f), clip.Samples);
        Assert.Equal(48000, clip.SampleRate);
    }

    [Fact]
    public void Reads_big_endian_rifx_and_skips_unknown_odd_sized_chunks()
    {
        using var dir = new TempDir();
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); w.Write(b); }
        void U16(ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, v); w.Write(b); }
        w.Write("RIFX"u8); U32(0); w.Write("WAVE"u8);
        w.Write("junk"u8); U32(3); w.Write(new byte[] { 1, 2, 3, 0 });   // odd chunk + pad byte
        w.Write("fmt "u8); U32(16); U16(1); U16(1); U32(16000); U32(32000); U16(2); U16(16);
        w.Write("data"u8); U32(4); w.Write(new byte[] { 0x40, 0x00, 0xC0, 0x00 });
        File.WriteAllBytes(dir.File("rifx.wav"), ms.ToArray());
        Assert.Equal(new[] { 0.5f, -0.5f }, AudioDecoder.Decode(dir.File("rifx.wav")).Samples);
    }

    [Fact]
    public void Unfinished_header_with_zero_data_size_reads_to_end()
    {
        // Streaming writers that were interrupted leave data size 0; the samples are still there.
        using var dir = new TempDir();
        var bytes = Wav(1, 1, 8000, 16, [0x00, 0x40, 0x00, 0xC0]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), 0);
        File.WriteAllBytes(dir.File("z.wav"), bytes);
        Assert.Equal(new[] { 0.5f, -0.5f }, AudioDecoder.Decode(dir.File("z.wav")).Samples);
    }

    [Fact]
    public void Stereo_is_downmixed_by_default()
    {
        using var dir = new TempDir();
        WavWriter.Write(dir.File("st.wav"), [0.5f, 0.25f, -1f, 0f], 8000, 2, WavSampleFormat.Float32);
        var clip = AudioDecoder.Decode(dir.File("st.wav"));
        Assert.Equal(1, clip.Channels);
        Assert.Equal(new[] { 0.375f, -0.5f }, clip.Samples);
    }

    [Fact]
    public void Offset_and_duration_crop_before_resampling()
    {
        using var dir = new TempDir();
        var x = new float[8000];
        for (int i = 0; i < x.Length; i++) x[i] = i / 8000f;
        WavWriter.Write(dir.File("ramp.wav"), x, 8000, 1, WavSampleFormat.Float32);

        var crop = AudioDecoder.Decode(dir.File("ramp.wav"), new AudioReadOptions { Offset = TimeSpan.FromSeconds(0.25), Duration = TimeSpan.FromSeconds(0.5) });
        Assert.Equal(4000, crop.FrameCount);
        Assert.Equal(x[2000], crop.Samples[0]);
        Assert.Equal(x[5999], crop.Samples[^1]);

        var tail = AudioDecoder.Decode(dir.File("ramp.wav"), new AudioReadOptions { Offset = TimeSpan.FromSeconds(0.9), Duration = TimeSpan.FromSeconds(5) });
        Assert.Equal(800, tail.FrameCount);

        var resampled = AudioDecoder.Decode(dir.File("ramp.wav"), new AudioReadOptions { Offset = TimeSpan.FromSeconds(0.25), Duration = TimeSpan.FromSeconds(0.5), SampleRate = 16000 });
        Assert.Equal(8000, resampled.FrameCount);
        Assert.Equal(16000, resampled.SampleRate);
        Assert.Equal(Resampler.Resample(crop.Samples, 8000, 16000), resampled.Samples);

        var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("ramp.wav"), new AudioReadOptions { Offset = TimeSpan.FromSeconds(2) }));
        Assert.Contains("beyond the end", ex.Message);
    }

    [Theory]
    [InlineData(8000, 16000, 1, 3000)]
    [InlineData(44100, 16000, 1, 16000)]
    [InlineData(22050, 32000, 2, 1000)]
    [InlineData(48000, 8000, 2, 999)]
    public void Resampling_gives_torchaudio_lengths_per_channel(int from, int to, int channels, int frames)
    {
        using var dir = new TempDir();
        var x = AudioTestUtil.Signal(frames, from, channels);
        WavWriter.Write(dir.File("r.wav"), x, from, channels, WavSampleFormat.Float32);
        var clip = AudioDecoder.Decode(dir.File("r.wav"), new AudioReadOptions { SampleRate = to, Mono = false });
        Assert.Equal(to, clip.SampleRate);
        Assert.Equal(channels, clip.Channels);
        Assert.Equal(Resampler.OutputLength(frames, from, to), clip.FrameCount);
        // Channel 0 equals resampling channel 0 on its own.
        var ch0 = Enumerable.Range(0, frames).Select(f => x[f * channels]).ToArray();
        var expected = Resampler.Resample(ch0, from, to);
        for (int f = 0; f < clip.FrameCount; f++) Assert.Equal(expected[f], clip.Samples[f * channels]);
    }

    [Fact]
    public void Label_and_source_are_set()
    {
        using var dir = new TempDir();
        WavWriter.Write(dir.File("l.wav"), new float[10], 8000);
        var clip = AudioDecoder.Decode(dir.File("l.wav"), new AudioReadOptions { Label = "dog" });
        Assert.Equal("dog", clip.Label);
        Assert.Equal(Path.GetFullPath(dir.File("l.wav")), clip.Source);
    }

    [Fact]
    public void Content_wins_over_extension()
    {
        using var dir = new TempDir();
        WavWriter.Write(dir.File("really-a-wav.mp3"), [0.5f], 8000);
        var clip = AudioDecoder.Decode(dir.File("really-a-wav.mp3"));
        Assert.Equal("wav", clip.Format);
        Assert.Equal(new[] { 0.5f }, clip.Samples);
    }

    [SkippableFact]
    public void Fsdd_file_decodes_as_int16_over_32768()
    {
        var dirPath = SharedData.PathTo("datasets/fsdd/recordings");
        Skip.If(dirPath == null, "../shared/datasets/fsdd is not present");
        var path = Path.Combine(dirPath!, "0_george_0.wav");
        var clip = AudioDecoder.Decode(path);
        Assert.Equal(8000, clip.SampleRate);
        Assert.Equal(ResamplerTests.ReadFsdd(path), clip.Samples);
        var clip16 = AudioDecoder.Decode(path, new AudioReadOptions { SampleRate = 16000 });
        Assert.Equal(4768, clip16.FrameCount);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioDecoder.Decode("x.wav", new AudioReadOptions { SampleRate = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioDecoder.Decode("x.wav", new AudioReadOptions { Offset = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioDecoder.Decode("x.wav", new AudioReadOptions { Duration = TimeSpan.Zero }));
    }

    /// <summary>A minimal little-endian WAV: fmt (16 bytes, or 40 for extensible) then data.</summary>
    internal static byte[] Wav(ushort tag, int channels, int rate, int bits, byte[] data, ushort subFormat = 0)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms, Encoding.ASCII);
        bool ext = tag == 0xFFFE;
        int fmtSize = ext ? 40 : 16;
        int block = channels * ((bits + 7) / 8);
        w.Write("RIFF"u8); w.Write(4 + 8 + fmtSize + 8 + data.Length); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(fmtSize);
        w.Write(tag); w.Write((ushort)channels); w.Write(rate); w.Write(rate * block); w.Write((ushort)block); w.Write((ushort)bits);
        if (ext)
        {
            w.Write((ushort)22); w.Write((ushort)bits); w.Write(channels == 2 ? 3 : 4);
            w.Write(subFormat); w.Write((ushort)0);
            w.Write(new byte[] { 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 });
        }
        w.Write("data"u8); w.Write(data.Length); w.Write(data);
        return ms.ToArray();
    }
}
