namespace AudioCluster.Metrics;

public enum NmiAverage { Arithmetic, Geometric, Min, Max }

/// <summary>External quality of a clustering against known labels (scikit-learn definitions, natural log).</summary>
public sealed record ClusterQuality
{
    public double NMI { get; init; }
    public NmiAverage NmiAverage { get; init; }
    public double ARI { get; init; }
    public double AMI { get; init; }
    /// <summary>Accuracy after optimal one-to-one matching of clusters to classes (Hungarian).</summary>
    public double Accuracy { get; init; }
    public double Purity { get; init; }
    public double Homogeneity { get; init; }
    public double Completeness { get; init; }
    public double VMeasure { get; init; }
    public double RandIndex { get; init; }
    public double FowlkesMallows { get; init; }
    public double MutualInformation { get; init; }
    public int N { get; init; }
    public int Clusters { get; init; }
    public int Classes { get; init; }
}
