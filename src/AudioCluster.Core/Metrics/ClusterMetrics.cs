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
        if (noiseColumn < -1 || noiseColumn >= table.ClusterCount)
            throw new ArgumentOutOfRangeException(nameof(noiseColumn), noiseColumn, $"Must be -1 (no noise cluster) or a column of the table (0..{table.ClusterCount - 1}).");
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
        foreach (var cell in t.Cells)
        {
            int nij = cell.Count;
            double p = nij / total;
            // log(n^2 / (a_i b_j)) with the product in exact integers, as scikit-learn does.
            double logOuter = -Math.Log((double)((long)t.ClassSizes[cell.Class] * t.ClusterSizes[cell.Cluster])) + logTotal + logTotal;
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
        foreach (var cell in t.Cells)
        {
            long v = cell.Count;
            sumSquares += v * v;
            sameCluster += v * t.ClusterSizes[cell.Cluster];
            sameClass += v * t.ClassSizes[cell.Class];
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
        foreach (var cell in t.Cells) tk += (long)cell.Count * cell.Count;
        foreach (long b in t.ClusterSizes) pk += b * b;
        foreach (long a in t.ClassSizes) qk += a * a;
        tk -= n; pk -= n; qk -= n;
        return tk != 0 ? Math.Sqrt((double)tk / pk) * Math.Sqrt((double)tk / qk) : 0.0;
    }

    /// <summary>Each cluster votes for its majority class: fraction of points in their cluster's majority.</summary>
    public static double Purity(ContingencyTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var max = new int[t.ClusterCount];
        foreach (var cell in t.Cells) max[cell.Cluster] = Math.Max(max[cell.Cluster], cell.Count);
        long sum = 0;
        foreach (var m in max) sum += m;
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
    /// to, or -1 where it is left unmatched (or could only be matched to a class it shares no point
    /// with). Useful for confusion matrices in reports.
    /// </summary>
    public static int[] MatchClustersToClasses(ContingencyTable t, int excludedCluster = -1)
    {
        ArgumentNullException.ThrowIfNull(t);
        MatchedCount(t, excludedCluster, out var classOfCluster);
        return classOfCluster;
    }

    // Zero cells add nothing to a matching, so the best matching is the union of the best
    // matchings of the connected parts of the class-cluster graph (non-empty cells as edges).
    // Each part is solved densely; singleton-heavy tables split into many tiny parts.
    static long MatchedCount(ContingencyTable t, int excludedCluster, out int[] classOfCluster)
    {
        int r = t.ClassCount, c = t.ClusterCount;
        classOfCluster = new int[c];
        Array.Fill(classOfCluster, -1);
        var parent = new int[r + c];   // union-find over rows 0..r-1 and columns r..r+c-1
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int a) { while (parent[a] != a) a = parent[a] = parent[parent[a]]; return a; }
        foreach (var cell in t.Cells)
            if (cell.Cluster != excludedCluster) parent[Find(cell.Class)] = Find(r + cell.Cluster);

        var parts = new Dictionary<int, (List<int> Rows, List<int> Cols)>();
        (List<int> Rows, List<int> Cols) Part(int node)
        {
            int root = Find(node);
            if (!parts.TryGetValue(root, out var p)) parts[root] = p = (new List<int>(), new List<int>());
            return p;
        }
        for (int i = 0; i < r; i++) Part(i).Rows.Add(i);
        for (int j = 0; j < c; j++) if (j != excludedCluster) Part(r + j).Cols.Add(j);

        var localCol = new int[c];
        long matched = 0;
        foreach (var (rows, cols) in parts.Values)
        {
            if (rows.Count == 0 || cols.Count == 0) continue;
            for (int k = 0; k < cols.Count; k++) localCol[cols[k]] = k;
            var score = new long[rows.Count, cols.Count];
            for (int k = 0; k < rows.Count; k++)
                foreach (var cell in t.RowCells(rows[k]))
                    if (cell.Cluster != excludedCluster) score[k, localCol[cell.Cluster]] = cell.Count;
            var colOfRow = LinearAssignment.Maximize(score);
            for (int k = 0; k < rows.Count; k++)
            {
                int m = colOfRow[k];
                if (m < 0 || score[k, m] == 0) continue;
                matched += score[k, m];
                classOfCluster[cols[m]] = rows[k];
            }
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
        foreach (var cell in t.Cells)
            if (cell.Count != t.ClassSizes[cell.Class] || cell.Count != t.ClusterSizes[cell.Cluster]) return false;
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
