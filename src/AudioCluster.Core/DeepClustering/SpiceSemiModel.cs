using AudioCluster.Clustering;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>
/// A SPICE clustering whose encoder was trained too (stage 3, SPICE-Semi): a linear classifier on the standardised
/// features of the BYOL-A encoder saved beside it (z-scores fitted on the starting encoder's features of the training clips,
/// then L2-normalised), bound to that encoder by the weights' hash and the log-mel
/// normalisation (as a DeepCluster model is). New clips embedded by that encoder get the classifier's most probable
/// cluster. JSON with format "AudioCluster.SpiceSemiModel" (weights as base64 little-endian float32, W row-major K x d),
/// read back by <see cref="SavedClusterModels"/>.
/// </summary>
public sealed class SpiceSemiModel : ITrainedClusterModel, IEncoderBoundModel
{
    public const string FormatName = "AudioCluster.SpiceSemiModel";
    public const int FormatVersion = 1;
    const string What = "SPICE-Semi model";
    public SpiceSemiModel(string method, ByolaEncoderBinding encoder, Standardizer standardizer, int clusterCount, float[] weights, float[] bias)
    {
        SavedHeads.CheckPreparation(standardizer, encoder.Dimensions, What);
        if (clusterCount < 2) throw new InvalidDataException($"{What}: at least 2 clusters are needed.");
        SavedHeads.CheckSize(weights, (long)clusterCount * encoder.Dimensions, "weights", What);
        SavedHeads.CheckSize(bias, clusterCount, "bias", What);
        Method = method;
        Encoder = encoder;
        Preparation = new VectorPreparation(standardizer, true);
        ClusterCount = clusterCount;
        Weights = weights;
        Bias = bias;
    }

    public string Method { get; }
    public ByolaEncoderBinding Encoder { get; }
    /// <summary>The standardisation of the encoder's features the classifier takes.</summary>
    public VectorPreparation Preparation { get; }
    public int ClusterCount { get; }
    public float[] Weights { get; }
    public float[] Bias { get; }
    public int InputDimensions => Encoder.Dimensions;

    public string? EncoderMismatch(string? encoderId) => Encoder.Mismatch(encoderId);

    public ClusterAssignments Assign(DataMatrix raw, CancellationToken cancellationToken = default) =>
        SavedHeads.Predict(Preparation.Apply(raw, InputDimensions), InputDimensions, Probabilities, cancellationToken);

    Func<Tensor, Tensor> Probabilities()
    {
        var w = tensor(Weights, new long[] { ClusterCount, InputDimensions });
        var b = tensor(Bias, new long[] { ClusterCount });
        return x => nn.functional.softmax(nn.functional.linear(x, w, b), 1);
    }

    public void Save(Stream stream) => SavedHeads.Write(stream, FormatName, FormatVersion, Method, Preparation, w =>
    {
        Encoder.Write(w);
        w.WriteNumber("clusterCount", ClusterCount);
        SavedHeads.WriteFloats(w, "weights", Weights);
        SavedHeads.WriteFloats(w, "bias", Bias);
    });

    public static SpiceSemiModel Load(Stream stream) => SavedHeads.Read(stream, FormatName, FormatVersion, What, root =>
    {
        var encoder = ByolaEncoderBinding.Read(root);
        var standardizer = SavedHeads.Preparation(root, encoder.Dimensions, What).Standardizer
            ?? throw new InvalidDataException($"{What}: the feature standardisation is missing.");
        return new SpiceSemiModel(SavedHeads.Method(root), encoder, standardizer, root.GetProperty("clusterCount").GetInt32(),
            SavedHeads.Floats(root, "weights", What), SavedHeads.Floats(root, "bias", What));
    });
}
