using AudioCluster.Audio;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Audio;

/// <summary>MP3, Ogg and FLAC made by ffmpeg; decoded by NLayer/NVorbis and by the ffmpeg path.</summary>
[Collection(FfmpegEnvironment.Name)]
public class CompressedFormatTests(ITestOutputHelper output)
{
    const int Rate = 44100;

    (TempDir Dir, string Source, float[] Signal, string Ffmpeg) MakeSource(int channels = 1)
    {
        var ffmpeg = Ffmpeg.Locate();
        Skip.If(ffmpeg == null, AudioTestUtil.NoFfmpeg);
        var dir = new TempDir();
        var x = AudioTestUtil.Signal(Rate, Rate, channels);   // one second
        var src = dir.File("src.wav");
        WavWriter.Write(src, x, Rate, channels);
        return (dir, src, AudioDecoder.Decode(src).Samples, ffmpeg!);
    }

    [SkippableTheory]
    [InlineData("mp3", "libmp3lame", "mp3")]
    [InlineData("ogg", "libvorbis", "ogg")]
    [InlineData("flac", "flac", "ffmpeg:flac")]
    [InlineData("opus", "libopus", "ffmpeg:opus")]
    [InlineData("m4a", "aac", "ffmpeg:m4a")]
    public void Decodes_ffmpeg_encoded_file(string ext, string codec, string expectedFormat)
    {
        var (dir, src, mono, ffmpeg) = MakeSource(channels: 2);
        using var _ = dir;
        var file = dir.File("x." + ext);
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", src, "-c:a", codec, "-b:a", "192k", file);

        // Opus always decodes at 48 kHz: bring it back to the source rate to compare.
        var clip = AudioDecoder.Decode(file, new AudioReadOptions { SampleRate = Rate });
        Assert.Equal(expectedFormat, clip.Format);
        Assert.Equal(1, clip.Channels);
        var (corr, lag) = AudioTestUtil.BestLagCorrelation(mono, clip.Samples, 3000);
        output.WriteLine($"{ext}: {clip}, correlation {corr:F5} at lag {lag}");
        Assert.True(corr > 0.99, $"{ext}: correlation {corr} (lag {lag})");
        Assert.InRange(clip.FrameCount, mono.Length - 100, mono.Length + 3000);
        if (ext == "flac")
        {
            // Lossless: exactly the int16 samples of the source.
            Assert.Equal(0, lag);
            Assert.Equal(mono, clip.Samples);
        }

        var stereo = AudioDecoder.Decode(file, new AudioReadOptions { Mono = false, SampleRate = 16000 });
        Assert.Equal(2, stereo.Channels);
        Assert.Equal(16000, stereo.SampleRate);
    }

    [SkippableTheory]
    [InlineData("mp3", "libmp3lame")]
    [InlineData("ogg", "libvorbis")]
    public void Managed_decoder_agrees_with_ffmpeg(string ext, string codec)
    {
        var (dir, src, _, ffmpeg) = MakeSource();
        using var _d = dir;
        var file = dir.File("x." + ext);
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", src, "-c:a", codec, "-q:a", "4", file);
        var managed = AudioDecoder.Decode(file);
        Assert.Equal(ext, managed.Format);

        var viaFfmpeg = Ffmpeg.Decode(file);
        Assert.Equal("ffmpeg:" + ext, viaFfmpeg.Format);
        // Same start and length: encoder delay and padding are trimmed like ffmpeg does.
        Assert.Equal(viaFfmpeg.FrameCount, managed.FrameCount);
        var (corr, lag) = AudioTestUtil.BestLagCorrelation(viaFfmpeg.Samples, managed.Samples, 3000);
        output.WriteLine($"{ext}: managed {managed.FrameCount} frames, ffmpeg {viaFfmpeg.FrameCount}; correlation {corr:F6} at lag {lag}");
        Assert.Equal(0, lag);
        Assert.True(corr > 0.999, $"correlation {corr} at lag {lag}");
    }

    [SkippableFact]
    public void Truncated_or_damaged_mp3_is_reported()
    {
        var (dir, src, _, ffmpeg) = MakeSource();
        using var _d = dir;
        var mp3 = dir.File("x.mp3");
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", src, mp3);
        var bytes = File.ReadAllBytes(mp3);

        File.WriteAllBytes(dir.File("cut.mp3"), bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("cut.mp3")));
        Assert.Contains("truncated or corrupt MP3", ex.Message);

        var damaged = (byte[])bytes.Clone();
        new Random(1).NextBytes(damaged.AsSpan(damaged.Length / 3, 2000));
        File.WriteAllBytes(dir.File("damaged.mp3"), damaged);
        Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("damaged.mp3")));

        // A crop that ends before the damage still decodes.
        var head = AudioDecoder.Decode(dir.File("cut.mp3"), new AudioReadOptions { Duration = TimeSpan.FromSeconds(0.2) });
        Assert.Equal(8820, head.FrameCount);
    }

    [SkippableFact]
    public void Damaged_ogg_is_reported()
    {
        var (dir, src, _, ffmpeg) = MakeSource();
        using var _d = dir;
        var ogg = dir.File("x.ogg");
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", src, "-c:a", "libvorbis", ogg);
        var bytes = File.ReadAllBytes(ogg);
        new Random(1).NextBytes(bytes.AsSpan(bytes.Length / 3, 2000));
        File.WriteAllBytes(dir.File("damaged.ogg"), bytes);
        var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("damaged.ogg")));
        Assert.Contains("damaged.ogg", ex.Message);
    }

    [SkippableFact]
    public void Crop_works_on_ffmpeg_path_and_stops_early()
    {
        var (dir, src, mono, ffmpeg) = MakeSource();
        using var _ = dir;
        var flac = dir.File("x.flac");
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", src, flac);
        var clip = AudioDecoder.Decode(flac, new AudioReadOptions { Offset = TimeSpan.FromSeconds(0.1), Duration = TimeSpan.FromSeconds(0.2) });
        Assert.Equal(mono.AsSpan(4410, 8820).ToArray(), clip.Samples);
    }

    [SkippableTheory]
    [InlineData("pcm_alaw")]
    [InlineData("pcm_mulaw")]
    public void G711_wav_matches_ffmpeg(string codec)
    {
        var (dir, src, _, ffmpeg) = MakeSource();
        using var _d = dir;
        var law = dir.File("law.wav");
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", src, "-c:a", codec, law);
        var pcm = dir.File("pcm.wav");
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", law, "-c:a", "pcm_s16le", pcm);
        Assert.Equal(AudioDecoder.Decode(pcm).Samples, AudioDecoder.Decode(law).Samples);
    }

    [SkippableFact]
    public void Adpcm_wav_goes_through_ffmpeg()
    {
        var (dir, src, mono, ffmpeg) = MakeSource();
        using var _ = dir;
        var adpcm = dir.File("adpcm.wav");
        AudioTestUtil.RunFfmpeg(ffmpeg, "-i", src, "-c:a", "adpcm_ima_wav", adpcm);
        var clip = AudioDecoder.Decode(adpcm);
        Assert.Equal("ffmpeg:wav", clip.Format);
        Assert.True(AudioTestUtil.BestLagCorrelation(mono, clip.Samples, 10).Correlation > 0.99);
    }

    [SkippableFact]
    public void Ffmpeg_errors_name_the_file()
    {
        Skip.If(Ffmpeg.Locate() == null, AudioTestUtil.NoFfmpeg);
        using var dir = new TempDir();
        var bytes = new byte[4000];
        new Random(1).NextBytes(bytes);
        "fLaC"u8.CopyTo(bytes);
        File.WriteAllBytes(dir.File("broken.flac"), bytes);
        var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("broken.flac")));
        output.WriteLine(ex.Message);
        Assert.Contains("broken.flac", ex.Message);
    }

    [Fact]
    public void Without_ffmpeg_flac_fails_with_advice()
    {
        using var dir = new TempDir();
        var bytes = new byte[100];
        "fLaC"u8.CopyTo(bytes);
        File.WriteAllBytes(dir.File("song.flac"), bytes);
        using var _ = AudioTestUtil.SetEnvironment(Ffmpeg.EnvironmentVariable, "none");
        Assert.Null(Ffmpeg.Locate());
        var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("song.flac")));
        Assert.Contains("song.flac", ex.Message);
        Assert.Contains("FLAC is decoded through ffmpeg", ex.Message);
        Assert.Contains(Ffmpeg.EnvironmentVariable, ex.Message);
    }

    [Fact]
    public void Without_ffmpeg_adpcm_wav_says_it_is_not_supported()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("adpcm.wav"), WavTests.Wav(0x11, 1, 8000, 4, new byte[256]));
        using var _ = AudioTestUtil.SetEnvironment(Ffmpeg.EnvironmentVariable, "none");
        var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("adpcm.wav")));
        Assert.Contains("adpcm.wav", ex.Message);
        Assert.Contains("IMA ADPCM", ex.Message);
        Assert.Contains("not supported", ex.Message);
        Assert.Contains("ffmpeg", ex.Message);
    }

    [Fact]
    public void Locate_reads_the_variable_on_every_call()
    {
        using var dir = new TempDir();
        var fake = dir.File("my-ffmpeg");
        File.WriteAllText(fake, "");
        using (AudioTestUtil.SetEnvironment(Ffmpeg.EnvironmentVariable, fake))
            Assert.Equal(fake, Ffmpeg.Locate());
        using (AudioTestUtil.SetEnvironment(Ffmpeg.EnvironmentVariable, "NONE"))
            Assert.Null(Ffmpeg.Locate());
        using (AudioTestUtil.SetEnvironment(Ffmpeg.EnvironmentVariable, dir.File("missing")))
        {
            Assert.Null(Ffmpeg.Locate());
            File.WriteAllBytes(dir.File("a.opus"), "OggS"u8.ToArray().Concat(new byte[60]).Concat("OpusHead"u8.ToArray()).ToArray());
            var ex = Assert.Throws<AudioDecodeException>(() => AudioDecoder.Decode(dir.File("a.opus")));
            Assert.Contains("does not exist", ex.Message);
        }
        using (AudioTestUtil.SetEnvironment("PATH", dir.Path))
        using (AudioTestUtil.SetEnvironment(Ffmpeg.EnvironmentVariable, null))
            Assert.Null(Ffmpeg.Locate());
    }
}
