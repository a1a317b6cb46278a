namespace AudioCluster.Metrics;

/// <summary>
/// Pair confusion counts over ordered pairs of distinct points (so each count is twice the
/// number of unordered pairs), as scikit-learn's pair_confusion_matrix [[tn, fp], [fn, tp]].
/// TruePositives: same class and same cluster; FalsePositives: different class, same cluster;
/// FalseNegatives: same class, different cluster; TrueNegatives: different in both.
/// </summary>
public readonly record struct PairConfusion(long TrueNegatives, long FalsePositives, long FalseNegatives, long TruePositives)
{
    public long Total => TrueNegatives + FalsePositives + FalseNegatives + TruePositives;
}
