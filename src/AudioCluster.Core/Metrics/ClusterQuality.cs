namespace AudioCluster.Metrics;

public enum NmiAverage { Arithmetic, Geometric, Min, Max }

/// <summary>External quality of a clustering against known labels (scikit-learn definitions, natural log).</summary>
public sealed record ClusterQuality
{
    public double NMI { get; init; }
    public NmiAverage NmiAverage { get; init; }
    public double ARI { get; init; }
    /// <summary>Adjusted mutual information, arithmetic average (scikit-learn's default).</summary>
    public double AMI { get; init; }
    /// <summary>Accuracy after optimal one-to-one matching of clusters to classes (Hungarian).</summary>
    public double Accuracy { get; init; }
    /// <summary>As <see cref="Accuracy"/>, but the noise cluster (-1) is never matched: its points count as wrong.</summary>
    public double AccuracyNoiseAsWrong { get; init; }
    public double Purity { get; init; }
    public double Homogeneity { get; init; }
    public double Completeness { get; init; }
    public double VMeasure { get; init; }
    public double RandIndex { get; init; }
    public double FowlkesMallows { get; init; }
    /// <summary>Mutual information between labels and clusters, in nats.</summary>
    public double MutualInformation { get; init; }
    /// <summary>Entropy of the true labels, in nats.</summary>
    public double LabelEntropy { get; init; }
    /// <summary>Entropy of the cluster assignment (noise counted as one cluster), in nats.</summary>
    public double ClusterEntropy { get; init; }
    public int N { get; init; }
    /// <summary>Distinct clusters, not counting the noise cluster (-1).</summary>
    public int Clusters { get; init; }
    public int Classes { get; init; }
    /// <summary>Points in the noise cluster (-1).</summary>
    public int NoisePoints { get; init; }
    /// <summary>Mean silhouette (euclidean, noise left out); null without vectors. Needs no labels.</summary>
    public double? Silhouette { get; init; }
    /// <summary>Calinski-Harabasz index (higher is better); null without vectors.</summary>
    public double? CalinskiHarabasz { get; init; }
    /// <summary>Davies-Bouldin index (lower is better); null without vectors.</summary>
    public double? DaviesBouldin { get; init; }
}
