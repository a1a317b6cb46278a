namespace AudioCluster.Metrics;

/// <summary>
/// Counts of points per (class, cluster) pair: rows are classes (true labels), columns are
/// clusters, both in sorted id order. Only classes and clusters that occur are present.
/// </summary>
public class ContingencyTable
{
    readonly int[,] _counts;

    /// <summary>Wraps a count matrix (classes x clusters). Empty rows or columns are not allowed.</summary>
    public ContingencyTable(int[,] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int r = counts.GetLength(0), c = counts.GetLength(1);
        if (r == 0 || c == 0) throw new ArgumentException("A contingency table needs at least one class and one cluster.", nameof(counts));
        _counts = (int[,])counts.Clone();
        ClassSizes = new int[r];
        ClusterSizes = new int[c];
        long n = 0;
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
            {
                int v = _counts[i, j];
                if (v < 0) throw new ArgumentException($"Count [{i},{j}] is negative.", nameof(counts));
                ClassSizes[i] += v;
                ClusterSizes[j] += v;
                n += v;
            }
        if (n > int.MaxValue) throw new ArgumentException("Too many points for a contingency table.", nameof(counts));
        for (int i = 0; i < r; i++)
            if (ClassSizes[i] == 0) throw new ArgumentException($"Class row {i} is empty.", nameof(counts));
        for (int j = 0; j < c; j++)
            if (ClusterSizes[j] == 0) throw new ArgumentException($"Cluster column {j} is empty.", nameof(counts));
        N = (int)n;
    }

    public int ClassCount => _counts.GetLength(0);
    public int ClusterCount => _counts.GetLength(1);
    /// <summary>Number of points.</summary>
    public int N { get; }
    /// <summary>Row sums: points per class.</summary>
    public int[] ClassSizes { get; }
    /// <summary>Column sums: points per cluster.</summary>
    public int[] ClusterSizes { get; }

    public int this[int classIndex, int clusterIndex] => _counts[classIndex, clusterIndex];

    /// <summary>A copy of the counts (classes x clusters).</summary>
    public int[,] ToArray() => (int[,])_counts.Clone();

    /// <summary>
    /// Builds the table of two equal-length labelings. Ids are sorted with <paramref name="comparer"/>
    /// (for strings the default is <see cref="LabelComparer"/>: integers by value, then ordinal).
    /// </summary>
    public static ContingencyTable<T> Create<T>(IReadOnlyList<T> classes, IReadOnlyList<T> clusters, IComparer<T>? comparer = null)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(clusters);
        if (classes.Count != clusters.Count)
            throw new ArgumentException($"The labels ({classes.Count}) and the cluster assignments ({clusters.Count}) must have the same length.", nameof(clusters));
        if (classes.Count == 0)
            throw new ArgumentException("At least one labelled point is needed; the input is empty.", nameof(classes));
        comparer ??= typeof(T) == typeof(string) ? (IComparer<T>)(object)LabelComparer.Instance : Comparer<T>.Default;

        var classIds = SortedIds(classes, comparer, "labels");
        var clusterIds = SortedIds(clusters, comparer, "cluster assignments");
        var classIndex = IndexOf(classIds);
        var clusterIndex = IndexOf(clusterIds);
        var counts = new int[classIds.Length, clusterIds.Length];
        for (int i = 0; i < classes.Count; i++)
            counts[classIndex[classes[i]], clusterIndex[clusters[i]]]++;
        return new ContingencyTable<T>(counts, classIds, clusterIds);
    }

    static T[] SortedIds<T>(IReadOnlyList<T> values, IComparer<T> comparer, string what) where T : notnull
    {
        var set = new HashSet<T>();
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] is null) throw new ArgumentException($"The {what} contain a null at position {i}; every point needs an id.");
            set.Add(values[i]);
        }
        var ids = set.ToArray();
        Array.Sort(ids, comparer);
        return ids;
    }

    static Dictionary<T, int> IndexOf<T>(T[] ids) where T : notnull
    {
        var d = new Dictionary<T, int>(ids.Length);
        for (int i = 0; i < ids.Length; i++) d[ids[i]] = i;
        return d;
    }
}

/// <summary>A contingency table that knows the class and cluster ids of its rows and columns.</summary>
public sealed class ContingencyTable<T> : ContingencyTable where T : notnull
{
    internal ContingencyTable(int[,] counts, T[] classIds, T[] clusterIds) : base(counts)
    {
        ClassIds = classIds;
        ClusterIds = clusterIds;
    }

    /// <summary>Row ids, sorted.</summary>
    public IReadOnlyList<T> ClassIds { get; }
    /// <summary>Column ids, sorted.</summary>
    public IReadOnlyList<T> ClusterIds { get; }

    /// <summary>Column index of a cluster id, or -1 when it does not occur.</summary>
    public int ClusterIndex(T id)
    {
        for (int j = 0; j < ClusterIds.Count; j++)
            if (EqualityComparer<T>.Default.Equals(ClusterIds[j], id)) return j;
        return -1;
    }
}
