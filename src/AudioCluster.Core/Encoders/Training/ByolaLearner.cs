using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AudioCluster.Encoders.Training;

/// <summary>
/// BYOL's two networks around an AudioNTT2020 encoder: online = encoder, projector and predictor (trained);
/// target = a copy of encoder and projector that follows the online one as an exponential moving average.
/// <see cref="forward"/> takes both views of a batch stacked as (2B, 1, mels, frames) and returns the mean
/// symmetric loss, (2 - 2 cos(p1, z2)) + (2 - 2 cos(p2, z1)).
/// </summary>
internal sealed class ByolaLearner : Module<Tensor, Tensor>
{
    // Field names are the checkpoint's key prefixes.
    readonly AudioNtt2020 online;
    readonly Sequential projector;
    readonly Sequential predictor;
    readonly AudioNtt2020 target;
    readonly Sequential target_projector;

    public ByolaLearner(AudioNtt2020 encoder, int hidden, int projection) : base("ByolaLearner")
    {
        online = encoder;
        projector = Mlp(encoder.D, hidden, projection);
        predictor = Mlp(projection, hidden, projection);
        target = new AudioNtt2020(encoder.NMels, encoder.D);
        target_projector = Mlp(encoder.D, hidden, projection);
        RegisterComponents();
        // The target starts as a copy of the online network and never gets gradients.
        target.load_state_dict(online.state_dict());
        target_projector.load_state_dict(projector.state_dict());
        foreach (var p in target.parameters().Concat(target_projector.parameters())) p.requires_grad = false;
    }

    public AudioNtt2020 Encoder => online;

    /// <summary>The generator both networks' dropout draws from while training (null: libtorch's own).</summary>
    public Generator? DropoutGenerator
    {
        set
        {
            online.DropoutGenerator = value;
            target.DropoutGenerator = value;
        }
    }

    /// <summary>What the optimiser updates: online encoder, projector and predictor.</summary>
    public IEnumerable<Parameter> TrainableParameters() =>
        online.parameters().Concat(projector.parameters()).Concat(predictor.parameters());

    static Sequential Mlp(int input, int hidden, int output) =>
        Sequential(Linear(input, hidden), BatchNorm1d(hidden), ReLU(), Linear(hidden, output));

    public override Tensor forward(Tensor views)
    {
        long b = views.shape[0] / 2;
        // Both views in one pass, so batch norm sees the whole batch, as BYOL's reference implementation does.
        var p = predictor.forward(projector.forward(online.forward(views)));
        Tensor z;
        using (torch.no_grad())
            z = target_projector.forward(target.forward(views));
        var p1 = p.narrow(0, 0, b);
        var p2 = p.narrow(0, b, b);
        var z1 = z.narrow(0, 0, b);
        var z2 = z.narrow(0, b, b);
        return (Loss(p1, z2) + Loss(p2, z1)).mean();
    }

    static Tensor Loss(Tensor x, Tensor y) =>
        2 - 2 * (functional.normalize(x, p: 2, dim: -1) * functional.normalize(y, p: 2, dim: -1)).sum(-1);

    /// <summary>target = decay * target + (1 - decay) * online, parameters only (as BYOL does).</summary>
    public void UpdateTarget(double decay)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var online = this.online.parameters().Concat(projector.parameters()).ToList();
        var target = this.target.parameters().Concat(target_projector.parameters()).ToList();
        for (int i = 0; i < online.Count; i++) target[i].mul_(decay).add_(online[i], alpha: 1 - decay);
    }
}
