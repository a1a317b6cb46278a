namespace AudioCluster.Clustering;

/// <summary>The cluster one input landed in.</summary>
public sealed class ClusterAssignment
{
    public ClusterAssignment(string source, string? label, int cluster, double distance, double? confidence, string method, float[] vector)
    {
        Source = source; Label = label; Cluster = cluster; Distance = distance;
        Confidence = confidence; Method = method; Vector = vector;
    }

    public string Source { get; }
    public string Name => System.IO.Path.GetFileName(Source);
    public string? Label { get; }
    /// <summary>Cluster number, 0-based; -1 marks noise for methods that have it.</summary>
    public int Cluster { get; }
    /// <summary>Distance to the cluster's centre in the space the method clustered in.</summary>
    public double Distance { get; }
    public double? Confidence { get; }
    public string Method { get; }
    public float[] Vector { get; }

    public override string ToString() => $"{Name} -> {Cluster}";
}
