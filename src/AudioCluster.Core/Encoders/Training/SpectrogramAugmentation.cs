using AudioCluster.Clustering;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioCluster.Encoders.Training;

/// <summary>
/// A chain of augmentations of a batch of normalised log-mel crops (n, 1, mels, frames), each example drawn on its
/// own: BYOL-A's mixup with a background crop (when asked), random resize crop and random linear fader, then
/// SpecAugment's frequency and time masks and a random gain. A trainer that needs weak and strong views (FixMatch)
/// keeps two instances with different strengths.
/// </summary>
public sealed record SpectrogramAugmentation
{
    /// <summary>
    /// BYOL-A's mixup: each example mixed with its background crop as log((1 - a) exp(x) + a exp(z)), a ~ U(0, ratio);
    /// 0: off. The caller supplies the backgrounds.
    /// </summary>
    public double MixupRatio { get; init; }
    /// <summary>BYOL-A's random resize crop (0.6..1.5 of each axis from a 1.0 x 1.5 canvas, resized back).</summary>
    public bool RandomResizeCrop { get; init; } = true;
    /// <summary>Random linear fader: a line from U(-g, g) to U(-g, g) over time added, in normalised log-mel units; 0: off.</summary>
    public double FaderGain { get; init; } = 1.0;
    /// <summary>SpecAugment frequency mask: a band of 0..this many mel bins set to the mean (0 after normalisation); 0: off.</summary>
    public int FrequencyMaskBins { get; init; } = 8;
    /// <summary>SpecAugment time mask: 0..this many frames set to the mean; 0: off.</summary>
    public int TimeMaskFrames { get; init; } = 12;
    /// <summary>Random gain of U(-g, g) dB on the power spectrogram (a shift of the log-mel); 0: off.</summary>
    public double GainDecibels { get; init; } = 6.0;

    /// <summary>No change.</summary>
    public static SpectrogramAugmentation None { get; } = new()
    {
        RandomResizeCrop = false, FaderGain = 0, FrequencyMaskBins = 0, TimeMaskFrames = 0, GainDecibels = 0,
    };

    public void Validate()
    {
        if (!(MixupRatio is >= 0 and <= 1)) throw new ArgumentException($"The mixup ratio must be in [0, 1], got {MixupRatio}.");
        if (!(FaderGain >= 0) || !double.IsFinite(FaderGain)) throw new ArgumentException($"The fader gain must be 0 or more, got {FaderGain}.");
        if (FrequencyMaskBins < 0 || TimeMaskFrames < 0) throw new ArgumentException("Mask widths must be 0 or more.");
        if (!(GainDecibels >= 0) || !double.IsFinite(GainDecibels)) throw new ArgumentException($"The gain range must be 0 or more dB, got {GainDecibels}.");
    }

    /// <summary>What is switched on, for logs.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (MixupRatio > 0) parts.Add($"mixup ≤{MixupRatio:G3} with another clip");
        if (RandomResizeCrop) parts.Add("random resize crop");
        if (FaderGain > 0) parts.Add($"fader ±{FaderGain:G3}");
        if (FrequencyMaskBins > 0) parts.Add($"frequency mask ≤{FrequencyMaskBins} bins");
        if (TimeMaskFrames > 0) parts.Add($"time mask ≤{TimeMaskFrames} frames");
        if (GainDecibels > 0) parts.Add($"gain ±{GainDecibels:G3} dB");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>
    /// Augments x (n, 1, mels, frames), normalised as (log-mel - mean) / <paramref name="logMelStd"/>; every draw comes
    /// from <paramref name="rng"/> in example order, so a seed gives the same views. <paramref name="background"/>
    /// (shaped as x) holds the crops mixup mixes in, needed when <see cref="MixupRatio"/> is above 0.
    /// </summary>
    internal Tensor Apply(Tensor x, double logMelStd, SeededRandom rng, Tensor? background = null)
    {
        if (MixupRatio > 0)
        {
            if (background is null) throw new InvalidOperationException("Mixup needs a background crop for every example.");
            var alpha = new float[x.shape[0]];
            for (int k = 0; k < alpha.Length; k++) alpha[k] = (float)(MixupRatio * rng.NextDouble());
            x = ByolaAugmentation.Mixup(x, background, alpha);
        }
        if (RandomResizeCrop) x = ByolaAugmentation.RandomResizeCrop(x, rng);
        if (FaderGain > 0) x = ByolaAugmentation.RandomLinearFader(x, FaderGain, rng);
        if (FrequencyMaskBins > 0) x = x * Mask(x, 2, FrequencyMaskBins, rng);
        if (TimeMaskFrames > 0) x = x * Mask(x, 3, TimeMaskFrames, rng);
        if (GainDecibels > 0) x = x + Gain(x, GainDecibels, logMelStd, rng);
        return x;
    }

    /// <summary>Per example, ones with one run of 0..maxWidth zeros along <paramref name="axis"/> (2: mel bins, 3: frames), broadcastable to x.</summary>
    static Tensor Mask(Tensor x, int axis, int maxWidth, SeededRandom rng)
    {
        int n = (int)x.shape[0], size = (int)x.shape[axis];
        var mask = new float[n * size];
        Array.Fill(mask, 1f);
        for (int k = 0; k < n; k++)
        {
            int width = Math.Min(rng.NextInt(maxWidth + 1), size);
            int start = rng.NextInt(size - width + 1);
            mask.AsSpan(k * size + start, width).Clear();
        }
        long[] shape = axis == 2 ? [n, 1, size, 1] : [n, 1, 1, size];
        return torch.tensor(mask, shape).to(x.device);
    }

    /// <summary>Per example, the shift of the normalised log-mel that a gain of U(-maxDb, maxDb) dB makes: g / 10 ln 10 / std.</summary>
    static Tensor Gain(Tensor x, double maxDb, double logMelStd, SeededRandom rng)
    {
        int n = (int)x.shape[0];
        var shift = new float[n];
        for (int k = 0; k < n; k++) shift[k] = (float)(maxDb * (2 * rng.NextDouble() - 1) / 10 * Math.Log(10) / logMelStd);
        return torch.tensor(shift, [n, 1, 1, 1]).to(x.device);
    }
}
