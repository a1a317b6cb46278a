using AudioCluster.Clustering;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>
/// One trained TEMI head: Linear(d, hidden) -> GELU -> Linear(hidden, bottleneck) -> L2 normalise ->
/// Linear(bottleneck, K) without bias (the weight norm folded into the last matrix). Matrices are
/// row-major and multiply from the right (x W), so W1 is d x hidden, W2 hidden x bottleneck, W3 bottleneck x K.
/// </summary>
public sealed record TemiHeadWeights(int InputDimensions, int HiddenDimensions, int BottleneckDimensions, int ClusterCount,
    float[] W1, float[] B1, float[] W2, float[] B2, float[] W3)
{
    public void Check()
    {
        const string What = "TEMI head";
        if (InputDimensions < 1 || HiddenDimensions < 1 || BottleneckDimensions < 1 || ClusterCount < 1)
            throw new InvalidDataException("TEMI head: the layer sizes must be positive.");
        SavedHeads.CheckSize(W1, (long)InputDimensions * HiddenDimensions, "w1", What);
        SavedHeads.CheckSize(B1, HiddenDimensions, "b1", What);
        SavedHeads.CheckSize(W2, (long)HiddenDimensions * BottleneckDimensions, "w2", What);
        SavedHeads.CheckSize(B2, BottleneckDimensions, "b2", What);
        SavedHeads.CheckSize(W3, (long)BottleneckDimensions * ClusterCount, "w3", What);
    }
}

/// <summary>
/// A TEMI clustering saved for later: the preprocessing and the chosen head (the teacher's), so new
/// vectors get the cluster with the highest probability. Written as JSON (format
/// "AudioCluster.TemiModel"; weights as base64 little-endian float32) and read back by
/// <see cref="SavedClusterModels"/>.
/// </summary>
public sealed class TemiModel : SavedHeadModel
{
    public const string FormatName = "AudioCluster.TemiModel";
    public const int FormatVersion = 1;

    public TemiModel(string method, VectorPreparation preparation, TemiHeadWeights head, double temperature)
        : base(method, preparation, head.InputDimensions, head.ClusterCount, "TEMI model")
    {
        head.Check();
        Head = head;
        Temperature = temperature;
    }

    public TemiHeadWeights Head { get; }
    public double Temperature { get; }

    protected override Func<Tensor, Tensor> Probabilities()
    {
        var h = Head;
        var w1 = tensor(h.W1, new long[] { h.InputDimensions, h.HiddenDimensions });
        var b1 = tensor(h.B1, new long[] { h.HiddenDimensions });
        var w2 = tensor(h.W2, new long[] { h.HiddenDimensions, h.BottleneckDimensions });
        var b2 = tensor(h.B2, new long[] { h.BottleneckDimensions });
        var w3 = tensor(h.W3, new long[] { h.BottleneckDimensions, h.ClusterCount });
        return x => Probabilities(x, w1, b1, w2, b2, w3, Temperature);
    }

    internal static Tensor Probabilities(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, double temperature)
    {
        var hidden = nn.functional.gelu(addmm(b1, x, w1, 1, 1));
        var z = nn.functional.normalize(addmm(b2, hidden, w2, 1, 1), p: 2, dim: 1);
        return nn.functional.softmax(z.mm(w3) / temperature, 1);
    }

    public override void Save(Stream stream) => SavedHeads.Write(stream, FormatName, FormatVersion, Method, Preparation, w =>
    {
        w.WriteNumber("temperature", Temperature);
        w.WriteNumber("inputDimensions", Head.InputDimensions);
        w.WriteNumber("hiddenDimensions", Head.HiddenDimensions);
        w.WriteNumber("bottleneckDimensions", Head.BottleneckDimensions);
        w.WriteNumber("clusterCount", Head.ClusterCount);
        SavedHeads.WriteFloats(w, "w1", Head.W1);
        SavedHeads.WriteFloats(w, "b1", Head.B1);
        SavedHeads.WriteFloats(w, "w2", Head.W2);
        SavedHeads.WriteFloats(w, "b2", Head.B2);
        SavedHeads.WriteFloats(w, "w3", Head.W3);
    });

    public static TemiModel Load(Stream stream) => SavedHeads.Read(stream, FormatName, FormatVersion, "TEMI model", root =>
    {
        const string What = "TEMI model";
        var head = new TemiHeadWeights(
            root.GetProperty("inputDimensions").GetInt32(), root.GetProperty("hiddenDimensions").GetInt32(),
            root.GetProperty("bottleneckDimensions").GetInt32(), root.GetProperty("clusterCount").GetInt32(),
            SavedHeads.Floats(root, "w1", What), SavedHeads.Floats(root, "b1", What), SavedHeads.Floats(root, "w2", What),
            SavedHeads.Floats(root, "b2", What), SavedHeads.Floats(root, "w3", What));
        head.Check();
        var preparation = SavedHeads.Preparation(root, head.InputDimensions, What);
        double temperature = root.GetProperty("temperature").GetDouble();
        if (!(temperature > 0)) throw new InvalidDataException("TEMI model: the temperature must be positive.");
        return new TemiModel(SavedHeads.Method(root), preparation, head, temperature);
    });
}
