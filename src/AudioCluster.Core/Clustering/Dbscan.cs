namespace AudioCluster.Clustering;

/// <summary>
/// Parameters of <see cref="Dbscan"/>, as scikit-learn's DBSCAN: a point is a core point when at
/// least MinSamples points, itself included, lie within Eps of it. Eps = null chooses it from the
/// data (<see cref="Dbscan.EstimateEps(DataMatrix, int, ClusteringMetric, CancellationToken)"/>);
/// scikit-learn's fixed default of 0.5 is not copied, since it means nothing for unscaled embeddings.
/// </summary>
public sealed record DbscanOptions(
    double? Eps = null,
    int MinSamples = 5,
    ClusteringMetric Metric = ClusteringMetric.Euclidean)
{
    /// <summary>Threads for the neighbour search; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

public sealed class DbscanResult
{
    internal DbscanResult(int[] labels, int[] coreSampleIndices, int clusterCount, int noiseCount, double eps, bool epsEstimated)
    {
        Labels = labels; CoreSampleIndices = coreSampleIndices; ClusterCount = clusterCount; NoiseCount = noiseCount;
        Eps = eps; EpsEstimated = epsEstimated;
    }

    /// <summary>
    /// Cluster of every point, -1 for noise. Clusters are numbered in order of their lowest-index
    /// core point, and a border point belongs to the lowest-numbered cluster that reaches it,
    /// exactly as scikit-learn numbers them.
    /// </summary>
    public int[] Labels { get; }
    /// <summary>Indices of the core points, ascending.</summary>
    public int[] CoreSampleIndices { get; }
    public int ClusterCount { get; }
    public int NoiseCount { get; }
    /// <summary>The radius used: the one given, or the estimate.</summary>
    public double Eps { get; }
    /// <summary>True when Eps was chosen from the data.</summary>
    public bool EpsEstimated { get; }
}

/// <summary>
/// DBSCAN as scikit-learn 1.2 runs it: neighbourhoods within eps (distance &lt;= eps), core points,
/// clusters grown from the core points in index order. The neighbour search is brute force over
/// blocks of point pairs (each pair once), on all cores.
/// </summary>
public static class Dbscan
{
    /// <summary>
    /// Most neighbour pairs held at once (2^26, about 1.5 GB with their index): an eps that puts most
    /// points within reach of each other fails with a clear error instead of exhausting memory.
    /// </summary>
    public const long MaxNeighbourPairs = 1L << 26;
    const int Block = 64;

    public static DbscanResult Fit(DataMatrix data, DbscanOptions options, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, minSamples = options.MinSamples;
        var po = Parallelism.Options(options.MaxDegreeOfParallelism, cancellationToken);
        var points = PointSet.Create(data, options.Metric);
        double eps = options.Eps ?? EstimateEps(points, minSamples, po);

        var neighbours = Neighbourhoods(points, eps, po, out var start);
        var core = new bool[n];
        var coreList = new List<int>();
        for (int i = 0; i < n; i++)
        {
            // The neighbourhood counts the point itself, as scikit-learn's.
            if (start[i + 1] - start[i] + 1 >= minSamples) { core[i] = true; coreList.Add(i); }
        }

        // scikit-learn's dbscan_inner: from each unlabelled core point in index order, a
        // depth-first expansion through core points; border points take the first label that reaches them.
        var labels = new int[n];
        Array.Fill(labels, -1);
        var stack = new Stack<int>();
        int clusters = 0;
        for (int seed = 0; seed < n; seed++)
        {
            if (labels[seed] != -1 || !core[seed]) continue;
            int i = seed;
            while (true)
            {
                if (labels[i] == -1)
                {
                    labels[i] = clusters;
                    if (core[i])
                        for (int t = start[i]; t < start[i + 1]; t++)
                            if (labels[neighbours[t]] == -1) stack.Push(neighbours[t]);
                }
                if (stack.Count == 0) break;
                i = stack.Pop();
            }
            clusters++;
        }
        int noise = labels.Count(l => l == -1);
        return new DbscanResult(labels, coreList.ToArray(), clusters, noise, eps, options.Eps is null);
    }

    /// <summary>
    /// An eps read off the data: the k-distance of every point (distance to its k-th nearest
    /// neighbour, the point itself counted, k = MinSamples but at least 2), sorted ascending; eps is
    /// the value at the knee of that curve, the point farthest below the chord from its first to its
    /// last value once both axes are scaled to [0, 1]. Points left of the knee lie in dense regions,
    /// the steep part on the right is noise. If the knee is at 0 (many duplicates), the smallest
    /// positive k-distance is used; if every k-distance is 0, 1.
    /// </summary>
    public static double EstimateEps(DataMatrix data, int minSamples = 5, ClusteringMetric metric = ClusteringMetric.Euclidean, CancellationToken cancellationToken = default)
    {
        Validate(data, new DbscanOptions(null, minSamples, metric));
        return EstimateEps(PointSet.Create(data, metric), minSamples, Parallelism.Options(-1, cancellationToken));
    }

    static double EstimateEps(PointSet points, int minSamples, ParallelOptions po)
    {
        int n = points.N;
        int k = Math.Clamp(minSamples, 2, Math.Max(n, 1));
        if (n < 2) return 1;
        var kd = points.KthNeighborRaw(k, po);
        for (int i = 0; i < n; i++) kd[i] = points.ToDistance(kd[i]);
        Array.Sort(kd);
        double eps = Knee(kd);
        if (eps > 0) return eps;
        foreach (var v in kd) if (v > 0) return v;
        return 1;
    }

    /// <summary>Value of an ascending curve where it lies farthest below its chord (axes scaled to [0, 1]).</summary>
    internal static double Knee(double[] sorted)
    {
        int n = sorted.Length;
        double lo = sorted[0], hi = sorted[n - 1];
        if (!(hi > lo)) return lo;
        int best = 0;
        double bestGap = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double gap = i / (double)(n - 1) - (sorted[i] - lo) / (hi - lo);
            if (gap > bestGap) { bestGap = gap; best = i; }
        }
        return sorted[best];
    }

    static void Validate(DataMatrix data, DbscanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Parallelism.CheckCommon(data, options.MaxDegreeOfParallelism, "DBSCAN");
        Parallelism.CheckMetric(options.Metric);
        if (options.Eps is double eps && (!(eps > 0) || double.IsInfinity(eps)))
            throw new ArgumentException($"Eps must be > 0 and finite (got {eps}); or null to estimate it.", nameof(options));
        if (options.MinSamples < 1) throw new ArgumentException($"MinSamples must be at least 1 (got {options.MinSamples}).", nameof(options));
        KMeans.CheckFinite(data, nameof(data));
    }

    /// <summary>
    /// Neighbours within eps of every point, itself excluded, as CSR: the neighbours of i are
    /// list[start[i] .. start[i + 1]). Each pair is measured once, in 64 x 64 blocks.
    /// </summary>
    static int[] Neighbourhoods(PointSet p, double eps, ParallelOptions po, out int[] start)
    {
        int n = p.N;
        double limit = p.ToRaw(eps);
        int blocks = (n + Block - 1) / Block;
        var pairs = new List<int>?[blocks];
        long total = 0;
        bool tooMany = false;
        Parallelism.For(blocks, (long)n * n * p.D / 2, po, () => new double[Block * Block], (bi, tile) =>
        {
            if (Volatile.Read(ref tooMany)) return;
            var found = new List<int>();
            int i0 = bi * Block, ni = Math.Min(Block, n - i0);
            for (int j0 = i0; j0 < n; j0 += Block)
            {
                int nj = Math.Min(Block, n - j0);
                p.RawTile(i0, ni, j0, nj, tile);
                for (int a = 0; a < ni; a++)
                {
                    int i = i0 + a;
                    for (int b = j0 == i0 ? a + 1 : 0; b < nj; b++)
                        if (tile[a * nj + b] <= limit) { found.Add(i); found.Add(j0 + b); }
                }
            }
            pairs[bi] = found;
            if (Interlocked.Add(ref total, found.Count / 2) > MaxNeighbourPairs) Volatile.Write(ref tooMany, true);
        });
        if (tooMany)
            throw new ArgumentException(
                $"Eps = {eps} puts more than {MaxNeighbourPairs:N0} pairs of the {n} points within reach of each other " +
                $"(over {2.0 * MaxNeighbourPairs / n:F0} neighbours per point on average); choose a smaller Eps.", "options");

        start = new int[n + 1];
        foreach (var list in pairs)
            for (int t = 0; t < list!.Count; t += 2) { start[list[t] + 1]++; start[list[t + 1] + 1]++; }
        for (int i = 0; i < n; i++) start[i + 1] += start[i];
        var neighbours = new int[start[n]];
        var fill = start.AsSpan(0, n).ToArray();
        foreach (var list in pairs)
        {
            for (int t = 0; t < list!.Count; t += 2)
            {
                int i = list[t], j = list[t + 1];
                neighbours[fill[i]++] = j;
                neighbours[fill[j]++] = i;
            }
        }
        return neighbours;
    }
}
