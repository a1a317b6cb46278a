using System.Text.Json;

namespace AudioCluster.Clustering;

/// <summary>
/// A fitted Gaussian mixture saved for later: new vectors go to the component with the highest
/// posterior probability, which is also their confidence (as GaussianMixture.predict_proba).
/// </summary>
public sealed class GaussianMixtureModel : IClusterAssigner
{
    public const string FormatName = "AudioCluster.GaussianMixtureModel";
    public const int FormatVersion = 1;

    readonly GaussianMixture.Components components;

    GaussianMixtureModel(string method, Standardizer? standardizer, bool l2Normalize, GaussianMixture.Components components)
    {
        Method = method;
        Standardizer = standardizer;
        L2Normalize = l2Normalize;
        this.components = components;
    }

    public GaussianMixtureModel(string method, Standardizer? standardizer, bool l2Normalize, GaussianMixtureResult fitted)
        : this(method, standardizer, l2Normalize, fitted.Model) { }

    public string Method { get; }
    public Standardizer? Standardizer { get; }
    public bool L2Normalize { get; }
    public int InputDimensions => components.D;
    public int ClusterCount => components.K;

    public ClusterAssignments Assign(DataMatrix raw, CancellationToken cancellationToken = default)
    {
        var x = VectorPreprocessing.Apply(raw, InputDimensions, Standardizer, L2Normalize);
        var probabilities = new DataMatrix(x.Rows, ClusterCount);
        components.EStep(x, probabilities, new ParallelOptions { CancellationToken = cancellationToken });
        GaussianMixture.Exp(probabilities);
        var labels = GaussianMixtureResult.Argmax(probabilities);
        var confidence = new double[x.Rows];
        var distances = new double[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            confidence[i] = probabilities[i, labels[i]];
            distances[i] = Math.Sqrt(VectorKernels.SquaredDistance(x.Row(i), components.Means.Row(labels[i])));
        }
        return new ClusterAssignments(labels, distances, confidence);
    }

    public void Save(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("method", Method);
        w.WriteString("covarianceType", components.Type.ToString());
        w.WriteBoolean("l2Normalize", L2Normalize);
        Json.WriteStandardizer(w, Standardizer);
        Json.WriteArray(w, "weights", components.Weights);
        Json.WriteMatrix(w, "means", components.Means);
        Json.WriteArray(w, "covariance", components.Covariance);
        w.WriteEndObject();
    }

    public static GaussianMixtureModel Load(Stream stream)
    {
        try
        {
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            Json.CheckFormat(root, FormatName, FormatVersion, "Gaussian mixture model");
            var type = Enum.Parse<CovarianceType>(root.GetProperty("covarianceType").GetString()!);
            var means = Json.ReadMatrix(root.GetProperty("means"));
            var weights = Json.ReadArray(root.GetProperty("weights"));
            var cov = Json.ReadArray(root.GetProperty("covariance"));
            int k = means.Rows, d = means.Columns;
            if (weights.Length != k || cov.Length != (type == CovarianceType.Full ? k * d * d : k * d))
                throw new InvalidDataException("Gaussian mixture model: weights or covariances do not match the means.");
            return new GaussianMixtureModel(root.GetProperty("method").GetString() ?? "", Json.ReadStandardizer(root, d),
                root.GetProperty("l2Normalize").GetBoolean(), GaussianMixture.Components.Build(type, means, weights, cov));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException("Not a readable Gaussian mixture model: " + e.Message, e);
        }
    }
}
