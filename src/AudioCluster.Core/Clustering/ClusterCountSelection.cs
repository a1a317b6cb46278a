using AudioCluster.Metrics;

namespace AudioCluster.Clustering;

/// <summary>How a cluster count was scored.</summary>
public enum ClusterCountCriterion
{
    /// <summary>Mean silhouette of the partition (noise excluded); higher is better.</summary>
    Silhouette,
    /// <summary>Bayesian information criterion of a Gaussian mixture; lower is better.</summary>
    Bic,
    /// <summary>Gap between the k-th and (k+1)-th smallest normalised-Laplacian eigenvalues; higher is better.</summary>
    Eigengap,
    /// <summary>A score supplied by the caller.</summary>
    Custom,
}

/// <summary>One point of the curve: a cluster count and its score (NaN when the partition could not be scored).</summary>
public readonly record struct ClusterCountScore(int ClusterCount, double Score);

/// <summary>The chosen cluster count and the whole curve it was chosen from.</summary>
public sealed class ClusterCountSelectionResult
{
    internal ClusterCountSelectionResult(int clusterCount, ClusterCountCriterion criterion, bool higherIsBetter, ClusterCountScore[] curve)
    {
        ClusterCount = clusterCount; Criterion = criterion; HigherIsBetter = higherIsBetter; Curve = curve;
    }

    /// <summary>The best-scoring count (the smallest one on ties).</summary>
    public int ClusterCount { get; }
    public ClusterCountCriterion Criterion { get; }
    public bool HigherIsBetter { get; }
    /// <summary>Every count tried, ascending, with its score.</summary>
    public IReadOnlyList<ClusterCountScore> Curve { get; }
}

/// <summary>
/// Picks the number of clusters from a range by scoring each count: silhouette for any method that
/// yields labels (K-means, agglomerative, spectral, ...), BIC for Gaussian mixtures, eigengap for
/// spectral clustering. The clustering callbacks run one count after another, smallest first, so a
/// caller can report progress from inside them.
/// </summary>
public static class ClusterCountSelection
{
    /// <summary>
    /// Runs <paramref name="cluster"/>(k) for k in [minK, maxK] and keeps the k whose labels have the
    /// highest mean silhouette on <paramref name="data"/> (label -1 is noise and left out; a partition
    /// with fewer than 2 or more than n - 1 clusters scores NaN and is never chosen). A positive
    /// <paramref name="sampleSize"/> scores each partition on that many random points (drawn with the same seed for every k).
    /// </summary>
    public static ClusterCountSelectionResult BySilhouette(DataMatrix data, int minK, int maxK, Func<int, int[]> cluster,
        int sampleSize = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(cluster);
        CheckRange(minK, maxK, 2, data.Rows - 1, "silhouette needs 2 to n - 1 clusters");
        if (sampleSize < 0 || sampleSize == 1)
            throw new ArgumentException($"sampleSize must be 0 (all points) or at least 2 (got {sampleSize}).", nameof(sampleSize));
        return ByScore(minK, maxK, k =>
        {
            var labels = cluster(k);
            if (labels is null || labels.Length != data.Rows)
                throw new InvalidOperationException($"The clustering for k = {k} returned {labels?.Length ?? 0} labels for {data.Rows} points.");
            int clusters = labels.Where(l => l != InternalMetrics.Noise).Distinct().Count();
            int used = labels.Count(l => l != InternalMetrics.Noise);
            if (clusters < 2 || clusters > used - 1) return double.NaN;
            return sampleSize > 0
                ? InternalMetrics.Silhouette(data, labels, sampleSize, seed: 0, cancellationToken)
                : InternalMetrics.Silhouette(data, labels, cancellationToken);
        }, higherIsBetter: true, ClusterCountCriterion.Silhouette, cancellationToken);
    }

    /// <summary>
    /// Fits a <see cref="GaussianMixture"/> for each k in [minK, maxK] (other settings from
    /// <paramref name="template"/>, full covariances by default) and keeps the lowest BIC.
    /// </summary>
    public static ClusterCountSelectionResult ByBic(DataMatrix data, int minK, int maxK, GaussianMixtureOptions? template = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckRange(minK, maxK, 1, data.Rows, "a mixture needs 1 to n components");
        var options = template ?? new GaussianMixtureOptions(1);
        return ByScore(minK, maxK, k => GaussianMixture.Fit(data, options with { ClusterCount = k }, cancellationToken).Bic,
            higherIsBetter: false, ClusterCountCriterion.Bic, cancellationToken);
    }

    /// <summary>
    /// Keeps the k in [minK, maxK] with the largest gap eigenvalues[k] - eigenvalues[k - 1], for the
    /// smallest eigenvalues of a normalised Laplacian in ascending order (at least maxK + 1 of them).
    /// </summary>
    public static ClusterCountSelectionResult ByEigengap(IReadOnlyList<double> eigenvalues, int minK, int maxK)
    {
        ArgumentNullException.ThrowIfNull(eigenvalues);
        CheckRange(minK, maxK, 1, eigenvalues.Count - 1, "the eigengap for k needs k + 1 eigenvalues");
        return ByScore(minK, maxK, k => eigenvalues[k] - eigenvalues[k - 1], higherIsBetter: true, ClusterCountCriterion.Eigengap);
    }

    /// <summary>
    /// Eigengap on the kNN-affinity Laplacian that <see cref="SpectralClustering"/> uses: one eigen
    /// solve for the whole range.
    /// </summary>
    public static ClusterCountSelectionResult ByEigengap(DataMatrix data, int minK, int maxK, int neighbors = 10, int seed = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckRange(minK, maxK, 1, data.Rows - 1, "the eigengap for k needs k + 1 eigenvalues, at most one per point");
        var values = SpectralClustering.LaplacianEigenvalues(data, maxK + 1, neighbors, seed, cancellationToken);
        return ByEigengap(values, minK, maxK);
    }

    /// <summary>
    /// Scores every k in [minK, maxK] with <paramref name="score"/> and keeps the best (NaN never wins;
    /// the smallest k wins ties).
    /// </summary>
    public static ClusterCountSelectionResult ByScore(int minK, int maxK, Func<int, double> score, bool higherIsBetter,
        ClusterCountCriterion criterion = ClusterCountCriterion.Custom, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(score);
        CheckRange(minK, maxK, 1, int.MaxValue, "");
        var curve = new ClusterCountScore[maxK - minK + 1];
        int best = -1;
        for (int k = minK; k <= maxK; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double s = score(k);
            curve[k - minK] = new ClusterCountScore(k, s);
            if (double.IsNaN(s)) continue;
            if (best < 0 || (higherIsBetter ? s > curve[best - minK].Score : s < curve[best - minK].Score)) best = k;
        }
        if (best < 0) throw new InvalidOperationException($"No cluster count in {minK}..{maxK} could be scored ({criterion}).");
        return new ClusterCountSelectionResult(best, criterion, higherIsBetter, curve);
    }

    static void CheckRange(int minK, int maxK, int lowest, int highest, string why)
    {
        if (minK < lowest)
            throw new ArgumentException($"The smallest cluster count must be at least {lowest}{(why.Length > 0 ? $" ({why})" : "")}; got {minK}.", nameof(minK));
        if (maxK < minK)
            throw new ArgumentException($"The largest cluster count ({maxK}) must not be below the smallest ({minK}).", nameof(maxK));
        if (maxK > highest)
            throw new ArgumentException($"The largest cluster count must be at most {highest} ({why}); got {maxK}.", nameof(maxK));
    }
}
