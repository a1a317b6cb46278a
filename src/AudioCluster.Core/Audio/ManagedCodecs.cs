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
            using var mp3 = new MpegFile(s);
            int channels = mp3.Channels, rate = mp3.SampleRate;
            if (channels <= 0 || rate <= 0) throw new AudioDecodeException(path, "not a valid MP3 stream (no MPEG audio frames found)");
            var collector = FrameCollector.For(options, rate, channels);
            var buf = new float[4608 * channels];
            int got;
            while (!collector.IsFull && (got = mp3.ReadSamples(buf, 0, buf.Length)) > 0)
                collector.Add(buf.AsSpan(0, got - got % channels));
            return (collector.ToArray(path), rate, channels);
        }
        catch (Exception ex) when (ex is not (AudioDecodeException or OutOfMemoryException))
        {
            throw new AudioDecodeException(path, $"corrupt or unreadable MP3 data ({ex.Message})", ex);
        }
    }

    public static (float[] Samples, int SampleRate, int Channels) ReadVorbis(Stream s, string path, AudioReadOptions options)
    {
        try
        {
            using var vorbis = new VorbisReader(s, closeOnDispose: false);
            int channels = vorbis.Channels, rate = vorbis.SampleRate;
            if (channels <= 0 || rate <= 0) throw new AudioDecodeException(path, "not a valid Ogg Vorbis stream");
            var collector = FrameCollector.For(options, rate, channels, vorbis.TotalSamples);
            var buf = new float[4096 * channels];
            int got;
            while (!collector.IsFull && (got = vorbis.ReadSamples(buf, 0, buf.Length)) > 0)
                collector.Add(buf.AsSpan(0, got - got % channels));
            return (collector.ToArray(path), rate, channels);
        }
        catch (Exception ex) when (ex is not (AudioDecodeException or OutOfMemoryException))
        {
            throw new AudioDecodeException(path, $"corrupt or unreadable Ogg Vorbis data ({ex.Message})", ex);
        }
    }
}
