namespace AudioCluster.Audio;

/// <summary>Small sample-level helpers shared by the audio pipeline.</summary>
public static class AudioMath
{
    /// <summary>
    /// Quantises to int16 and back as the reference pipelines do (write int16 wav, torchaudio.load):
    /// clamp(trunc(x * 32767), -32768, 32767) / 32768, in float32. Saturates instead of wrapping.
    /// </summary>
    public static float[] Int16RoundTrip(ReadOnlySpan<float> x)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i] * 32767f;                      // float32 product, as torch computes it
            if (float.IsNaN(v)) v = 0;
            v = MathF.Truncate(Math.Clamp(v, -32768f, 32767f));
            y[i] = v / 32768f;
        }
        return y;
    }

    /// <summary>Mono samples: the mean of the channels (a copy when the clip is already mono).</summary>
    public static float[] Downmix(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return Downmix(clip.Samples, clip.Channels);
    }

    /// <summary>Mean over channels of interleaved samples.</summary>
    public static float[] Downmix(ReadOnlySpan<float> interleaved, int channels)
    {
        if (channels <= 0 || interleaved.Length % channels != 0) throw new ArgumentOutOfRangeException(nameof(channels));
        if (channels == 1) return interleaved.ToArray();
        int frames = interleaved.Length / channels;
        var mono = new float[frames];
        for (int f = 0, s = 0; f < frames; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++) sum += interleaved[s++];
            mono[f] = sum / channels;
        }
        return mono;
    }
}
