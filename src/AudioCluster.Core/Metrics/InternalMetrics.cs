using AudioCluster.Clustering;

namespace AudioCluster.Metrics;

/// <summary>Cluster quality measured from the vectors alone (no ground-truth labels).</summary>
public sealed record InternalQuality
{
    /// <summary>Mean silhouette of the points used, in [-1, 1]; higher is better.</summary>
    public double Silhouette { get; init; }
    /// <summary>Variance ratio criterion; higher is better.</summary>
    public double CalinskiHarabasz { get; init; }
    /// <summary>Mean worst-case cluster similarity; lower is better, 0 is best.</summary>
    public double DaviesBouldin { get; init; }
    /// <summary>Points the indices were computed on (noise excluded).</summary>
    public int N { get; init; }
    /// <summary>Clusters among those points.</summary>
    public int Clusters { get; init; }
    /// <summary>Points labelled -1 (noise) and left out.</summary>
    public int NoisePoints { get; init; }
}

/// <summary>
/// Internal (label-free) clustering indices, as scikit-learn 1.2 computes them with the Euclidean
/// metric: silhouette (score and per point), Calinski-Harabasz, Davies-Bouldin.
/// Noise: points labelled -1 (DBSCAN/HDBSCAN) are excluded from every index, as if they were not
/// in the data; their per-point silhouette is NaN. Any other label value is an ordinary cluster id.
/// Each index needs between 2 and (points used - 1) clusters, as scikit-learn requires.
/// </summary>
public static class InternalMetrics
{
    /// <summary>The label that marks noise.</summary>
    public const int Noise = -1;

    /// <summary>All three indices at once.</summary>
    public static InternalQuality Evaluate(DataMatrix data, IReadOnlyList<int> labels, CancellationToken cancellationToken = default)
    {
        var p = Prepare(data, labels);
        return new InternalQuality
        {
            Silhouette = Mean(SilhouetteCore(p, -1, cancellationToken)),
            CalinskiHarabasz = CalinskiHarabaszCore(p),
            DaviesBouldin = DaviesBouldinCore(p),
            N = p.X.Rows,
            Clusters = p.K,
            NoisePoints = labels.Count - p.X.Rows,
        };
    }

    /// <summary>Mean silhouette over the non-noise points (scikit-learn's silhouette_score, all samples).</summary>
    public static double Silhouette(DataMatrix data, IReadOnlyList<int> labels, CancellationToken cancellationToken = default) =>
        Mean(SilhouetteCore(Prepare(data, labels), -1, cancellationToken));

    /// <summary>
    /// Mean silhouette of a random sample of <paramref name="sampleSize"/> non-noise points (scikit-learn's
    /// sample_size): O(sampleSize^2) instead of O(n^2) for large inputs; the sample is fixed by <paramref name="seed"/>.
    /// With sampleSize at least the number of non-noise points, this is <see cref="Silhouette(DataMatrix, IReadOnlyList{int}, CancellationToken)"/>.
    /// </summary>
    public static double Silhouette(DataMatrix data, IReadOnlyList<int> labels, int sampleSize, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        if (sampleSize < 2) throw new ArgumentException($"sampleSize must be at least 2 (got {sampleSize}).", nameof(sampleSize));
        var candidates = new List<int>(labels.Count);
        for (int i = 0; i < labels.Count; i++) if (labels[i] != Noise) candidates.Add(i);
        if (sampleSize >= candidates.Count || labels.Count != data.Rows) return Silhouette(data, labels, cancellationToken);
        // Partial Fisher-Yates, then the chosen points in their input order.
        var rng = new SeededRandom(seed);
        for (int m = 0; m < sampleSize; m++)
        {
            int j = m + rng.NextInt(candidates.Count - m);
            (candidates[m], candidates[j]) = (candidates[j], candidates[m]);
        }
        var chosen = candidates.GetRange(0, sampleSize);
        chosen.Sort();
        var x = new DataMatrix(sampleSize, data.Columns);
        var l = new int[sampleSize];
        for (int m = 0; m < sampleSize; m++)
        {
            data.Row(chosen[m]).CopyTo(x.Row(m));
            l[m] = labels[chosen[m]];
        }
        return Silhouette(x, l, cancellationToken);
    }

    /// <summary>
    /// Silhouette of every point (scikit-learn's silhouette_samples): (b - a) / max(a, b), with a the
    /// mean distance to the other members of its cluster and b the smallest mean distance to another
    /// cluster; 0 for members of singleton clusters; NaN for noise points.
    /// </summary>
    public static double[] SilhouetteSamples(DataMatrix data, IReadOnlyList<int> labels, int maxDegreeOfParallelism = -1,
        CancellationToken cancellationToken = default)
    {
        var p = Prepare(data, labels);
        var s = SilhouetteCore(p, maxDegreeOfParallelism, cancellationToken);
        if (p.Used is null) return s;
        var all = new double[labels.Count];
        Array.Fill(all, double.NaN);
        for (int m = 0; m < p.Used.Length; m++) all[p.Used[m]] = s[m];
        return all;
    }

    /// <summary>Calinski-Harabasz: [between dispersion / (k - 1)] / [within dispersion / (n - k)]; 1 when within is 0.</summary>
    public static double CalinskiHarabasz(DataMatrix data, IReadOnlyList<int> labels) => CalinskiHarabaszCore(Prepare(data, labels));

    /// <summary>Davies-Bouldin: mean over clusters of max over others of (S_i + S_j) / ||c_i - c_j||, S the mean member-to-centroid distance.</summary>
    public static double DaviesBouldin(DataMatrix data, IReadOnlyList<int> labels) => DaviesBouldinCore(Prepare(data, labels));

    // The non-noise points as a matrix, their clusters numbered 0..K-1, and the cluster sizes.
    sealed record Prepared(DataMatrix X, int[] Labels, int K, int[] Sizes, int[]? Used);

    static Prepared Prepare(DataMatrix data, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != data.Rows)
            throw new ArgumentException($"There are {data.Rows} vectors but {labels.Count} labels; give one label per vector.", nameof(labels));
        var ids = new Dictionary<int, int>();
        var used = new List<int>(labels.Count);
        for (int i = 0; i < labels.Count; i++)
        {
            int l = labels[i];
            if (l == Noise) continue;
            if (l < 0) throw new ArgumentException($"Label {l} at index {i} is invalid: cluster ids are >= 0, and -1 marks noise.", nameof(labels));
            used.Add(i);
            ids.TryAdd(l, ids.Count);
        }
        int n = used.Count, k = ids.Count;
        if (k < 2 || k > n - 1)
            throw new ArgumentException($"Internal indices need between 2 and n - 1 clusters (n = {n} non-noise points); the labels have {k}.", nameof(labels));
        KMeans.CheckFinite(data, nameof(data));

        var compact = new int[n];
        var sizes = new int[k];
        for (int m = 0; m < n; m++) sizes[compact[m] = ids[labels[used[m]]]]++;
        if (n == labels.Count) return new Prepared(data, compact, k, sizes, null);
        var x = new DataMatrix(n, data.Columns);
        for (int m = 0; m < n; m++) data.Row(used[m]).CopyTo(x.Row(m));
        return new Prepared(x, compact, k, sizes, used.ToArray());
    }

    static double Mean(double[] values)
    {
        double s = 0;
        foreach (var v in values) s += v;
        return s / values.Length;
    }

    // Sums distances from each row to every cluster into a chunk-sized buffer (j ascending, as
    // scikit-learn's bincount), so the work is O(n^2 d) with O(chunk k) memory per task.
    struct ClusterSums : IPairVisitor
    {
        public double[] Sums;
        public int[] Labels;
        public int K, Start;
        public void Visit(int i, int j, double squaredDistance) => Sums[(i - Start) * K + Labels[j]] += Math.Sqrt(squaredDistance);
    }

    static double[] SilhouetteCore(Prepared p, int maxDegreeOfParallelism, CancellationToken ct)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentException($"maxDegreeOfParallelism must be -1 (all cores) or positive (got {maxDegreeOfParallelism}).", nameof(maxDegreeOfParallelism));
        var x = p.X;
        int n = x.Rows, k = p.K;
        var labels = p.Labels;
        var sizes = p.Sizes;
        var s = new double[n];
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = ct };
        PairwiseKernels.ForChunks(n, PairwiseKernels.RowChunk, (long)n * n * x.Columns, po, (start, end) =>
        {
            var visitor = new ClusterSums { Sums = new double[(end - start) * k], Labels = labels, K = k, Start = start };
            PairwiseKernels.ForEachPair(x, start, end, ref visitor);
            for (int i = start; i < end; i++)
            {
                var row = visitor.Sums.AsSpan((i - start) * k, k);
                int own = labels[i];
                if (sizes[own] == 1) { s[i] = 0; continue; }
                double a = row[own] / (sizes[own] - 1), b = double.PositiveInfinity;
                for (int c = 0; c < k; c++)
                    if (c != own) b = Math.Min(b, row[c] / sizes[c]);
                double denom = Math.Max(a, b);
                // 0 / 0 (a point on top of every other) is 0, as numpy's nan_to_num makes it.
                s[i] = denom > 0 ? (b - a) / denom : 0;
            }
        });
        return s;
    }

    static DataMatrix Centroids(Prepared p)
    {
        var x = p.X;
        int d = x.Columns;
        var c = new DataMatrix(p.K, d);
        for (int i = 0; i < x.Rows; i++) VectorKernels.Add(x.Row(i), c.Row(p.Labels[i]));
        for (int j = 0; j < p.K; j++)
        {
            var row = c.Row(j);
            for (int t = 0; t < d; t++) row[t] /= p.Sizes[j];
        }
        return c;
    }

    static double CalinskiHarabaszCore(Prepared p)
    {
        var x = p.X;
        int n = x.Rows, d = x.Columns, k = p.K;
        var mean = new double[d];
        for (int i = 0; i < n; i++) VectorKernels.Add(x.Row(i), mean);
        for (int t = 0; t < d; t++) mean[t] /= n;
        var c = Centroids(p);
        double extra = 0, intra = 0;
        for (int j = 0; j < k; j++) extra += p.Sizes[j] * VectorKernels.SquaredDistance(c.Row(j), mean);
        for (int i = 0; i < n; i++) intra += VectorKernels.SquaredDistance(x.Row(i), c.Row(p.Labels[i]));
        return intra == 0 ? 1.0 : extra * (n - k) / (intra * (k - 1.0));
    }

    static double DaviesBouldinCore(Prepared p)
    {
        var x = p.X;
        int n = x.Rows, k = p.K;
        var c = Centroids(p);
        var scatter = new double[k];
        for (int i = 0; i < n; i++) scatter[p.Labels[i]] += Math.Sqrt(VectorKernels.SquaredDistance(x.Row(i), c.Row(p.Labels[i])));
        for (int j = 0; j < k; j++) scatter[j] /= p.Sizes[j];

        var between = new double[k * k];
        bool allScatterZero = true, allBetweenZero = true;
        for (int j = 0; j < k; j++)
        {
            allScatterZero &= Math.Abs(scatter[j]) <= 1e-8;   // numpy allclose(.., 0): atol 1e-8
            for (int l = 0; l < k; l++)
            {
                double dist = between[j * k + l] = Math.Sqrt(VectorKernels.SquaredDistance(c.Row(j), c.Row(l)));
                allBetweenZero &= dist <= 1e-8;
            }
        }
        if (allScatterZero || allBetweenZero) return 0.0;

        double sum = 0;
        for (int j = 0; j < k; j++)
        {
            double worst = double.NegativeInfinity;
            for (int l = 0; l < k; l++)
            {
                double dist = between[j * k + l];
                // Coincident centroids (and the diagonal) count as infinitely far, as in scikit-learn.
                double ratio = (scatter[j] + scatter[l]) / (dist == 0 ? double.PositiveInfinity : dist);
                worst = Math.Max(worst, ratio);
            }
            sum += worst;
        }
        return sum / k;
    }
}
