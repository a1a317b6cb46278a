using NLayer;
using NVorbis;

namespace AudioCluster.Audio;

/// <summary>MP3 (NLayer) and Ogg Vorbis (NVorbis): pure managed, no ffmpeg needed.</summary>
internal static class ManagedCodecs
{
    public static (float[] Samples, int SampleRate, int Channels) ReadMp3(Stream s, string path, AudioReadOptions options)
    {
        try
        {
            var (lead, valid) = Mp3Gapless(s);
            s.Position = 0;
            using var mp3 = new MpegFile(s);
            int channels = mp3.Channels, rate = mp3.SampleRate;
            if (channels <= 0 || rate <= 0) throw new AudioDecodeException(path, "not a valid MP3 stream (no MPEG audio frames found)");
            var collector = FrameCollector.For(options, rate, channels);
            var buf = new float[4608 * channels];
            long pos = 0, end = valid is { } v ? lead + v : long.MaxValue;   // decoded frames, end of real audio
            int got;
            bool endOfStream = false;
            while (!collector.IsFull && pos < end)
            {
                got = mp3.ReadSamples(buf, 0, buf.Length);
                if (got <= 0) { endOfStream = true; break; }
                long frames = got / channels;
                long a = Math.Clamp(lead - pos, 0, frames), b = Math.Clamp(end - pos, 0, frames);
                if (b > a) collector.Add(buf.AsSpan((int)(a * channels), (int)((b - a) * channels)));
                pos += frames;
            }
            if (pos == 0) throw new AudioDecodeException(path, "no audio could be decoded from the MP3 stream (corrupt, or no valid frames)");
            // The Info header says how long the stream is; NLayer skips damaged frames silently.
            if (endOfStream && valid != null && pos < end - 1152)
                throw new AudioDecodeException(path, $"truncated or corrupt MP3: the header declares {valid} samples per channel but only {Math.Max(0, pos - lead)} could be decoded");
            return (collector.ToArray(path), rate, channels);
        }
        catch (Exception ex) when (ex is not (AudioDecodeException or OutOfMemoryException))
        {
            throw new AudioDecodeException(path, $"corrupt or unreadable MP3 data ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Encoder delay and padding from a LAME/Xing "Info" header, so the output starts and ends where
    /// the original did, as ffmpeg (and so torchaudio) trim it: (frames to drop, frames to keep or null).
    /// </summary>
    static (long Lead, long? Valid) Mp3Gapless(Stream s)
    {
        const int DecoderDelay = 529;   // MDCT/filterbank delay of a standard layer III decoder
        var h = new byte[4096];
        s.Position = 0;
        int n = s.ReadAtLeast(h, 10, throwOnEndOfStream: false);
        int start = 0;
        if (n >= 10 && h[0] == 'I' && h[1] == 'D' && h[2] == '3')
        {
            long tag = 10 + ((h[6] & 0x7F) << 21 | (h[7] & 0x7F) << 14 | (h[8] & 0x7F) << 7 | (h[9] & 0x7F)) + ((h[5] & 0x10) != 0 ? 10 : 0);
            if (tag >= s.Length) return (0, null);
            s.Position = tag;
        }
        else s.Position = 0;
        n = s.ReadAtLeast(h, h.Length, throwOnEndOfStream: false);
        while (start + 4 <= n && !(h[start] == 0xFF && (h[start + 1] & 0xE0) == 0xE0)) start++;   // skip junk to the first sync
        if (start + 4 > n) return (0, null);

        int version = (h[start + 1] >> 3) & 3;                 // 3 = MPEG-1
        int layer = (h[start + 1] >> 1) & 3;                   // 1 = layer III
        bool mono = (h[start + 3] >> 6) == 3;
        if (layer != 1) return (0, null);
        int side = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int x = start + 4 + side;
        if (x + 8 > n) return (0, null);
        string id = System.Text.Encoding.ASCII.GetString(h, x, 4);
        if (id is not ("Xing" or "Info")) return (0, null);
        int flags = h[x + 7];
        long? frames = null;
        int o = x + 8;
        if ((flags & 1) != 0) { frames = (long)h[o] << 24 | (long)h[o + 1] << 16 | (long)h[o + 2] << 8 | h[o + 3]; o += 4; }
        if ((flags & 2) != 0) o += 4;
        if ((flags & 4) != 0) o += 100;
        if ((flags & 8) != 0) o += 4;
        if (o + 24 > n || System.Text.Encoding.ASCII.GetString(h, o, 4) != "LAME" && System.Text.Encoding.ASCII.GetString(h, o, 4) != "Lavc")
            return (DecoderDelay, null);
        int delay = h[o + 21] << 4 | h[o + 22] >> 4;
        int padding = (h[o + 22] & 0x0F) << 8 | h[o + 23];
        int samplesPerFrame = version == 3 ? 1152 : 576;
        long? valid = frames is { } f ? f * samplesPerFrame - delay - padding : null;
        return (delay + DecoderDelay, valid is > 0 ? valid : null);
    }

    public static (float[] Samples, int SampleRate, int Channels) ReadVorbis(Stream s, string path, AudioReadOptions options)
    {
        try
        {
            using var vorbis = new VorbisReader(s, closeOnDispose: false);
            int channels = vorbis.Channels, rate = vorbis.SampleRate;
            if (channels <= 0 || rate <= 0) throw new AudioDecodeException(path, "not a valid Ogg Vorbis stream");
            long expected = vorbis.TotalSamples;   // from the last page's granule position
            var collector = FrameCollector.For(options, rate, channels, expected);
            var buf = new float[4096 * channels];
            int got;
            while (!collector.IsFull && (got = vorbis.ReadSamples(buf, 0, buf.Length)) > 0)
                collector.Add(buf.AsSpan(0, got - got % channels));
            if (collector.FramesSeen == 0)
                throw new AudioDecodeException(path, "no audio could be decoded from the Ogg Vorbis stream (corrupt, or headers only)");
            if (!collector.IsFull && expected > 0 && collector.FramesSeen < expected - 4096)
                throw new AudioDecodeException(path, $"corrupt Ogg Vorbis data: the stream declares {expected} samples per channel but only {collector.FramesSeen} could be decoded");
            return (collector.ToArray(path), rate, channels);
        }
        catch (Exception ex) when (ex is not (AudioDecodeException or OutOfMemoryException))
        {
            throw new AudioDecodeException(path, $"corrupt or unreadable Ogg Vorbis data ({ex.Message})", ex);
        }
    }
}
