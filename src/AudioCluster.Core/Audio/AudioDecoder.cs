using System.Text;

namespace AudioCluster.Audio;

/// <summary>
/// Decodes audio files to float samples. WAV, AIFF, MP3 and Ogg Vorbis are built in; other formats
/// (FLAC, M4A/AAC, Opus, WMA, WebM ...) go through ffmpeg when it is installed.
/// </summary>
public static class AudioDecoder
{
    enum Container { Wav, Aiff, Mp3, Vorbis, Ffmpeg, Unknown }

    // Extensions used when the content has no recognisable signature (e.g. MP3 without ID3 starting with junk).
    static readonly Dictionary<string, (Container, string)> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".wav"] = (Container.Wav, "WAV"), [".wave"] = (Container.Wav, "WAV"),
        [".aif"] = (Container.Aiff, "AIFF"), [".aiff"] = (Container.Aiff, "AIFF"), [".aifc"] = (Container.Aiff, "AIFF"),
        [".mp3"] = (Container.Mp3, "MP3"), [".mp2"] = (Container.Mp3, "MP2"),
        [".ogg"] = (Container.Vorbis, "Ogg Vorbis"), [".oga"] = (Container.Vorbis, "Ogg Vorbis"),
        [".flac"] = (Container.Ffmpeg, "FLAC"), [".m4a"] = (Container.Ffmpeg, "M4A/AAC"), [".mp4"] = (Container.Ffmpeg, "MP4"),
        [".aac"] = (Container.Ffmpeg, "AAC"), [".opus"] = (Container.Ffmpeg, "Opus"), [".wma"] = (Container.Ffmpeg, "WMA"),
        [".webm"] = (Container.Ffmpeg, "WebM"), [".mka"] = (Container.Ffmpeg, "Matroska audio"), [".mkv"] = (Container.Ffmpeg, "Matroska"),
        [".amr"] = (Container.Ffmpeg, "AMR"), [".ac3"] = (Container.Ffmpeg, "AC-3"), [".caf"] = (Container.Ffmpeg, "CAF"),
        [".au"] = (Container.Ffmpeg, "Sun AU"), [".snd"] = (Container.Ffmpeg, "Sun AU"), [".wv"] = (Container.Ffmpeg, "WavPack"),
        [".ape"] = (Container.Ffmpeg, "Monkey's Audio"), [".3gp"] = (Container.Ffmpeg, "3GP"), [".mov"] = (Container.Ffmpeg, "QuickTime"),
    };

    /// <summary>File extensions this decoder accepts (some only through ffmpeg).</summary>
    public static IReadOnlyCollection<string> KnownExtensions => ByExtension.Keys;

    /// <summary>
    /// Decodes <paramref name="path"/>: crops (Offset/Duration, in the file's time), downmixes when Mono,
    /// then resamples when SampleRate is set. Throws <see cref="AudioDecodeException"/> for anything
    /// that is not decodable audio, never returning partial garbage.
    /// </summary>
    public static AudioClip Decode(string path, AudioReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new AudioReadOptions();
        options.Validate();
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new AudioDecodeException(full, Directory.Exists(full) ? "it is a folder, not a file" : "file not found");

        float[] samples;
        int rate, channels;
        string format;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (stream.Length == 0) throw new AudioDecodeException(full, "the file is empty");
            var (container, name) = Detect(stream, full);
            stream.Position = 0;
            (samples, rate, channels, format) = container switch
            {
                Container.Wav => WithFormat(WavReader.Read(stream, full, options), "wav"),
                Container.Aiff => WithFormat(AiffReader.Read(stream, full, options), "aiff"),
                Container.Mp3 => WithFormat(ManagedCodecs.ReadMp3(stream, full, options), "mp3"),
                Container.Vorbis => WithFormat(ManagedCodecs.ReadVorbis(stream, full, options), "ogg"),
                Container.Ffmpeg => ViaFfmpeg(full, name, options),
                _ => throw new AudioDecodeException(full, name),
            };
        }
        catch (UnsupportedEncodingException ex)
        {
            // Valid file in an encoding not built in (ADPCM WAV, compressed AIFC ...): ffmpeg can still read it.
            (samples, rate, channels, format) = ViaFfmpeg(full, ex.Message, options, "is not supported by the built-in decoder");
        }
        catch (EndOfStreamException ex) { throw new AudioDecodeException(full, "the file is truncated", ex); }
        catch (UnauthorizedAccessException ex) { throw new AudioDecodeException(full, "access denied", ex); }
        catch (IOException ex) when (ex is not AudioDecodeException) { throw new AudioDecodeException(full, ex.Message, ex); }

        return Finish(full, samples, rate, channels, format, options);
    }

    /// <summary>Downmix then resample, as the options ask.</summary>
    internal static AudioClip Finish(string path, float[] samples, int rate, int channels, string format, AudioReadOptions options)
    {
        if (options.Mono && channels > 1)
        {
            samples = AudioMath.Downmix(samples, channels);
            channels = 1;
        }
        if (options.SampleRate is { } target && target != rate)
        {
            samples = ResampleInterleaved(samples, channels, rate, target);
            rate = target;
        }
        return new AudioClip(path, samples, rate, channels, options.Label, format);
    }

    static (float[], int, int, string) WithFormat((float[] S, int R, int C) d, string format) => (d.S, d.R, d.C, format);

    static (float[], int, int, string) ViaFfmpeg(string path, string what, AudioReadOptions options, string? why = null)
    {
        var ffmpeg = Ffmpeg.Locate();
        if (ffmpeg == null)
        {
            string advice = Ffmpeg.MissingAdvice(why == null ? what : "it");
            throw new AudioDecodeException(path, why == null ? advice : $"{what} {why}; {advice}");
        }
        var (s, r, c) = Ffmpeg.DecodeRaw(ffmpeg, path, options);
        return (s, r, c, Ffmpeg.FormatTag(path, what));
    }

    static float[] ResampleInterleaved(float[] samples, int channels, int from, int to)
    {
        if (channels == 1) return Resampler.Resample(samples, from, to);
        int frames = samples.Length / channels;
        var channel = new float[frames];
        float[]? result = null;
        int outFrames = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int f = 0; f < frames; f++) channel[f] = samples[f * channels + c];
            var y = Resampler.Resample(channel, from, to);
            if (result == null) { outFrames = y.Length; result = new float[outFrames * channels]; }
            for (int f = 0; f < outFrames; f++) result[f * channels + c] = y[f];
        }
        return result!;
    }

    /// <summary>Identifies the format from the first bytes, falling back to the extension.</summary>
    static (Container, string) Detect(Stream s, string path)
    {
        var buf = new byte[64];
        int n = s.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
        var h = buf[..n];
        bool At(int offset, string ascii) => h.Length >= offset + ascii.Length && Encoding.ASCII.GetString(h, offset, ascii.Length) == ascii;

        if ((At(0, "RIFF") || At(0, "RIFX") || At(0, "RF64")) && At(8, "WAVE")) return (Container.Wav, "WAV");
        if (At(0, "FORM") && (At(8, "AIFF") || At(8, "AIFC"))) return (Container.Aiff, "AIFF");
        if (At(0, "OggS"))
        {
            // The first packet names the codec: Vorbis is built in, Opus/FLAC/Speex in Ogg go to ffmpeg.
            if (Contains(h, "\u0001vorbis")) return (Container.Vorbis, "Ogg Vorbis");
            if (Contains(h, "OpusHead")) return (Container.Ffmpeg, "Opus");
            if (Contains(h, "FLAC")) return (Container.Ffmpeg, "Ogg FLAC");
            return (Container.Ffmpeg, "Ogg");
        }
        if (At(0, "fLaC")) return (Container.Ffmpeg, "FLAC");
        if (At(0, "ID3") && h.Length >= 10)
        {
            // Skip the ID3v2 tag (size is syncsafe) and look at what follows: usually MP3, sometimes FLAC or AAC.
            long size = (h[6] & 0x7F) << 21 | (h[7] & 0x7F) << 14 | (h[8] & 0x7F) << 7 | (h[9] & 0x7F);
            long after = 10 + size + ((h[5] & 0x10) != 0 ? 10 : 0);
            if (after + 4 <= s.Length)
            {
                s.Position = after;
                var next = new byte[4];
                if (s.ReadAtLeast(next, 4, throwOnEndOfStream: false) == 4)
                {
                    if (Encoding.ASCII.GetString(next) == "fLaC") return (Container.Ffmpeg, "FLAC");
                    if (IsAdts(next)) return (Container.Ffmpeg, "AAC");
                }
            }
            return (Container.Mp3, "MP3");
        }
        if (At(4, "ftyp")) return (Container.Ffmpeg, "M4A/AAC");
        if (h.Length >= 4 && h[0] == 0x1A && h[1] == 0x45 && h[2] == 0xDF && h[3] == 0xA3) return (Container.Ffmpeg, "WebM/Matroska");
        if (h.Length >= 8 && h.AsSpan(0, 8).SequenceEqual(new byte[] { 0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11 })) return (Container.Ffmpeg, "WMA");
        if (At(0, "#!AMR")) return (Container.Ffmpeg, "AMR");
        if (At(0, ".snd")) return (Container.Ffmpeg, "Sun AU");
        if (At(0, "caff")) return (Container.Ffmpeg, "CAF");
        if (At(0, "wvpk")) return (Container.Ffmpeg, "WavPack");
        if (At(0, "MAC ")) return (Container.Ffmpeg, "Monkey's Audio");
        if (h.Length >= 4 && IsAdts(h)) return (Container.Ffmpeg, "AAC");
        if (h.Length >= 4 && IsMpegAudio(h)) return (Container.Mp3, "MP3");

        string ext = System.IO.Path.GetExtension(path);
        if (ByExtension.TryGetValue(ext, out var byExt))
        {
            // A WAV/AIFF signature is mandatory; without it the file is damaged, not another format.
            if (byExt.Item1 is Container.Wav or Container.Aiff)
                return (Container.Unknown, $"the file has a {ext} extension but is not a {byExt.Item2} file (no {byExt.Item2} header); it may be damaged");
            return byExt;
        }
        return (Container.Unknown, $"not a recognised audio format ({Describe(h)})");
    }

    static bool IsAdts(ReadOnlySpan<byte> h) => h[0] == 0xFF && (h[1] & 0xF6) == 0xF0;

    // MPEG audio frame header: 11-bit sync, a valid version/layer, bitrate and sample rate index.
    static bool IsMpegAudio(ReadOnlySpan<byte> h) =>
        h[0] == 0xFF && (h[1] & 0xE0) == 0xE0 && (h[1] & 0x18) != 0x08 && (h[1] & 0x06) != 0
        && (h[2] & 0xF0) != 0xF0 && (h[2] & 0x0C) != 0x0C;

    static bool Contains(ReadOnlySpan<byte> h, string ascii) => h.IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;

    static string Describe(ReadOnlySpan<byte> h)
    {
        var head = h[..Math.Min(8, h.Length)];
        bool text = true;
        foreach (var b in h) text &= b is >= 0x20 and < 0x7F or (byte)'\t' or (byte)'\n' or (byte)'\r';
        return text ? "it looks like a text file" : $"it starts with bytes {Convert.ToHexString(head)}";
    }
}
