using AudioCluster.Clustering;
using AudioCluster.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioCluster.Encoders.Training;

/// <summary>
/// Fixed-length training examples cut from BYOL-A log-mels: a crop of <see cref="Frames"/> frames of a clip (clips
/// shorter than that centred in silence, as the reference pads short waveforms on both sides), normalised with the
/// data set's statistics. Shared by the trainers that fit the AudioNTT2020 encoder on spectrograms.
/// </summary>
internal sealed class LogMelCrops
{
    public const int MelBins = 64;

    readonly IReadOnlyList<Spectrogram> clips;
    readonly NormalizationStats normalization;
    readonly float silence = MathF.Log(ByolaEncoder.MelOptions.LogOffset);   // raw log-mel of digital silence

    public LogMelCrops(IReadOnlyList<Spectrogram> clips, NormalizationStats normalization, int frames)
    {
        this.clips = clips;
        this.normalization = normalization;
        Frames = frames;
    }

    /// <summary>Frames of every crop.</summary>
    public int Frames { get; }

    /// <summary>Checks that every log-mel is one BYOL-A computes (64 bins, at least one frame).</summary>
    /// <remarks><paramref name="minFrames"/>: whole clips that go through the encoder need ByolaEncoder.MinFrames; crops are padded.</remarks>
    public static void Check(IReadOnlyList<Spectrogram> logMels, string parameterName, int minFrames = 1)
    {
        if (logMels.Count == 0) throw new ArgumentException("No clips to train on.", parameterName);
        for (int i = 0; i < logMels.Count; i++)
        {
            var s = logMels[i] ?? throw new ArgumentException($"Clip {i} is null.", parameterName);
            if (s.Bins != MelBins) throw new ArgumentException($"'{s.Source}': the log-mel has {s.Bins} bins; BYOL-A takes {MelBins} (use ByolaEncoder.LogMel).", parameterName);
            if (s.Frames < minFrames)
                throw new ArgumentException(minFrames == 1 ? $"'{s.Source}': the log-mel has no frames."
                    : $"'{s.Source}': too short for BYOL-A: {s.Frames} log-mel frames, at least {minFrames} needed.", parameterName);
        }
    }

    /// <summary>A crop of clip <paramref name="clip"/> at a random start (0 for clips no longer than a crop).</summary>
    public CropRef Random(int clip, SeededRandom rng) =>
        new(clip, clips[clip].Frames > Frames ? rng.NextInt(clips[clip].Frames - Frames + 1) : 0);

    /// <summary>Normalised crops as a (n, 1, mels, Frames) tensor on <paramref name="device"/>.</summary>
    public Tensor Batch(IReadOnlyList<CropRef> refs, Device device)
    {
        int t = Frames, size = MelBins * t;
        var data = new float[refs.Count * size];
        for (int k = 0; k < refs.Count; k++)
        {
            var dst = data.AsSpan(k * size, size);
            var clip = clips[refs[k].Clip];
            int frames = clip.Frames;
            if (frames >= t)
            {
                for (int b = 0; b < MelBins; b++) clip.Data.AsSpan(b * frames + refs[k].Start, t).CopyTo(dst.Slice(b * t, t));
            }
            else
            {
                dst.Fill(silence);
                int left = (t - frames) / 2;
                for (int b = 0; b < MelBins; b++) clip.Data.AsSpan(b * frames, frames).CopyTo(dst.Slice(b * t + left, frames));
            }
            normalization.Apply(dst);
        }
        var tensor = torch.tensor(data, [refs.Count, 1, MelBins, t]);
        return device.type == DeviceType.CPU ? tensor : tensor.to(device);
    }
}
