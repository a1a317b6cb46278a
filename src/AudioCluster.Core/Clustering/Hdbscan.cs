namespace AudioCluster.Clustering;

/// <summary>How HDBSCAN picks flat clusters from its condensed tree.</summary>
public enum HdbscanSelection
{
    /// <summary>Excess of mass: the most stable clusters, none nested in another.</summary>
    ExcessOfMass,
    /// <summary>The leaves of the condensed tree: many small, homogeneous clusters.</summary>
    Leaf,
}

/// <summary>
/// Parameters of <see cref="Hdbscan"/>, as scikit-learn 1.3's HDBSCAN: MinClusterSize (>= 2) is the
/// smallest group called a cluster; MinSamples (default MinClusterSize) sets the core distance, the
/// distance to the MinSamples-th nearest neighbour, the point itself counted.
/// </summary>
public sealed record HdbscanOptions(
    int MinClusterSize = 5,
    int? MinSamples = null,
    ClusteringMetric Metric = ClusteringMetric.Euclidean)
{
    public HdbscanSelection Selection { get; init; } = HdbscanSelection.ExcessOfMass;
    /// <summary>Let the whole data set be one cluster (otherwise the root is never selected).</summary>
    public bool AllowSingleCluster { get; init; }
    /// <summary>Threads for the distance work; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

public sealed class HdbscanResult
{
    internal HdbscanResult(int[] labels, double[] probabilities, int clusterCount, double[] coreDistances)
    {
        Labels = labels; Probabilities = probabilities; ClusterCount = clusterCount; CoreDistances = coreDistances;
        NoiseCount = labels.Count(l => l < 0);
    }

    /// <summary>Cluster of every point, -1 for noise; clusters numbered in condensed-tree order.</summary>
    public int[] Labels { get; }
    /// <summary>
    /// Strength of each point's membership, in [0, 1]: the density level at which it left its cluster
    /// over the highest level any point of that cluster reached (1 = in the cluster's core); 0 for noise.
    /// </summary>
    public double[] Probabilities { get; }
    public int ClusterCount { get; }
    public int NoiseCount { get; }
    /// <summary>Distance of every point to its MinSamples-th nearest neighbour (itself counted).</summary>
    public double[] CoreDistances { get; }
}

/// <summary>
/// HDBSCAN (Campello, Moulavi and Sander 2013; McInnes and Healy's hdbscan library, which
/// scikit-learn 1.3 ports): core distances, the minimum spanning tree of the mutual reachability
/// distance max(core(a), core(b), d(a, b)) by Prim's algorithm (O(n^2) time, no matrix), its
/// single-linkage tree condensed at MinClusterSize, cluster stabilities, then excess-of-mass (or
/// leaf) selection. Deterministic; the distance work runs on all cores.
/// </summary>
public static class Hdbscan
{
    public static HdbscanResult Fit(DataMatrix data, HdbscanOptions options, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows;
        int minSamples = options.MinSamples ?? options.MinClusterSize;
        var po = Parallelism.Options(options.MaxDegreeOfParallelism, cancellationToken);
        var points = PointSet.Create(data, options.Metric);

        var coreRaw = points.KthNeighborRaw(minSamples, po);
        var coreDistances = coreRaw.Select(points.ToDistance).ToArray();
        if (n < 2) return new HdbscanResult(Enumerable.Repeat(-1, n).ToArray(), new double[n], 0, coreDistances);

        var mst = SpanningTree.Prim(points, coreRaw, po);
        for (int i = 0; i < mst.Weight.Length; i++) mst.Weight[i] = points.ToDistance(mst.Weight[i]);
        var (children, distances, counts) = MergeTree.Build(n, mst.From, mst.To, mst.Weight);
        cancellationToken.ThrowIfCancellationRequested();

        var tree = Condense(n, children, distances, counts, options.MinClusterSize);
        var selected = Select(tree, options.Selection, options.AllowSingleCluster);
        var (labels, probabilities, k) = Label(tree, selected, options.AllowSingleCluster);
        return new HdbscanResult(labels, probabilities, k, coreDistances);
    }

    static void Validate(DataMatrix data, HdbscanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Parallelism.CheckCommon(data, options.MaxDegreeOfParallelism, "HDBSCAN");
        Parallelism.CheckMetric(options.Metric);
        if (options.MinClusterSize < 2) throw new ArgumentException($"MinClusterSize must be at least 2 (got {options.MinClusterSize}).", nameof(options));
        if (options.MinSamples is int ms)
        {
            if (ms < 1) throw new ArgumentException($"MinSamples must be at least 1 (got {ms}).", nameof(options));
            if (ms > data.Rows) throw new ArgumentException($"MinSamples={ms} is more than the {data.Rows} points.", nameof(options));
        }
        else if (options.MinClusterSize > data.Rows)
            throw new ArgumentException($"MinSamples defaults to MinClusterSize={options.MinClusterSize}, which is more than the {data.Rows} points; give a smaller MinSamples.", nameof(options));
        if (!Enum.IsDefined(options.Selection)) throw new ArgumentException($"Unknown Selection {options.Selection}; use ExcessOfMass or Leaf.", nameof(options));
        KMeans.CheckFinite(data, nameof(data));
    }

    /// <summary>
    /// The condensed tree as rows (parent cluster, child, lambda = 1 / distance, child size). Points
    /// are 0..n-1, clusters n (the root), n + 1, ... in breadth-first order. Children are
    /// written after their parent's row.
    /// </summary>
    internal sealed class CondensedTree
    {
        public int PointCount, ClusterCount;
        public readonly List<int> Parent = [], Child = [], Size = [];
        public readonly List<double> Lambda = [];
        public void Add(int parent, int child, double lambda, int size) { Parent.Add(parent); Child.Add(child); Lambda.Add(lambda); Size.Add(size); }
        public int Root => PointCount;
    }

    // hdbscan's condense_tree: walk the single-linkage tree from the root; a split into two parts
    // of at least minClusterSize points makes two new clusters, otherwise the small part's points
    // fall out of the current cluster at that lambda and the cluster carries on.
    static CondensedTree Condense(int n, (int Left, int Right)[] children, double[] distances, int[] counts, int minClusterSize)
    {
        int root = 2 * n - 2;
        var tree = new CondensedTree { PointCount = n };
        var relabel = new int[root + 1];
        relabel[root] = n;
        int next = n + 1;
        var ignore = new bool[root + 1];
        var queue = new int[root + 1];
        var sub = new Queue<int>();
        int head = 0, tail = 0;
        queue[tail++] = root;
        int Count(int node) => node < n ? 1 : counts[node - n];
        void FallOut(int top, int parent, double lambda)
        {
            sub.Enqueue(top);
            while (sub.Count > 0)
            {
                int s = sub.Dequeue();
                ignore[s] = true;
                if (s < n) tree.Add(parent, s, lambda, 1);
                else { sub.Enqueue(children[s - n].Left); sub.Enqueue(children[s - n].Right); }
            }
        }
        while (head < tail)
        {
            int node = queue[head++];
            if (node >= n) { queue[tail++] = children[node - n].Left; queue[tail++] = children[node - n].Right; }
            if (ignore[node] || node < n) continue;
            var (left, right) = children[node - n];
            double d = distances[node - n];
            double lambda = d > 0 ? 1 / d : double.PositiveInfinity;
            int lc = Count(left), rc = Count(right), parent = relabel[node];
            if (lc >= minClusterSize && rc >= minClusterSize)
            {
                relabel[left] = next++;
                tree.Add(parent, relabel[left], lambda, lc);
                relabel[right] = next++;
                tree.Add(parent, relabel[right], lambda, rc);
            }
            else if (lc < minClusterSize && rc < minClusterSize)
            {
                FallOut(left, parent, lambda);
                FallOut(right, parent, lambda);
            }
            else if (lc < minClusterSize)
            {
                relabel[right] = parent;
                FallOut(left, parent, lambda);
            }
            else
            {
                relabel[left] = parent;
                FallOut(right, parent, lambda);
            }
        }
        tree.ClusterCount = next - n;
        return tree;
    }

    // Stability of cluster c: sum over its rows of (lambda - lambda_birth(c)) * size.
    static double[] Stabilities(CondensedTree tree)
    {
        int n = tree.PointCount;
        var birth = new double[tree.ClusterCount];
        var stability = new double[tree.ClusterCount];
        for (int r = 0; r < tree.Parent.Count; r++)
            if (tree.Child[r] >= n) birth[tree.Child[r] - n] = tree.Lambda[r];
        for (int r = 0; r < tree.Parent.Count; r++)
        {
            int c = tree.Parent[r] - n;
            stability[c] += (tree.Lambda[r] - birth[c]) * tree.Size[r];
        }
        return stability;
    }

    // Selected clusters (condensed ids), by excess of mass or as the leaves of the cluster tree.
    static bool[] Select(CondensedTree tree, HdbscanSelection selection, bool allowSingle)
    {
        int n = tree.PointCount, m = tree.ClusterCount;
        var clusterChildren = new List<int>[m];
        for (int c = 0; c < m; c++) clusterChildren[c] = [];
        for (int r = 0; r < tree.Parent.Count; r++)
            if (tree.Child[r] >= n) clusterChildren[tree.Parent[r] - n].Add(tree.Child[r] - n);
        var selected = new bool[m];
        if (selection == HdbscanSelection.Leaf)
        {
            bool any = false;
            for (int c = 0; c < m; c++)
                if (clusterChildren[c].Count == 0 && (c != 0 || allowSingle)) { selected[c] = true; any = true; }
            // No split at all: the root stands alone (hdbscan's rule; labelled only when a single cluster is allowed).
            if (!any) selected[0] = true;
            return selected;
        }
        var stability = Stabilities(tree);
        // Children have higher ids than their parents: descending order settles children first.
        for (int c = m - 1; c >= (allowSingle ? 0 : 1); c--)
        {
            double subtree = 0;
            foreach (var child in clusterChildren[c]) subtree += stability[child];
            if (subtree > stability[c])
            {
                selected[c] = false;
                stability[c] = subtree;
            }
            else
            {
                selected[c] = true;
                var stack = new Stack<int>(clusterChildren[c]);
                while (stack.Count > 0)
                {
                    int s = stack.Pop();
                    selected[s] = false;
                    foreach (var g in clusterChildren[s]) stack.Push(g);
                }
            }
        }
        return selected;
    }

    // hdbscan's do_labelling and get_probabilities.
    static (int[] Labels, double[] Probabilities, int Count) Label(CondensedTree tree, bool[] selected, bool allowSingle)
    {
        int n = tree.PointCount, m = tree.ClusterCount, rows = tree.Parent.Count;
        var number = new int[m];
        int k = 0;
        for (int c = 0; c < m; c++) number[c] = selected[c] ? k++ : -1;

        // Nearest selected ancestor of every node (or the root), top-down: rows follow their parents.
        var owner = new int[n + m];
        owner[n] = n;
        var pointRow = new int[n];
        for (int r = 0; r < rows; r++)
        {
            int child = tree.Child[r];
            owner[child] = child >= n && selected[child - n] ? child : owner[tree.Parent[r]];
            if (child < n) pointRow[child] = r;
        }
        double rootMaxLambda = double.NegativeInfinity;
        var death = new double[m];
        for (int r = 0; r < rows; r++)
        {
            int c = tree.Parent[r] - n;
            death[c] = Math.Max(death[c], tree.Lambda[r]);
            if (c == 0) rootMaxLambda = Math.Max(rootMaxLambda, tree.Lambda[r]);
        }

        var labels = new int[n];
        var probabilities = new double[n];
        for (int i = 0; i < n; i++)
        {
            int c = owner[i] - n;
            double lambda = tree.Lambda[pointRow[i]];
            if (c == 0)
            {
                // The root counts only when it is the one cluster allowed, and then only for the
                // points that stay until its last split.
                bool keep = allowSingle && k == 1 && selected[0] && lambda >= rootMaxLambda;
                labels[i] = keep ? number[0] : -1;
            }
            else labels[i] = number[c];
            if (labels[i] < 0) continue;
            double max = death[c];
            probabilities[i] = max == 0 || !double.IsFinite(lambda) ? 1 : Math.Min(lambda, max) / max;
        }
        return (labels, probabilities, labels.Any(l => l >= 0) ? k : 0);
    }
}
