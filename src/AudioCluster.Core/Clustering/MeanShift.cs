namespace AudioCluster.Clustering;

/// <summary>
/// Parameters of <see cref="MeanShift"/>, as scikit-learn's MeanShift (flat kernel, Euclidean).
/// Bandwidth = null estimates it with <see cref="MeanShift.EstimateBandwidth"/> (quantile 0.3, all points).
/// </summary>
public sealed record MeanShiftOptions(
    double? Bandwidth = null,
    bool BinSeeding = false,
    int MinBinFrequency = 1,
    bool ClusterAll = true,
    int MaxIterations = 300)
{
    /// <summary>Threads for the seeds; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

public sealed class MeanShiftResult
{
    internal MeanShiftResult(DataMatrix centers, int[] intensities, int[] labels, double bandwidth, int iterations)
    {
        Centers = centers; Intensities = intensities; Labels = labels; Bandwidth = bandwidth; Iterations = iterations;
    }

    /// <summary>The modes kept, one row each, by decreasing intensity (scikit-learn's order).</summary>
    public DataMatrix Centers { get; }
    /// <summary>Points within the bandwidth of each centre when its seed converged.</summary>
    public int[] Intensities { get; }
    /// <summary>Nearest centre of every point; -1 when ClusterAll is false and no centre is within the bandwidth.</summary>
    public int[] Labels { get; }
    public double Bandwidth { get; }
    /// <summary>Most iterations any seed took (scikit-learn's n_iter_).</summary>
    public int Iterations { get; }
    public int ClusterCount => Centers.Rows;
}

/// <summary>
/// Mean shift as scikit-learn 1.2: every point (or every populated bin) seeds a climb with a flat
/// kernel (the mean of the points within the bandwidth) until the shift is below 1e-3 bandwidth;
/// modes are sorted by intensity then coordinates, descending, and a mode within the bandwidth of
/// a kept one is dropped; points go to the nearest mode. Brute-force neighbour search, seeds on all cores.
/// </summary>
public static class MeanShift
{
    /// <summary>
    /// scikit-learn's estimate_bandwidth: with k = floor(n * quantile) (at least 1), the mean over
    /// the points of the distance to their k-th nearest neighbour, the point itself counted.
    /// With <paramref name="sampleCount"/>, that many points drawn without replacement by a seeded
    /// generator (not numpy's, so the sample differs from scikit-learn's for the same seed).
    /// </summary>
    public static double EstimateBandwidth(DataMatrix data, double quantile = 0.3, int? sampleCount = null, int seed = 0, CancellationToken cancellationToken = default)
    {
        Parallelism.CheckCommon(data, -1, "Bandwidth estimation");
        if (!(quantile >= 0 && quantile <= 1)) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "quantile must be between 0 and 1.");
        if (sampleCount is int s && (s < 1 || s > data.Rows))
            throw new ArgumentOutOfRangeException(nameof(sampleCount), s, $"sampleCount must be between 1 and the {data.Rows} points.");
        KMeans.CheckFinite(data, nameof(data));
        return Estimate(data, quantile, sampleCount, seed, Parallelism.Options(-1, cancellationToken));
    }

    static double Estimate(DataMatrix data, double quantile, int? sampleCount, int seed, ParallelOptions po)
    {
        var x = data;
        if (sampleCount is int s && s < data.Rows)
        {
            // Partial Fisher-Yates: the first s of a seeded permutation.
            var idx = Enumerable.Range(0, data.Rows).ToArray();
            var rng = new SeededRandom(seed);
            for (int i = 0; i < s; i++)
            {
                int j = i + rng.NextInt(idx.Length - i);
                (idx[i], idx[j]) = (idx[j], idx[i]);
            }
            x = new DataMatrix(s, data.Columns);
            for (int i = 0; i < s; i++) data.Row(idx[i]).CopyTo(x.Row(i));
        }
        int n = x.Rows;
        int k = Math.Max(1, (int)(n * quantile));
        var kd = PointSet.Create(x, ClusteringMetric.Euclidean).KthNeighborRaw(k, po);
        double sum = 0;
        foreach (var v in kd) sum += Math.Sqrt(v);
        return sum / n;
    }

    public static MeanShiftResult Fit(DataMatrix data, MeanShiftOptions options, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, d = data.Columns;
        var po = Parallelism.Options(options.MaxDegreeOfParallelism, cancellationToken);
        double bandwidth = options.Bandwidth ?? Estimate(data, 0.3, null, 0, po);
        var seeds = options.BinSeeding ? BinSeeds(data, bandwidth, options.MinBinFrequency) : data;
        int m = seeds.Rows;

        // Climb from every seed: modes[s] and the number of points its last mean was taken over.
        var modes = new DataMatrix(m, d);
        var within = new int[m];
        var iterations = new int[m];
        double limit = bandwidth * bandwidth, stop = 1e-3 * bandwidth;
        Parallelism.For(m, (long)m * n * d * 10, po, () => new double[2 * d], (s, scratch) =>
        {
            var mean = scratch.AsSpan(0, d);
            var sum = scratch.AsSpan(d, d);
            seeds.Row(s).CopyTo(mean);
            int done = 0, count;
            while (true)
            {
                sum.Clear();
                count = 0;
                for (int j = 0; j < n; j++)
                {
                    var xj = data.Row(j);
                    if (VectorKernels.SquaredDistance(mean, xj) <= limit) { VectorKernels.Add(xj, sum); count++; }
                }
                if (count == 0) break;
                double shift = 0;
                for (int t = 0; t < d; t++)
                {
                    double v = sum[t] / count;
                    shift += (v - mean[t]) * (v - mean[t]);
                    mean[t] = v;
                }
                shift = Math.Sqrt(shift);
                // A shift of exactly 0 is a fixed point even when the bandwidth (so the threshold) is 0.
                if (shift < stop || shift == 0 || done == options.MaxIterations) break;
                done++;
            }
            mean.CopyTo(modes.Row(s));
            within[s] = count;
            iterations[s] = done;
        });

        // Distinct modes, each named by its first seed (scikit-learn keys a dictionary by the
        // mode's coordinates: equal modes merge and the last seed's count wins).
        var first = new Dictionary<int, int>(new SameRow(modes));
        var order = new List<int>();
        var intensity = new int[m];
        for (int s = 0; s < m; s++)
        {
            if (within[s] == 0) continue;
            if (!first.TryGetValue(s, out int f)) { first[s] = f = s; order.Add(s); }
            intensity[f] = within[s];
        }
        if (order.Count == 0)
            throw new ArgumentException($"No point was within bandwidth={bandwidth} of any seed; use a larger bandwidth or turn BinSeeding off.", nameof(options));
        // By intensity, then coordinates, both descending (Python's tuple order).
        order.Sort((a, b) =>
        {
            int c = intensity[b].CompareTo(intensity[a]);
            return c != 0 ? c : SameRow.Compare(modes.Row(b), modes.Row(a));
        });

        var keep = new List<int>();
        var unique = Enumerable.Repeat(true, order.Count).ToArray();
        for (int i = 0; i < order.Count; i++)
        {
            if (!unique[i]) continue;
            keep.Add(order[i]);
            for (int j = i + 1; j < order.Count; j++)
                if (VectorKernels.SquaredDistance(modes.Row(order[i]), modes.Row(order[j])) <= limit) unique[j] = false;
        }
        var centers = new DataMatrix(keep.Count, d);
        var intensities = new int[keep.Count];
        for (int c = 0; c < keep.Count; c++)
        {
            modes.Row(keep[c]).CopyTo(centers.Row(c));
            intensities[c] = intensity[keep[c]];
        }

        var labels = new int[n];
        Parallelism.For(n, (long)n * keep.Count * d, po, () => 0, (i, _) =>
        {
            var xi = data.Row(i);
            int best = 0;
            double bestSq = double.PositiveInfinity;
            for (int c = 0; c < centers.Rows; c++)
            {
                double sq = VectorKernels.SquaredDistance(xi, centers.Row(c));
                if (sq < bestSq) { bestSq = sq; best = c; }
            }
            labels[i] = options.ClusterAll || bestSq <= limit ? best : -1;
        });
        return new MeanShiftResult(centers, intensities, labels, bandwidth, iterations.Max());
    }

    static void Validate(DataMatrix data, MeanShiftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Parallelism.CheckCommon(data, options.MaxDegreeOfParallelism, "Mean shift");
        if (options.Bandwidth is double b && (!(b > 0) || double.IsInfinity(b)))
            throw new ArgumentException($"Bandwidth must be > 0 and finite (got {b}); or null to estimate it.", nameof(options));
        if (options.MinBinFrequency < 1) throw new ArgumentException($"MinBinFrequency must be at least 1 (got {options.MinBinFrequency}).", nameof(options));
        if (options.MaxIterations < 0) throw new ArgumentException($"MaxIterations must be >= 0 (got {options.MaxIterations}).", nameof(options));
        KMeans.CheckFinite(data, nameof(data));
    }

    // scikit-learn's get_bin_seeds: points rounded (half to even) to a grid of the bandwidth,
    // bins with at least minFrequency points, as float32 grid indices times the bandwidth, in
    // order of first appearance; every point when binning does not reduce the seeds.
    static DataMatrix BinSeeds(DataMatrix x, double binSize, int minFrequency)
    {
        if (binSize == 0) return x;
        int d = x.Columns;
        var counts = new Dictionary<double[], int>(new SameBin());
        var firstSeen = new List<double[]>();
        var key = new double[d];
        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (int t = 0; t < d; t++) key[t] = Math.Round(row[t] / binSize, MidpointRounding.ToEven);
            if (counts.TryGetValue(key, out int c)) counts[key] = c + 1;
            else
            {
                var bin = (double[])key.Clone();
                counts[bin] = 1;
                firstSeen.Add(bin);
            }
        }
        var bins = firstSeen.Where(k => counts[k] >= minFrequency).ToList();
        if (bins.Count == x.Rows) return x;
        var seeds = new DataMatrix(bins.Count, d);
        for (int b = 0; b < bins.Count; b++)
            for (int t = 0; t < d; t++) seeds[b, t] = (float)bins[b][t] * binSize;
        return seeds;
    }

    // Rows of a matrix, named by index, as dictionary keys: equal when every value is.
    sealed class SameRow(DataMatrix rows) : IEqualityComparer<int>
    {
        public bool Equals(int a, int b) => rows.Row(a).SequenceEqual(rows.Row(b));
        public int GetHashCode(int a) => Hash(rows.Row(a));

        // Lexicographic, as Python compares tuples.
        public static int Compare(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            for (int t = 0; t < a.Length; t++)
            {
                int c = a[t].CompareTo(b[t]);
                if (c != 0) return c;
            }
            return 0;
        }

        public static int Hash(ReadOnlySpan<double> a)
        {
            var h = new HashCode();
            foreach (var v in a) h.Add(v);
            return h.ToHashCode();
        }
    }

    sealed class SameBin : IEqualityComparer<double[]>
    {
        public bool Equals(double[]? a, double[]? b) => a.AsSpan().SequenceEqual(b);
        public int GetHashCode(double[] a) => SameRow.Hash(a);
    }
}
