namespace AudioCluster.Metrics;

/// <summary>One non-empty cell of a contingency table.</summary>
public readonly record struct ContingencyCell(int Class, int Cluster, int Count);

/// <summary>
/// Counts of points per (class, cluster) pair: rows are classes (true labels), columns are
/// clusters, both in sorted id order. Only classes and clusters that occur are present.
/// Stored sparsely (non-empty cells only), so thousands of singleton labels stay cheap.
/// </summary>
public class ContingencyTable
{
    readonly ContingencyCell[] _cells;   // row-major order
    readonly int[] _rowStart;            // cells of row i: [_rowStart[i], _rowStart[i + 1])

    /// <summary>Wraps a dense count matrix (classes x clusters). Empty rows or columns are not allowed.</summary>
    public ContingencyTable(int[,] counts) : this(Sparse(counts), counts.GetLength(0), counts.GetLength(1)) { }

    // cells: row-major, no zero counts, no duplicates.
    private protected ContingencyTable(ContingencyCell[] cells, int classCount, int clusterCount)
    {
        if (classCount == 0 || clusterCount == 0)
            throw new ArgumentException("A contingency table needs at least one class and one cluster.");
        _cells = cells;
        _rowStart = new int[classCount + 1];
        ClassSizes = new int[classCount];
        ClusterSizes = new int[clusterCount];
        long n = 0;
        foreach (var c in cells)
        {
            _rowStart[c.Class + 1]++;
            ClassSizes[c.Class] += c.Count;
            ClusterSizes[c.Cluster] += c.Count;
            n += c.Count;
        }
        for (int i = 0; i < classCount; i++) _rowStart[i + 1] += _rowStart[i];
        if (n > int.MaxValue) throw new ArgumentException("Too many points for a contingency table.");
        for (int i = 0; i < classCount; i++)
            if (ClassSizes[i] == 0) throw new ArgumentException($"Class row {i} is empty.");
        for (int j = 0; j < clusterCount; j++)
            if (ClusterSizes[j] == 0) throw new ArgumentException($"Cluster column {j} is empty.");
        N = (int)n;
    }

    public int ClassCount => ClassSizes.Length;
    public int ClusterCount => ClusterSizes.Length;
    /// <summary>Number of points.</summary>
    public int N { get; }
    /// <summary>Row sums: points per class.</summary>
    public int[] ClassSizes { get; }
    /// <summary>Column sums: points per cluster.</summary>
    public int[] ClusterSizes { get; }
    /// <summary>The non-empty cells, row by row, columns ascending within a row.</summary>
    public ReadOnlySpan<ContingencyCell> Cells => _cells;

    /// <summary>The non-empty cells of one class row.</summary>
    public ReadOnlySpan<ContingencyCell> RowCells(int classIndex)
    {
        if ((uint)classIndex >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(classIndex));
        return _cells.AsSpan(_rowStart[classIndex], _rowStart[classIndex + 1] - _rowStart[classIndex]);
    }

    public int this[int classIndex, int clusterIndex]
    {
        get
        {
            if ((uint)classIndex >= (uint)ClassCount) throw new ArgumentOutOfRangeException(nameof(classIndex));
            if ((uint)clusterIndex >= (uint)ClusterCount) throw new ArgumentOutOfRangeException(nameof(clusterIndex));
            int lo = _rowStart[classIndex], hi = _rowStart[classIndex + 1] - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                int c = _cells[mid].Cluster;
                if (c == clusterIndex) return _cells[mid].Count;
                if (c < clusterIndex) lo = mid + 1; else hi = mid - 1;
            }
            return 0;
        }
    }

    /// <summary>The counts as a dense matrix (classes x clusters).</summary>
    public int[,] ToArray()
    {
        var a = new int[ClassCount, ClusterCount];
        foreach (var c in _cells) a[c.Class, c.Cluster] = c.Count;
        return a;
    }

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

        var classCodes = Encode(classes, comparer, "labels", out var classIds);
        var clusterCodes = Encode(clusters, comparer, "cluster assignments", out var clusterIds);
        return new ContingencyTable<T>(CountCells(classCodes, clusterCodes, classIds.Length, clusterIds.Length), classIds, clusterIds);
    }

    // Points per parallel work item when counting.
    const int Block = 1 << 18;

    /// <summary>Non-zero cells in row-major order from per-point row and column indices.</summary>
    static ContingencyCell[] CountCells(int[] rows, int[] columns, int rowCount, int columnCount)
    {
        var cells = new List<ContingencyCell>();
        long size = (long)rowCount * columnCount;
        if (size <= Math.Max(1 << 20, 2L * rows.Length))
        {
            // Small enough to count densely: no sort; blocks of points counted in parallel.
            var counts = new int[size];
            var gate = new object();
            Parallel.For(0, (rows.Length + Block - 1) / Block, () => new int[size], (b, _, local) =>
            {
                int end = Math.Min(rows.Length, (b + 1) * Block);
                for (int i = b * Block; i < end; i++) local[(long)rows[i] * columnCount + columns[i]]++;
                return local;
            }, local => { lock (gate) for (long k = 0; k < size; k++) counts[k] += local[k]; });
            for (long k = 0; k < size; k++)
                if (counts[k] > 0) cells.Add(new ContingencyCell((int)(k / columnCount), (int)(k % columnCount), counts[k]));
            return cells.ToArray();
        }
        // Sort the (row, column) keys of all points and count runs: no dense matrix.
        var keys = new long[rows.Length];
        for (int i = 0; i < keys.Length; i++) keys[i] = (long)rows[i] * columnCount + columns[i];
        Array.Sort(keys);
        for (int s = 0; s < keys.Length;)
        {
            int e = s;
            while (e < keys.Length && keys[e] == keys[s]) e++;
            cells.Add(new ContingencyCell((int)(keys[s] / columnCount), (int)(keys[s] % columnCount), e - s));
            s = e;
        }
        return cells.ToArray();
    }

    /// <summary>Index of each value among the sorted distinct values (<paramref name="ids"/>).</summary>
    static int[] Encode<T>(IReadOnlyList<T> values, IComparer<T> comparer, string what, out T[] ids) where T : notnull
    {
        if (values is IReadOnlyList<int> ints && ReferenceEquals(comparer, Comparer<int>.Default) && TryEncodeDense(ints, out var denseCodes, out var intIds))
        {
            ids = (T[])(object)intIds;
            return denseCodes;
        }
        // One dictionary lookup per value gives first-seen codes; ranking the few distinct ids
        // then turns them into sorted order.
        var firstSeen = new Dictionary<T, int>();
        var distinct = new List<T>();
        var codes = new int[values.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            var v = values[i];
            if (v is null) throw new ArgumentException($"The {what} contain a null at position {i}; every point needs an id.");
            if (!firstSeen.TryGetValue(v, out int code))
            {
                code = distinct.Count;
                firstSeen.Add(v, code);
                distinct.Add(v);
            }
            codes[i] = code;
        }
        ids = distinct.ToArray();
        var order = Enumerable.Range(0, ids.Length).ToArray();
        Array.Sort(ids, order, comparer);
        var rank = new int[ids.Length];
        for (int r = 0; r < order.Length; r++) rank[order[r]] = r;
        for (int i = 0; i < codes.Length; i++) codes[i] = rank[codes[i]];
        return codes;
    }

    /// <summary>Integer ids within a modest range: a lookup table instead of hashing.</summary>
    static bool TryEncodeDense(IReadOnlyList<int> values, out int[] codes, out int[] ids)
    {
        codes = Array.Empty<int>();
        ids = Array.Empty<int>();
        int min = int.MaxValue, max = int.MinValue;
        var gate = new object();
        Parallel.For(0, (values.Count + Block - 1) / Block, () => (Min: int.MaxValue, Max: int.MinValue), (b, _, local) =>
        {
            int end = Math.Min(values.Count, (b + 1) * Block);
            for (int i = b * Block; i < end; i++) local = (Math.Min(local.Min, values[i]), Math.Max(local.Max, values[i]));
            return local;
        }, local => { lock (gate) { min = Math.Min(min, local.Min); max = Math.Max(max, local.Max); } });
        long range = (long)max - min + 1;
        if (range > Math.Max(1 << 16, 4L * values.Count)) return false;
        var map = new int[range];
        Parallel.For(0, (values.Count + Block - 1) / Block, b =>
        {
            int end = Math.Min(values.Count, (b + 1) * Block);
            for (int i = b * Block; i < end; i++) map[values[i] - min] = 1;   // same value from any thread
        });
        int next = 0;
        var present = new List<int>();
        for (int k = 0; k < map.Length; k++)
        {
            if (map[k] == 0) { map[k] = -1; continue; }
            map[k] = next++;
            present.Add(min + k);
        }
        ids = present.ToArray();
        var result = codes = new int[values.Count];
        Parallel.For(0, (values.Count + Block - 1) / Block, b =>
        {
            int end = Math.Min(values.Count, (b + 1) * Block);
            for (int i = b * Block; i < end; i++) result[i] = map[values[i] - min];
        });
        return true;
    }

    static ContingencyCell[] Sparse(int[,] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var cells = new List<ContingencyCell>();
        for (int i = 0; i < counts.GetLength(0); i++)
            for (int j = 0; j < counts.GetLength(1); j++)
            {
                int v = counts[i, j];
                if (v < 0) throw new ArgumentException($"Count [{i},{j}] is negative.", nameof(counts));
                if (v > 0) cells.Add(new ContingencyCell(i, j, v));
            }
        return cells.ToArray();
    }

}

/// <summary>A contingency table that knows the class and cluster ids of its rows and columns.</summary>
public sealed class ContingencyTable<T> : ContingencyTable where T : notnull
{
    internal ContingencyTable(ContingencyCell[] cells, T[] classIds, T[] clusterIds) : base(cells, classIds.Length, clusterIds.Length)
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
