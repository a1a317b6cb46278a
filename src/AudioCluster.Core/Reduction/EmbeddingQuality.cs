using AudioCluster.Clustering;

namespace AudioCluster.Reduction;

/// <summary>How well an embedding keeps the neighbourhoods of the input.</summary>
public static class EmbeddingQuality
{
    /// <summary>
    /// Trustworthiness as scikit-learn's sklearn.manifold.trustworthiness (Euclidean): 1 minus a
    /// penalty for every point among the k nearest in the embedding that is not among the k nearest
    /// in the input, weighted by how far down the input ranking it is. 1 is perfect. O(n^2 log n).
    /// </summary>
    public static double Trustworthiness(DataMatrix input, DataMatrix embedding, int neighbors = 5)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(embedding);
        int n = input.Rows;
        if (embedding.Rows != n)
            throw new ArgumentException($"The embedding has {embedding.Rows} rows; the input has {n}.", nameof(embedding));
        if (neighbors < 1 || neighbors >= n / 2.0)
            throw new ArgumentException($"neighbors {neighbors} must be at least 1 and less than half of the {n} points.", nameof(neighbors));
        var (embedded, _) = ExactNeighbors.Find(embedding, neighbors, cosine: false, new ParallelOptions());
        double penalty = 0;
        var rank = new int[n];
        var dist = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = input.Row(i);
            for (int j = 0; j < n; j++)
            {
                dist[j] = j == i ? double.PositiveInfinity : VectorKernels.SquaredDistance(xi, input.Row(j));
                order[j] = j;
            }
            Array.Sort(dist, order);
            for (int r = 0; r < n; r++) rank[order[r]] = r + 1;
            for (int t = 0; t < neighbors; t++)
            {
                int excess = rank[embedded[i * neighbors + t]] - neighbors;
                if (excess > 0) penalty += excess;
            }
        }
        return 1.0 - penalty * (2.0 / (n * (double)neighbors * (2.0 * n - 3.0 * neighbors - 1.0)));
    }
}
