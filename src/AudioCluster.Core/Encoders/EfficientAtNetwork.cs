using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AudioCluster.Encoders;

/// <summary>
/// One inverted residual block of EfficientAT's MobileNetV3 (channel widths as the weights give them).
/// Kernel, stride, activation and squeeze-excitation come from the fixed MobileNetV3-Large table.
/// </summary>
internal sealed record EfficientAtBlock(int In, int Expanded, int Out, int Kernel, int Stride, bool HardSwish, bool SqueezeExcite, int Squeeze);

/// <summary>
/// EfficientAT's MobileNetV3 ("mn" models, Schmid et al. 2023) with the MLP head, laid out as the authors' PyTorch
/// module so that their state dict loads as it is: features.0 (3x3 conv stride 2, batch norm, Hardswish),
/// features.1..15 (inverted residual blocks, keys block.*), features.16 (1x1 conv to 6x channels, batch norm,
/// Hardswish), classifier (average pool, flatten, Linear, Hardswish, Dropout, Linear). Input (batch, 1, mels, frames).
/// </summary>
internal sealed class EfficientAtNetwork : Module<Tensor, (Tensor Logits, Tensor Features)>
{
    // MobileNetV3-Large's blocks as (kernel, SE, Hardswish, stride); EfficientAT's default strides (2, 2, 2, 2) sit on
    // blocks 2, 4, 7 and 13. The channel widths come from the weights, so every width multiplier (mn01..mn40) loads.
    static readonly (int Kernel, bool Se, bool HardSwish, int Stride)[] Table =
    [
        (3, false, false, 1), (3, false, false, 2), (3, false, false, 1),
        (5, true, false, 2), (5, true, false, 1), (5, true, false, 1),
        (3, false, true, 2), (3, false, true, 1), (3, false, true, 1), (3, false, true, 1),
        (3, true, true, 1), (3, true, true, 1),
        (5, true, true, 2), (5, true, true, 1), (5, true, true, 1),
    ];

    // Tensor + Tensor makes a temporary Scalar alpha that the GC may finalise while libtorch still reads it (seen as
    // rare "toFloat" failures with clips in parallel, about one add in 50,000 under GC pressure); rooted ones never are.
    static readonly Scalar One = 1f.ToScalar(), MinusOne = (-1f).ToScalar();

    // Field names are the state dict prefixes.
    readonly Sequential features;
    readonly Sequential classifier;

    public EfficientAtNetwork(int stem, IReadOnlyList<EfficientAtBlock> blocks, int lastConv, int hidden, int classes) : base("MN")
    {
        var layers = new List<Module<Tensor, Tensor>> { new ConvNormActivation(1, stem, 3, 2, 1, hardSwish: true) };
        layers.AddRange(blocks.Select(b => (Module<Tensor, Tensor>)new InvertedResidual(b)));
        layers.Add(new ConvNormActivation(blocks[^1].Out, lastConv, 1, 1, 1, hardSwish: true));
        features = Sequential(layers);
        classifier = Sequential(AdaptiveAvgPool2d(1), Flatten(1), Linear(lastConv, hidden), Hardswish(), Dropout(0.2), Linear(hidden, classes));
        Dimensions = lastConv;
        Classes = classes;
        RegisterComponents();
    }

    /// <summary>Width of the embedding (the pooled last feature map).</summary>
    public int Dimensions { get; }
    public int Classes { get; }

    /// <summary>The network the state dict describes, read from its tensor shapes; throws InvalidDataException when it is not an EfficientAT mn model.</summary>
    public static EfficientAtNetwork FromShapes(IReadOnlyDictionary<string, long[]> shapes)
    {
        long[] Shape(string key) => shapes.TryGetValue(key, out var s) ? s
            : throw new InvalidDataException($"not an EfficientAT MobileNetV3 (mn) state dict with the MLP head: it has no {key}.");
        int stem = (int)Shape("features.0.0.weight")[0];
        var blocks = new List<EfficientAtBlock>();
        int channels = stem;
        for (int i = 0; i < Table.Length; i++)
        {
            var (kernel, se, hs, stride) = Table[i];
            var prefix = $"features.{i + 1}.block.";
            // The 1x1 expansion is left out where it would not widen (the first block): then block.0 is the
            // depthwise conv, whose weight has one input channel per group.
            bool expands = Shape(prefix + "0.0.weight")[1] != 1;
            int depthwise = expands ? 1 : 0;
            int expanded = (int)Shape($"{prefix}{depthwise}.0.weight")[0];
            int project = depthwise + (se ? 2 : 1);
            int squeeze = se ? (int)Shape($"{prefix}{depthwise + 1}.conc_se_layers.0.fc1.weight")[0] : 0;
            int output = (int)Shape($"{prefix}{project}.0.weight")[0];
            blocks.Add(new EfficientAtBlock(channels, expanded, output, kernel, stride, hs, se, squeeze));
            channels = output;
        }
        int lastConv = (int)Shape("features.16.0.weight")[0];
        var hidden = Shape("classifier.2.weight");
        var classes = Shape("classifier.5.weight");
        return new EfficientAtNetwork(stem, blocks, lastConv, (int)hidden[0], (int)classes[0]);
    }

    /// <summary>
    /// Folds every batch norm into the convolution before it (eval mode only): one libtorch op instead of two, which
    /// takes a quarter to a third off a pass over a short clip (per-op overhead dominates); results move by roundoff only.
    /// </summary>
    public void FoldBatchNorm()
    {
        foreach (var m in modules().OfType<ConvNormActivation>()) m.FoldBatchNorm();
    }

    public override (Tensor Logits, Tensor Features) forward(Tensor x)
    {
        var map = features.forward(x);
        return (classifier.forward(map), map.mean([2, 3]));
    }

    sealed class InvertedResidual : Module<Tensor, Tensor>
    {
        readonly Sequential block;
        readonly bool residual;

        public InvertedResidual(EfficientAtBlock b) : base("InvertedResidual")
        {
            var layers = new List<Module<Tensor, Tensor>>();
            if (b.Expanded != b.In) layers.Add(new ConvNormActivation(b.In, b.Expanded, 1, 1, 1, b.HardSwish));
            layers.Add(new ConvNormActivation(b.Expanded, b.Expanded, b.Kernel, b.Stride, b.Expanded, b.HardSwish));
            if (b.SqueezeExcite) layers.Add(new ConcurrentSqueezeExcitation(b.Expanded, b.Squeeze));
            layers.Add(new ConvNormActivation(b.Expanded, b.Out, 1, 1, 1, null));
            block = Sequential(layers);
            residual = b.Stride == 1 && b.In == b.Out;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = block.forward(x);
            return residual ? y.add_(x, One) : y;
        }
    }

    /// <summary>
    /// torchvision's ConvNormActivation as EfficientAT uses it: a bias-free convolution with padding (k - 1) / 2, batch
    /// norm (eps 1e-3), then Hardswish, ReLU or nothing; children named 0 and 1 as in the authors' state dict.
    /// </summary>
    sealed class ConvNormActivation : Module<Tensor, Tensor>
    {
        readonly Conv2d conv;
        readonly BatchNorm2d norm;
        readonly bool? hardSwish;
        readonly long[] stride, padding;
        readonly long groups;
        Tensor? foldedWeight, foldedBias;

        public ConvNormActivation(int input, int output, int kernel, int stride, int groups, bool? hardSwish) : base("ConvNormActivation")
        {
            conv = Conv2d(input, output, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false);
            norm = BatchNorm2d(output, eps: 1e-3, momentum: 0.01);
            register_module("0", conv);
            register_module("1", norm);
            this.hardSwish = hardSwish;
            this.stride = [stride, stride];
            padding = [(kernel - 1) / 2, (kernel - 1) / 2];
            this.groups = groups;
        }

        public void FoldBatchNorm()
        {
            using var noGrad = torch.no_grad();
            using var eps = norm.eps.ToScalar();   // explicit Scalars: see One
            using var std = norm.running_var!.add(eps).sqrt_();
            using var scale = norm.weight!.div(std);
            using var shift = norm.running_mean!.mul(scale);
            foldedWeight?.Dispose();
            foldedBias?.Dispose();
            using var column = scale.view(-1, 1, 1, 1);
            foldedWeight = conv.weight!.mul(column);
            foldedBias = norm.bias!.add(shift, MinusOne);
        }

        public override Tensor forward(Tensor x)
        {
            var y = foldedWeight is null ? norm.forward(conv.forward(x)) : functional.conv2d(x, foldedWeight, foldedBias, stride, padding, groups: groups);
            return hardSwish switch
            {
                true => functional.hardswish(y, inplace: true),
                false => functional.relu(y, inplace: true),
                null => y,
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foldedWeight?.Dispose();
                foldedBias?.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// EfficientAT's concurrent SE block with the channel layer only (se_dims "c", the mn models' setting): with one
    /// layer the aggregation (max over layers) is the identity.
    /// </summary>
    sealed class ConcurrentSqueezeExcitation : Module<Tensor, Tensor>
    {
        readonly ModuleList<ChannelSqueezeExcitation> conc_se_layers;

        public ConcurrentSqueezeExcitation(int channels, int squeeze) : base("ConcurrentSEBlock")
        {
            conc_se_layers = ModuleList(new ChannelSqueezeExcitation(channels, squeeze));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => conc_se_layers[0].forward(x);
    }

    /// <summary>Mean over frequency and time, Linear, ReLU, Linear, sigmoid: one scale per channel.</summary>
    sealed class ChannelSqueezeExcitation : Module<Tensor, Tensor>
    {
        readonly Linear fc1, fc2;

        public ChannelSqueezeExcitation(int channels, int squeeze) : base("SqueezeExcitation")
        {
            fc1 = Linear(channels, squeeze);
            fc2 = Linear(squeeze, channels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var s = x.mean([2, 3]);
            s = functional.sigmoid(fc2.forward(functional.relu(fc1.forward(s))));
            return x * s.unsqueeze(-1).unsqueeze(-1);
        }
    }
}
