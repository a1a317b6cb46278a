namespace AudioCluster.Metrics;

/// <summary>
/// External clustering metrics, numerically as scikit-learn 1.2 computes them (natural log).
/// Every function takes a <see cref="ContingencyTable"/> (classes x clusters), so label values
/// never matter, only the partition.
/// </summary>
public static class ClusterMetrics
{
    /// <summary>The cluster id that density-based methods use for noise.</summary>
    public const string NoiseCluster = "-1";

    // float64 machine epsilon (numpy's finfo(float64).eps); .NET's double.Epsilon is the smallest denormal.
    const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// All metrics for string labels. Cluster "-1" is an ordinary cluster for every metric except
    /// <see cref="ClusterQuality.AccuracyNoiseAsWrong"/> (and it is not counted in Clusters).
    /// AMI always uses the arithmetic average, as scikit-learn's default; <paramref name="average"/> is for NMI.
    /// </summary>
    public static ClusterQuality Evaluate(IReadOnlyList<string> labels, IReadOnlyList<string> clusters, NmiAverage average = NmiAverage.Arithmetic)
    {
        var table = ContingencyTable.Create(labels, clusters);
        return Evaluate(table, table.ClusterIndex(NoiseCluster), average);
    }

    /// <summary>All metrics for integer labels; cluster -1 is treated as noise where that matters.</summary>
    public static ClusterQuality Evaluate(IReadOnlyList<int> labels, IReadOnlyList<int> clusters, NmiAverage average = NmiAverage.Arithmetic)
    {
        var table = ContingencyTable.Create(labels, clusters);
        return Evaluate(table, table.ClusterIndex(-1), average);
    }

    /// <summary>All metrics from a table; <paramref name="noiseColumn"/> is the noise cluster's column or -1 for none.</summary>
    public static ClusterQuality Evaluate(ContingencyTable table, int noiseColumn = -1, NmiAverage average = NmiAverage.Arithmetic)
    {
        ArgumentNullException.ThrowIfNull(table);
        var (h, c, v) = HomogeneityCompletenessVMeasure(table);
        return new ClusterQuality
        {
            NMI = NormalizedMutualInformation(table, average),
            NmiAverage = average,
            ARI = AdjustedRandIndex(table),
            AMI = AdjustedMutualInformation(table),
            Accuracy = HungarianAccuracy(table),
            AccuracyNoiseAsWrong = HungarianAccuracy(table, noiseColumn),
            Purity = Purity(table),
            Homogeneity = h,
            Completeness = c,
            VMeasure = v,
            RandIndex = RandIndex(table),
            FowlkesMallows = FowlkesMallows(table),
            MutualInformation = MutualInformation(table),
            LabelEntropy = Entropy(table.ClassSizes),
            ClusterEntropy = Entropy(table.ClusterSizes),
            N = table.N,
            Clusters = table.ClusterCount - (noiseColumn >= 0 ? 1 : 0),
            Classes = table.ClassCount,
            NoisePoints = noiseColumn >= 0 ? table.ClusterSizes[noiseColumn] : 0,
        };
    }

    /// <summary>Shannon entropy (nats) of a labeling given its group sizes; 0 for a single group.</summary>
    public static double Entropy(IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int groups = 0;
        double total = 0;
        foreach (var s in sizes)
            if (s > 0) { groups++; total += s; }
        if (groups <= 1) return 0.0;
        double logTotal = Math.Log(total);
        double sum = 0;
        foreach (var s in sizes)
            if (s > 0) sum += s / total * (Math.Log(s) - logTotal);
        return -sum;
    }

    /// <summary>Mutual information (nats); 0 when either labeling has a single group.</summary>
    public static double MutualInformation(ContingencyTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.ClassCount == 1 || t.ClusterCount == 1) return 0.0;
        double total = t.N;
        double logTotal = Math.Log(total);
        double mi = 0;
        for (int i = 0; i < t.ClassCount; i++)
            for (int j = 0; j < t.ClusterCount; j++)
            {
                int nij = t[i, j];
                if (nij == 0) continue;
                double p = nij / total;
                // log(n^2 / (a_i b_j)) with the product in exact integers, as scikit-learn does.
                double logOuter = -Math.Log((double)((long)t.ClassSizes[i] * t.ClusterSizes[j])) + logTotal + logTotal;
                double term = p * (Math.Log(nij) - logTotal) + p * logOuter;
                // scikit-learn zeroes rounding residue per cell.
                if (Math.Abs(term) < MachineEpsilon) term = 0.0;
                mi += term;
            }
        return Math.Max(mi, 0.0);
    }

    /// <summary>MI / average(H(classes), H(clusters)); 1 if both have one group, 0 if MI is 0.</summary>
    public static double NormalizedMutualInformation(ContingencyTable t, NmiAverage average = NmiAverage.Arithmetic)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.ClassCount == 1 && t.ClusterCount == 1) return 1.0;
        double mi = MutualInformation(t);
        if (mi == 0) return 0.0;
        double normalizer = Average(Entropy(t.ClassSizes), Entropy(t.ClusterSizes), average);
        return mi / normalizer;
    }

    /// <summary>
    /// Adjusted mutual information: (MI - E[MI]) / (average(H) - E[MI]) with the exact expectation
    /// under the hypergeometric (fixed marginals) model.
    /// </summary>
    public static double AdjustedMutualInformation(ContingencyTable t, NmiAverage average = NmiAverage.Arithmetic)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.ClassCount == 1 && t.ClusterCount == 1) return 1.0;
        // Identical partitions: numerator and denominator are the same number; scikit-learn reaches
        // 1.0 through rounding even when both are ~0 (all singletons), we return it by definition.
        if (IsOneToOne(t)) return 1.0;
        double mi = MutualInformation(t);
        double emi = ExpectedMutualInformation(t);
        double normalizer = Average(Entropy(t.ClassSizes), Entropy(t.ClusterSizes), average);
        double denominator = normalizer - emi;
        // Keep the denominator away from 0 with its sign, as scikit-learn does.
        denominator = denominator < 0 ? Math.Min(denominator, -MachineEpsilon) : Math.Max(denominator, MachineEpsilon);
        return (mi - emi) / denominator;
    }

    /// <summary>
    /// Expected mutual information (nats) of two random labelings with the table's marginals
    /// (hypergeometric model), summed exactly over all feasible cell values in log space.
    /// </summary>
    public static double ExpectedMutualInformation(ContingencyTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.ClassCount == 1 || t.ClusterCount == 1) return 0.0;
        int n = t.N;
        var lf = LogFactorials(n);
        double logN = Math.Log(n);
        // The summand depends only on the two marginals, so rows (columns) of equal size are
        // summed once and weighted by how many there are: all-singleton tables stay cheap.
        var rows = GroupSizes(t.ClassSizes);
        var cols = GroupSizes(t.ClusterSizes);
        double emi = 0;
        foreach (var (a, ca) in rows)
        {
            double logA = Math.Log(a);
            foreach (var (b, cb) in cols)
            {
                double logB = Math.Log(b);
                double fixedPart = lf[a] + lf[b] + lf[n - a] + lf[n - b];
                int start = Math.Max(1, a + b - n), end = Math.Min(a, b);
                double s = 0;
                for (int nij = start; nij <= end; nij++)
                {
                    double term1 = (double)nij / n;
                    double term2 = logN + Math.Log(nij) - logA - logB;
                    double gln = fixedPart - (lf[nij] + lf[n]) - lf[a - nij] - lf[b - nij] - lf[n - a - b + nij];
                    s += term1 * term2 * Math.Exp(gln);
                }
                emi += (double)ca * cb * s;
            }
        }
        return emi;
    }

    /// <summary>Homogeneity, completeness and V-measure (beta = 1).</summary>
    public static (double Homogeneity, double Completeness, double VMeasure) HomogeneityCompletenessVMeasure(ContingencyTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        double hC = Entropy(t.ClassSizes), hK = Entropy(t.ClusterSizes);
        double mi = MutualInformation(t);
        double h = hC != 0 ? mi / hC : 1.0;
        double c = hK != 0 ? mi / hK : 1.0;
        double v = h + c == 0.0 ? 0.0 : 2.0 * h * c / (h + c);
        return (h, c, v);
    }

    /// <summary>Pair confusion counts over ordered pairs, in exact integers.</summary>
    public static PairConfusion PairConfusion(ContingencyTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        long n = t.N, sumSquares = 0, sameCluster = 0, sameClass = 0;
        for (int i = 0; i < t.ClassCount; i++)
            for (int j = 0; j < t.ClusterCount; j++)
            {
                long v = t[i, j];
                sumSquares += v * v;
                sameCluster += v * t.ClusterSizes[j];
                sameClass += v * t.ClassSizes[i];
            }
        long tp = sumSquares - n;
        long fp = sameCluster - sumSquares;
        long fn = sameClass - sumSquares;
        long tn = n * n - fp - fn - sumSquares;
        return new PairConfusion(tn, fp, fn, tp);
    }

    /// <summary>Adjusted Rand index from the pair confusion counts (exact integer products).</summary>
    public static double AdjustedRandIndex(ContingencyTable t)
    {
        var p = PairConfusion(t);
        if (p.FalseNegatives == 0 && p.FalsePositives == 0) return 1.0;
        Int128 tp = p.TruePositives, tn = p.TrueNegatives, fp = p.FalsePositives, fn = p.FalseNegatives;
        Int128 num = tp * tn - fn * fp;
        Int128 den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
        return 2.0 * (double)num / (double)den;
    }

    /// <summary>Fraction of point pairs on which the two partitions agree.</summary>
    public static double RandIndex(ContingencyTable t)
    {
        var p = PairConfusion(t);
        long agree = p.TrueNegatives + p.TruePositives, total = p.Total;
        if (total == 0 || agree == total) return 1.0;
        return (double)agree / total;
    }

    /// <summary>Geometric mean of pairwise precision and recall; 0 when no pair shares both.</summary>
    public static double FowlkesMallows(ContingencyTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        long n = t.N, tk = 0, pk = 0, qk = 0;
        for (int i = 0; i < t.ClassCount; i++)
            for (int j = 0; j < t.ClusterCount; j++)
                tk += (long)t[i, j] * t[i, j];
        foreach (long b in t.ClusterSizes) pk += b * b;
        foreach (long a in t.ClassSizes) qk += a * a;
        tk -= n; pk -= n; qk -= n;
        return tk != 0 ? Math.Sqrt((double)tk / pk) * Math.Sqrt((double)tk / qk) : 0.0;
    }

    /// <summary>Each cluster votes for its majority class: fraction of points in their cluster's majority.</summary>
    public static double Purity(ContingencyTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        long sum = 0;
        for (int j = 0; j < t.ClusterCount; j++)
        {
            int max = 0;
            for (int i = 0; i < t.ClassCount; i++) max = Math.Max(max, t[i, j]);
            sum += max;
        }
        return (double)sum / t.N;
    }

    /// <summary>
    /// Accuracy after the best one-to-one matching of clusters to classes: matched cells / N.
    /// Unmatched clusters (or classes) count as wrong. The column <paramref name="excludedCluster"/>
    /// (e.g. noise) is never matched, but its points still count in N.
    /// </summary>
    public static double HungarianAccuracy(ContingencyTable t, int excludedCluster = -1)
    {
        ArgumentNullException.ThrowIfNull(t);
        return (double)MatchedCount(t, excludedCluster, out _) / t.N;
    }

    /// <summary>
    /// The optimal cluster-to-class matching: for each cluster column, the class row it is matched
    /// to, or -1. Useful for confusion matrices in reports.
    /// </summary>
    public static int[] MatchClustersToClasses(ContingencyTable t, int excludedCluster = -1)
    {
        ArgumentNullException.ThrowIfNull(t);
        MatchedCount(t, excludedCluster, out var classOfCluster);
        return classOfCluster;
    }

    static long MatchedCount(ContingencyTable t, int excludedCluster, out int[] classOfCluster)
    {
        int r = t.ClassCount, c = t.ClusterCount;
        classOfCluster = new int[c];
        Array.Fill(classOfCluster, -1);
        var columns = Enumerable.Range(0, c).Where(j => j != excludedCluster).ToArray();
        if (columns.Length == 0) return 0;
        var score = new long[r, columns.Length];
        for (int i = 0; i < r; i++)
            for (int k = 0; k < columns.Length; k++)
                score[i, k] = t[i, columns[k]];
        var colOfRow = LinearAssignment.Maximize(score);
        long matched = 0;
        for (int i = 0; i < r; i++)
        {
            int k = colOfRow[i];
            if (k < 0) continue;
            matched += score[i, k];
            classOfCluster[columns[k]] = i;
        }
        return matched;
    }

    static double Average(double u, double v, NmiAverage average) => average switch
    {
        NmiAverage.Min => Math.Min(u, v),
        NmiAverage.Geometric => Math.Sqrt(u * v),
        NmiAverage.Arithmetic => (u + v) / 2.0,
        NmiAverage.Max => Math.Max(u, v),
        _ => throw new ArgumentOutOfRangeException(nameof(average), average, "Unknown NMI average."),
    };

    // True when every class maps to exactly one cluster and back (same partition).
    static bool IsOneToOne(ContingencyTable t)
    {
        if (t.ClassCount != t.ClusterCount) return false;
        for (int i = 0; i < t.ClassCount; i++)
            for (int j = 0; j < t.ClusterCount; j++)
            {
                int v = t[i, j];
                if (v != 0 && (v != t.ClassSizes[i] || v != t.ClusterSizes[j])) return false;
            }
        return true;
    }

    static List<(int Size, int Count)> GroupSizes(int[] sizes)
    {
        var groups = new SortedDictionary<int, int>();
        foreach (var s in sizes) groups[s] = groups.GetValueOrDefault(s) + 1;
        return groups.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    // ln(k!) for k = 0..n. Compensated summation keeps the table within about an ulp,
    // which the cancellation in the EMI terms needs.
    static double[] LogFactorials(int n)
    {
        var lf = new double[n + 1];
        double sum = 0, comp = 0;
        for (int k = 2; k <= n; k++)
        {
            double y = Math.Log(k) - comp;
            double s = sum + y;
            comp = (s - sum) - y;
            sum = s;
            lf[k] = sum;
        }
        return lf;
    }
}
