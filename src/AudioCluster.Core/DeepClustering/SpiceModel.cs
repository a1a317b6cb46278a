using AudioCluster.Clustering;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>
/// One trained SPICE clustering head, the paper's MLP [d, hidden, K]: Linear -> ReLU -> Linear -> softmax.
/// Matrices are row-major and multiply from the right (x W), so W1 is d x hidden and W2 hidden x K.
/// </summary>
public sealed record SpiceHeadWeights(int InputDimensions, int HiddenDimensions, int ClusterCount, float[] W1, float[] B1, float[] W2, float[] B2)
{
    public void Check()
    {
        const string What = "SPICE head";
        if (InputDimensions < 1 || HiddenDimensions < 1 || ClusterCount < 1)
            throw new InvalidDataException("SPICE head: the layer sizes must be positive.");
        SavedHeads.CheckSize(W1, (long)InputDimensions * HiddenDimensions, "w1", What);
        SavedHeads.CheckSize(B1, HiddenDimensions, "b1", What);
        SavedHeads.CheckSize(W2, (long)HiddenDimensions * ClusterCount, "w2", What);
        SavedHeads.CheckSize(B2, ClusterCount, "b2", What);
    }
}

/// <summary>
/// A SPICE clustering saved for later: the preprocessing and the kept head, so new vectors get the
/// cluster with the highest probability. Written as JSON (format "AudioCluster.SpiceModel"; weights as
/// base64 little-endian float32) and read back by <see cref="SavedClusterModels"/>. The file has room
/// for the stages that ran; stage 2 (frozen embeddings) saves the head alone.
/// </summary>
public sealed class SpiceModel : SavedHeadModel
{
    public const string FormatName = "AudioCluster.SpiceModel";
    public const int FormatVersion = 1;
    const string What = "SPICE model";

    public SpiceModel(string method, VectorPreparation preparation, SpiceHeadWeights head)
        : base(method, preparation, head.InputDimensions, head.ClusterCount, What)
    {
        head.Check();
        Head = head;
    }

    public SpiceHeadWeights Head { get; }

    protected override Func<Tensor, Tensor> Probabilities()
    {
        var h = Head;
        var w1 = tensor(h.W1, new long[] { h.InputDimensions, h.HiddenDimensions });
        var b1 = tensor(h.B1, new long[] { h.HiddenDimensions });
        var w2 = tensor(h.W2, new long[] { h.HiddenDimensions, h.ClusterCount });
        var b2 = tensor(h.B2, new long[] { h.ClusterCount });
        return x => nn.functional.softmax(addmm(b2, nn.functional.relu(addmm(b1, x, w1, 1, 1)), w2, 1, 1), 1);
    }

    public override void Save(Stream stream) => SavedHeads.Write(stream, FormatName, FormatVersion, Method, Preparation, w =>
    {
        w.WriteNumber("inputDimensions", Head.InputDimensions);
        w.WriteNumber("hiddenDimensions", Head.HiddenDimensions);
        w.WriteNumber("clusterCount", Head.ClusterCount);
        SavedHeads.WriteFloats(w, "w1", Head.W1);
        SavedHeads.WriteFloats(w, "b1", Head.B1);
        SavedHeads.WriteFloats(w, "w2", Head.W2);
        SavedHeads.WriteFloats(w, "b2", Head.B2);
    });

    public static SpiceModel Load(Stream stream) => SavedHeads.Read(stream, FormatName, FormatVersion, What, root =>
    {
        var head = new SpiceHeadWeights(
            root.GetProperty("inputDimensions").GetInt32(), root.GetProperty("hiddenDimensions").GetInt32(), root.GetProperty("clusterCount").GetInt32(),
            SavedHeads.Floats(root, "w1", What), SavedHeads.Floats(root, "b1", What), SavedHeads.Floats(root, "w2", What), SavedHeads.Floats(root, "b2", What));
        head.Check();
        return new SpiceModel(SavedHeads.Method(root), SavedHeads.Preparation(root, head.InputDimensions, What), head);
    });
}
