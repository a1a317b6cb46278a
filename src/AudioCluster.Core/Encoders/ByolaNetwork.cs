using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AudioCluster.Encoders;

/// <summary>
/// BYOL-A's AudioNTT2020 (v1) network, laid out as the authors' PyTorch module so that their state dict loads
/// as it is (keys features.* and fc.*): three blocks of [3x3 conv, batch norm, ReLU, 2x2 max-pool] over a
/// (batch, 1, mels, frames) log-mel, each frame's channels x mel bins through fc (Linear, ReLU, Dropout, Linear,
/// ReLU), then max plus mean over time. Input frames T give T / 8 (rounded down) frames before the pooling.
/// </summary>
internal sealed class AudioNtt2020 : Module<Tensor, Tensor>
{
    const int Channels = 64;

    // Field names are the state dict prefixes.
    readonly Sequential features;
    readonly Sequential fc;
    readonly SeededDropout dropout = new(0.3);

    public AudioNtt2020(int nMels, int d) : base("AudioNTT2020")
    {
        NMels = nMels;
        D = d;
        features = Sequential(
            Conv2d(1, Channels, 3, stride: 1, padding: 1), BatchNorm2d(Channels), ReLU(), MaxPool2d(2, 2),
            Conv2d(Channels, Channels, 3, stride: 1, padding: 1), BatchNorm2d(Channels), ReLU(), MaxPool2d(2, 2),
            Conv2d(Channels, Channels, 3, stride: 1, padding: 1), BatchNorm2d(Channels), ReLU(), MaxPool2d(2, 2));
        fc = Sequential(Linear(Channels * (nMels / 8), d), ReLU(), dropout, Linear(d, d), ReLU());
        RegisterComponents();
    }

    public int NMels { get; }
    public int D { get; }

    /// <summary>Where training's dropout masks come from (null: libtorch's process-wide generator).</summary>
    public Generator? DropoutGenerator
    {
        get => dropout.Generator;
        set => dropout.Generator = value;
    }

    static readonly Scalar One = 1f.ToScalar();

    public override Tensor forward(Tensor x)
    {
        var h = features.forward(x);                      // (B, C, F, T)
        h = h.permute(0, 3, 2, 1);                        // (B, T, F, C)
        h = h.reshape(h.shape[0], h.shape[1], -1);        // (B, T, F * C), as the authors flatten
        h = fc.forward(h);                                // (B, T, d)
        // An explicit, long-lived alpha: the operator + makes a temporary Scalar that the GC may
        // free while libtorch still reads it when clips run in parallel (TorchSharp 0.107).
        return h.max(1).values.add_(h.mean([1]), One);
    }
}

/// <summary>
/// Inverted dropout whose masks a trainer can draw from its own generator, so that a seeded training gives the
/// same weights whatever else uses libtorch's process-wide generator at the same time.
/// </summary>
internal sealed class SeededDropout(double p) : Module<Tensor, Tensor>("Dropout")
{
    public Generator? Generator { get; set; }

    public override Tensor forward(Tensor x)
    {
        if (!training || p == 0) return x.alias();
        if (Generator is null) return functional.dropout(x, p, true);
        var keep = rand(x.shape, generator: Generator).ge_(p).to(x.dtype).to(x.device);
        return x.mul(keep).div_(1 - p);
    }
}
