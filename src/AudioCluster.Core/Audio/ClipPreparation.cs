namespace AudioCluster.Audio;

public static class ClipPreparation
{
    /// <summary>The clip as one channel at <paramref name="sampleRate"/>: channels averaged, then resampled.</summary>
    public static float[] MonoAt(this AudioClip clip, int sampleRate)
    {
        var mono = clip.Channels == 1 ? clip.Samples : AudioMath.Downmix(clip);
        return clip.SampleRate == sampleRate ? mono : Resampler.Resample(mono, clip.SampleRate, sampleRate);
    }
}
