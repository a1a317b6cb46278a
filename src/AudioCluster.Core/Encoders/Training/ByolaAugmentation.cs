using AudioCluster.Clustering;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AudioCluster.Encoders.Training;

/// <summary>A training example: a crop of one clip's log-mel, starting at a frame.</summary>
internal readonly record struct CropRef(int Clip, int Start);

/// <summary>
/// Mixup's memory bank: the last N inputs, first in first out. It holds references (clip, crop start)
/// rather than the crops, since a crop is cheap to rebuild; that keeps the checkpoint small.
/// </summary>
internal sealed class MemoryBank
{
    readonly CropRef[] items;
    int head;      // index of the oldest item when full

    public MemoryBank(int capacity) => items = new CropRef[capacity];

    public int Count { get; private set; }

    public CropRef this[int i] => items[(head + i) % items.Length];

    public void Add(CropRef item)
    {
        if (Count < items.Length) items[Count++] = item;
        else
        {
            items[head] = item;
            head = (head + 1) % items.Length;
        }
    }

    /// <summary>Oldest first.</summary>
    public CropRef[] ToArray() => Enumerable.Range(0, Count).Select(i => this[i]).ToArray();

    public void Clear()
    {
        Count = 0;
        head = 0;
    }
}

/// <summary>
/// BYOL-A's augmentations of a batch of normalised log-mel crops, each view drawn independently:
/// mixup with a random past input in the linear power domain (log-mixup-exp, weight ~ U(0, ratio)),
/// random resize crop (a 1.0 x 1.5 virtual canvas with the input in its centre, a crop of 0.6..1.5 times the
/// input's size on each axis, resized back with bicubic interpolation), then a random linear fader
/// (a straight line from U(-gain, gain) to U(-gain, gain) over time added to the log-mel).
/// </summary>
internal static class ByolaAugmentation
{
    const double VirtualTimeScale = 1.5;
    const double MinScale = 0.6, MaxScale = 1.5;
    /// <summary>torch.finfo(torch.float32).eps, the reference's guard in the log and the division.</summary>
    const float Eps = 1.1920929e-07f;

    /// <summary>
    /// Mixup weights and backgrounds for the 2B views (view 1 of every clip, then view 2); adds each input to the
    /// bank once per view, as the reference's per-view transform does.
    /// </summary>
    public static (float[] Alpha, CropRef[] Background) DrawMixup(IReadOnlyList<CropRef> inputs, MemoryBank bank, double ratio, SeededRandom rng)
    {
        int b = inputs.Count;
        var alpha = new float[2 * b];
        var background = new CropRef[2 * b];
        for (int i = 0; i < b; i++)
        {
            for (int v = 0; v < 2; v++)
            {
                int k = v * b + i;
                double a = ratio * rng.NextDouble();
                if (bank.Count > 0)
                {
                    alpha[k] = (float)a;
                    background[k] = bank[rng.NextInt(bank.Count)];
                }
                else
                {
                    background[k] = inputs[i];    // nothing to mix with yet: alpha 0 leaves the input as it is
                }
                bank.Add(inputs[i]);
            }
        }
        return (alpha, background);
    }

    /// <summary>log((1 - a) exp(x) + a exp(z) + eps) per view; x, z: (2B, 1, F, T), alpha: 2B weights.</summary>
    public static Tensor Mixup(Tensor x, Tensor z, float[] alpha)
    {
        var a = torch.tensor(alpha, [alpha.Length, 1, 1, 1]).to(x.device);
        return ((1 - a) * x.exp() + a * z.exp() + Eps).log();
    }

    /// <summary>Random resize crop of every view of x (2B, 1, F, T); the draws come from rng, in view order.</summary>
    public static Tensor RandomResizeCrop(Tensor x, SeededRandom rng)
    {
        long n = x.shape[0];
        int f = (int)x.shape[2], t = (int)x.shape[3];
        int canvasF = f, canvasT = (int)(t * VirtualTimeScale);
        var canvas = torch.zeros([n, 1, canvasF, canvasT], dtype: x.dtype, device: x.device);
        canvas.narrow(2, (canvasF - f) / 2, f).narrow(3, (canvasT - t) / 2, t).copy_(x);
        var views = new Tensor[n];
        for (int k = 0; k < n; k++)
        {
            int h = Math.Clamp((int)(Uniform(rng, MinScale, MaxScale) * f), 1, canvasF);
            int w = Math.Clamp((int)(Uniform(rng, MinScale, MaxScale) * t), 1, canvasT);
            int i = canvasF > h ? rng.NextInt(canvasF - h + 1) : 0;
            int j = canvasT > w ? rng.NextInt(canvasT - w + 1) : 0;
            var crop = canvas.narrow(0, k, 1).narrow(2, i, h).narrow(3, j, w);
            views[k] = functional.interpolate(crop, [f, t], mode: InterpolationMode.Bicubic, align_corners: true);
        }
        return torch.cat(views, 0);
    }

    /// <summary>Adds a random line over time to every view of x (2B, 1, F, T).</summary>
    public static Tensor RandomLinearFader(Tensor x, double gain, SeededRandom rng)
    {
        int n = (int)x.shape[0], t = (int)x.shape[3];
        var slopes = new float[n * t];
        for (int k = 0; k < n; k++)
        {
            double head = gain * (2 * rng.NextDouble() - 1), tail = gain * (2 * rng.NextDouble() - 1);
            for (int s = 0; s < t; s++) slopes[k * t + s] = (float)(head + (tail - head) * (t == 1 ? 0 : (double)s / (t - 1)));
        }
        return x + torch.tensor(slopes, [n, 1, 1, t]).to(x.device);
    }

    /// <summary>(x - mean) / std over the whole batch (one channel), as the reference's NormalizeBatch after augmenting.</summary>
    public static Tensor NormalizeBatch(Tensor x) => (x - x.mean()) / x.std().clamp_min(Eps);

    static double Uniform(SeededRandom rng, double low, double high) => low + (high - low) * rng.NextDouble();

}
