using AudioCluster.Metrics;

namespace AudioCluster.Clustering;

public enum ClusteringMethod { KMeans, MiniBatchKMeans, Agglomerative, Dbscan, Hdbscan, MeanShift, GaussianMixture, Spectral }

/// <summary>Everything any clustering method may take; each method reads the settings it has.</summary>
public sealed record ClusteringRequest
{
    public ClusteringMethod Method { get; init; } = ClusteringMethod.KMeans;
    /// <summary>Clusters to find; null where the method finds the count itself (DBSCAN, HDBSCAN, MeanShift, or a distance threshold).</summary>
    public int? ClusterCount { get; init; }
    public int Seed { get; init; }
    public int? Restarts { get; init; }
    public int? MaxIterations { get; init; }
    public double? Tolerance { get; init; }
    public Linkage Linkage { get; init; } = Linkage.Ward;
    public double? DistanceThreshold { get; init; }
    public ClusteringMetric Metric { get; init; } = ClusteringMetric.Euclidean;
    public double? Eps { get; init; }
    public int? MinSamples { get; init; }
    public int MinClusterSize { get; init; } = 5;
    public double? Bandwidth { get; init; }
    public double Quantile { get; init; } = 0.3;
    public CovarianceType CovarianceType { get; init; } = CovarianceType.Full;
    public int Neighbors { get; init; } = 10;

    /// <summary>The methods that read each method-specific setting (named as this record's property), as Run passes them on.</summary>
    public static IReadOnlyDictionary<string, ClusteringMethod[]> MethodsReading { get; } = new Dictionary<string, ClusteringMethod[]>
    {
        [nameof(Seed)] = [ClusteringMethod.KMeans, ClusteringMethod.MiniBatchKMeans, ClusteringMethod.GaussianMixture, ClusteringMethod.Spectral],
        [nameof(Restarts)] = [ClusteringMethod.KMeans, ClusteringMethod.MiniBatchKMeans, ClusteringMethod.GaussianMixture, ClusteringMethod.Spectral],
        [nameof(MaxIterations)] = [ClusteringMethod.KMeans, ClusteringMethod.MiniBatchKMeans, ClusteringMethod.MeanShift, ClusteringMethod.GaussianMixture],
        [nameof(Tolerance)] = [ClusteringMethod.KMeans, ClusteringMethod.GaussianMixture],
        [nameof(Linkage)] = [ClusteringMethod.Agglomerative],
        [nameof(DistanceThreshold)] = [ClusteringMethod.Agglomerative],
        [nameof(Metric)] = [ClusteringMethod.Agglomerative, ClusteringMethod.Dbscan, ClusteringMethod.Hdbscan],
        [nameof(Eps)] = [ClusteringMethod.Dbscan],
        [nameof(MinSamples)] = [ClusteringMethod.Dbscan, ClusteringMethod.Hdbscan],
        [nameof(MinClusterSize)] = [ClusteringMethod.Hdbscan],
        [nameof(Bandwidth)] = [ClusteringMethod.MeanShift],
        [nameof(Quantile)] = [ClusteringMethod.MeanShift],
        [nameof(CovarianceType)] = [ClusteringMethod.GaussianMixture],
        [nameof(Neighbors)] = [ClusteringMethod.Spectral],
    };

    /// <summary>Methods that need a cluster count (or, for agglomerative, a distance threshold instead).</summary>
    public bool NeedsClusterCount => Method is ClusteringMethod.KMeans or ClusteringMethod.MiniBatchKMeans or ClusteringMethod.GaussianMixture or ClusteringMethod.Spectral
        || (Method == ClusteringMethod.Agglomerative && DistanceThreshold == null);

    /// <summary>How the cluster count is chosen when the user asks for Auto.</summary>
    public ClusterCountCriterion AutoCriterion => Method switch
    {
        ClusteringMethod.GaussianMixture => ClusterCountCriterion.Bic,
        ClusteringMethod.Spectral => ClusterCountCriterion.Eigengap,
        _ => ClusterCountCriterion.Silhouette,
    };
}

/// <summary>The partition a method found, in a shape every method can fill.</summary>
public sealed class ClusteringOutcome
{
    public required int[] Labels { get; init; }
    /// <summary>Distance of each point to its cluster's centre (NaN for noise).</summary>
    public required double[] Distances { get; init; }
    /// <summary>Per-point confidence where the method has one (GMM posterior, HDBSCAN membership).</summary>
    public double[]? Confidence { get; init; }
    /// <summary>Method and settings, e.g. "KMeans(k=10, seed=0)".</summary>
    public required string Description { get; init; }
    /// <summary>A line for a person: inertia, BIC, chosen eps ...</summary>
    public required string Summary { get; init; }
    /// <summary>Centres that new points can be assigned to (cluster i = row i).</summary>
    public required DataMatrix Centers { get; init; }
    /// <summary>The fitted mixture, for methods that are one (its saved model assigns by posterior).</summary>
    public GaussianMixtureResult? Mixture { get; init; }
    public int ClusterCount => Centers.Rows;
    public int NoiseCount => Labels.Count(l => l < 0);
}

/// <summary>Runs any of the classic methods behind one call, as the clustering cmdlet needs.</summary>
public static class ClusterMethods
{
    public static ClusteringOutcome Run(DataMatrix data, ClusteringRequest r, CancellationToken ct = default)
    {
        if (r.NeedsClusterCount && r.ClusterCount == null)
            throw new ArgumentException($"{r.Method} needs a cluster count{(r.Method == ClusteringMethod.Agglomerative ? " or a distance threshold" : "")}.");
        if (r.ClusterCount is int k && (k < 1 || k > data.Rows))
            throw new ArgumentException($"The cluster count {k} must be between 1 and the number of inputs ({data.Rows}).");
        switch (r.Method)
        {
            case ClusteringMethod.KMeans:
            {
                var km = KMeans.Fit(data, new KMeansOptions(r.ClusterCount!.Value, r.Restarts ?? 10, r.MaxIterations ?? 300, r.Tolerance ?? 1e-4, r.Seed), ct);
                return new() { Labels = km.Labels, Distances = km.Distances, Centers = km.Centers, Description = $"KMeans(k={km.ClusterCount}, seed={r.Seed})",
                               Summary = $"inertia {km.Inertia:G6}, {km.Iterations} iterations" };
            }
            case ClusteringMethod.MiniBatchKMeans:
            {
                var km = MiniBatchKMeans.Fit(data, new MiniBatchKMeansOptions(r.ClusterCount!.Value, Restarts: r.Restarts ?? 3, MaxIterations: r.MaxIterations ?? 100, Seed: r.Seed), ct);
                return new() { Labels = km.Labels, Distances = km.Distances, Centers = km.Centers, Description = $"MiniBatchKMeans(k={km.ClusterCount}, seed={r.Seed})",
                               Summary = $"inertia {km.Inertia:G6}, {km.Iterations} passes" };
            }
            case ClusteringMethod.Agglomerative:
            {
                var a = Agglomerative.Fit(data, new AgglomerativeOptions(r.DistanceThreshold == null ? r.ClusterCount : null, r.DistanceThreshold, r.Linkage, r.Metric), ct);
                var what = r.DistanceThreshold is double t ? $"threshold={t:G6}" : $"k={a.ClusterCount}";
                return FromLabels(data, a.Labels, null, $"Agglomerative({r.Linkage}, {r.Metric}, {what})", $"{a.ClusterCount} clusters");
            }
            case ClusteringMethod.Dbscan:
            {
                var db = Dbscan.Fit(data, new DbscanOptions(r.Eps, r.MinSamples ?? 5, r.Metric), ct);
                return FromLabels(data, db.Labels, null, $"DBSCAN(eps={db.Eps:G6}, min_samples={r.MinSamples ?? 5}, {r.Metric})",
                    $"{db.ClusterCount} clusters, {db.NoiseCount} noise points, eps {db.Eps:G6}{(db.EpsEstimated ? " (estimated from the k-distance curve)" : "")}");
            }
            case ClusteringMethod.Hdbscan:
            {
                var h = Hdbscan.Fit(data, new HdbscanOptions(r.MinClusterSize, r.MinSamples, r.Metric), ct);
                return FromLabels(data, h.Labels, h.Probabilities, $"HDBSCAN(min_cluster_size={r.MinClusterSize}, {r.Metric})", $"{h.ClusterCount} clusters, {h.NoiseCount} noise points");
            }
            case ClusteringMethod.MeanShift:
            {
                var bandwidth = r.Bandwidth ?? MeanShift.EstimateBandwidth(data, r.Quantile, cancellationToken: ct);
                var ms = MeanShift.Fit(data, new MeanShiftOptions(bandwidth, MaxIterations: r.MaxIterations ?? 300), ct);
                return FromLabels(data, ms.Labels, null, $"MeanShift(bandwidth={ms.Bandwidth:G6})",
                    $"{ms.ClusterCount} clusters, bandwidth {ms.Bandwidth:G6}{(r.Bandwidth == null ? $" (estimated, quantile {r.Quantile})" : "")}");
            }
            case ClusteringMethod.GaussianMixture:
            {
                var g = GaussianMixture.Fit(data, new GaussianMixtureOptions(r.ClusterCount!.Value, r.CovarianceType, r.Restarts ?? 1, r.MaxIterations ?? 100, r.Tolerance ?? 1e-3, Seed: r.Seed), ct);
                var outcome = FromLabels(data, g.Labels, g.Confidence, $"GaussianMixture(k={g.ClusterCount}, {r.CovarianceType}, seed={r.Seed})",
                    $"BIC {g.Bic:G8}, mean log-likelihood {g.MeanLogLikelihood:G6}, {(g.Converged ? "converged" : "not converged")} after {g.Iterations} iterations");
                return new ClusteringOutcome
                {
                    Labels = outcome.Labels, Distances = outcome.Distances, Confidence = outcome.Confidence, Centers = g.Means,
                    Description = outcome.Description, Summary = outcome.Summary, Mixture = g,
                };
            }
            case ClusteringMethod.Spectral:
            {
                var s = SpectralClustering.Fit(data, new SpectralClusteringOptions(r.ClusterCount!.Value, r.Neighbors, r.Restarts ?? 10, r.Seed), ct);
                return FromLabels(data, s.Labels, null, $"Spectral(k={r.ClusterCount}, neighbors={r.Neighbors}, seed={r.Seed})",
                    $"{s.ConnectedComponents} connected component(s) in the kNN graph");
            }
            default:
                throw new ArgumentException($"Unknown method {r.Method}.");
        }
    }

    /// <summary>Scores each k in the range with the method's criterion and returns the choice and the curve.</summary>
    public static ClusterCountSelectionResult ChooseClusterCount(DataMatrix data, ClusteringRequest r, int minK, int maxK, CancellationToken ct = default)
    {
        if (!r.NeedsClusterCount)
            throw new ArgumentException($"{r.Method} finds the number of clusters itself; Auto applies to KMeans, MiniBatchKMeans, Agglomerative, GaussianMixture and Spectral.");
        maxK = Math.Min(maxK, data.Rows - 1);
        if (minK < 2 || maxK < minK)
            throw new ArgumentException($"Choosing the cluster count needs a range of at least 2 clusters and fewer than the {data.Rows} inputs (got {minK}..{maxK}).");
        return r.AutoCriterion switch
        {
            ClusterCountCriterion.Bic => ClusterCountSelection.ByBic(data, minK, maxK,
                new GaussianMixtureOptions(minK, r.CovarianceType, r.Restarts ?? 1, r.MaxIterations ?? 100, r.Tolerance ?? 1e-3, Seed: r.Seed), ct),
            ClusterCountCriterion.Eigengap => ClusterCountSelection.ByEigengap(data, minK, maxK, r.Neighbors, r.Seed, ct),
            // A sample keeps the silhouette affordable on large inputs (scikit-learn's sample_size).
            _ => ClusterCountSelection.BySilhouette(data, minK, maxK, k => Run(data, r with { ClusterCount = k }, ct).Labels,
                sampleSize: data.Rows > 5000 ? 5000 : 0, cancellationToken: ct),
        };
    }

    /// <summary>Wraps labels from a method without centres: centres are the members' means.</summary>
    static ClusteringOutcome FromLabels(DataMatrix data, int[] labels, double[]? confidence, string description, string summary)
    {
        var centers = Centroids(data, labels);
        var distances = new double[labels.Length];
        for (int i = 0; i < labels.Length; i++)
            distances[i] = labels[i] < 0 ? double.NaN : Math.Sqrt(VectorKernels.SquaredDistance(data.Row(i), centers.Row(labels[i])));
        return new() { Labels = labels, Distances = distances, Confidence = confidence, Centers = centers, Description = description, Summary = summary };
    }

    /// <summary>Mean of each cluster's members (noise, label -1, left out).</summary>
    public static DataMatrix Centroids(DataMatrix data, int[] labels)
    {
        int k = labels.Length == 0 ? 0 : labels.Max() + 1;
        var centers = new DataMatrix(k, data.Columns);
        var counts = new int[k];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0) continue;
            counts[labels[i]]++;
            var c = centers.Row(labels[i]);
            var x = data.Row(i);
            for (int j = 0; j < c.Length; j++) c[j] += x[j];
        }
        for (int c = 0; c < k; c++)
        {
            var row = centers.Row(c);
            for (int j = 0; j < row.Length; j++) row[j] /= Math.Max(1, counts[c]);
        }
        return centers;
    }
}
