using System.Numerics;
using System.Runtime.InteropServices;

namespace AudioCluster.Clustering;

/// <summary>How the distance between two clusters is measured when merging.</summary>
public enum Linkage
{
    /// <summary>Merge the pair that least increases the within-cluster variance (Euclidean only).</summary>
    Ward,
    /// <summary>Mean distance over all pairs of members.</summary>
    Average,
    /// <summary>Largest distance between members.</summary>
    Complete,
    /// <summary>Smallest distance between members.</summary>
    Single,
}

/// <summary>
/// Parameters of <see cref="Agglomerative"/>, as scikit-learn's AgglomerativeClustering: give
/// exactly one of ClusterCount (n_clusters) and DistanceThreshold (distance_threshold).
/// </summary>
public sealed record AgglomerativeOptions(
    int? ClusterCount = null,
    double? DistanceThreshold = null,
    Linkage Linkage = Linkage.Ward,
    ClusteringMetric Metric = ClusteringMetric.Euclidean)
{
    /// <summary>Threads for the distance work; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>
    /// Largest n x n distance matrix Ward, Average and Complete may allocate (default 4 GiB).
    /// Single linkage needs no matrix.
    /// </summary>
    public long MaxMatrixBytes { get; init; } = 4L << 30;
}

/// <summary>A cut of the merge tree, and the tree itself (scikit-learn's children_ and distances_).</summary>
public sealed class AgglomerativeResult
{
    internal AgglomerativeResult(int[] labels, int clusterCount, (int Left, int Right)[] children, double[] distances, int[] counts, bool singlePrecision)
    {
        Labels = labels; ClusterCount = clusterCount; Children = children; Distances = distances; Counts = counts;
        SinglePrecision = singlePrecision;
    }

    /// <summary>Cluster of every point, 0-based, numbered in order of each cluster's first point.</summary>
    public int[] Labels { get; }
    public int ClusterCount { get; }
    /// <summary>
    /// Merge i joins nodes Children[i] (points are 0..n-1; merge i creates node n + i), smaller
    /// id first. Merges are in ascending height order, as scipy's linkage.
    /// </summary>
    public (int Left, int Right)[] Children { get; }
    /// <summary>Height of each merge: the linkage distance between the two clusters it joins.</summary>
    public double[] Distances { get; }
    /// <summary>Number of points under the node each merge creates.</summary>
    public int[] Counts { get; }
    /// <summary>
    /// True when the distance matrix was held in float32 to fit memory (when float64 would take
    /// more than 1 GiB, over 11,585 points, or more than MaxMatrixBytes): heights then carry about
    /// 7 significant digits, and near-ties may merge in another order.
    /// </summary>
    public bool SinglePrecision { get; }
    public int PointCount => Labels.Length;

    /// <summary>Labels for another number of clusters from the same tree, without refitting.</summary>
    public int[] Cut(int clusterCount)
    {
        int n = PointCount;
        if (clusterCount < 1 || clusterCount > n)
            throw new ArgumentOutOfRangeException(nameof(clusterCount), clusterCount, $"The tree has {n} points: choose between 1 and {n} clusters.");
        return MergeTree.Cut(n, Children, n - clusterCount);
    }

    /// <summary>Clusters left when no merge at or above <paramref name="threshold"/> is made (scikit-learn's rule).</summary>
    public int ClusterCountAt(double threshold)
    {
        if (!(threshold >= 0) || double.IsInfinity(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a finite distance >= 0.");
        int count = 1;
        foreach (var h in Distances) if (h >= threshold) count++;
        return count;
    }
}

/// <summary>
/// Agglomerative clustering as scikit-learn 1.2's AgglomerativeClustering without connectivity
/// (which calls scipy's linkage): the same merge heights and the same partition.
/// Ward, Average and Complete run the nearest-neighbour chain on a full n x n distance matrix
/// with Lance-Williams updates, O(n^2) time and memory. The full square (rather than scipy's
/// condensed triangle) keeps every row contiguous, so the neighbour search and the update are
/// SIMD passes over memory in order; it is float64 up to 11,585 points (1 GiB) and float32
/// above, which halves the memory of large fits. Single linkage is Prim's minimum spanning tree,
/// O(n^2) time, O(n) memory.
/// </summary>
public static class Agglomerative
{
    // Largest matrix kept in float64; beyond it float32 halves the memory and the traffic.
    const long DoubleMatrixBytes = 1L << 30;

    public static AgglomerativeResult Fit(DataMatrix data, AgglomerativeOptions options, CancellationToken cancellationToken = default)
    {
        bool useDouble = Validate(data, options);
        int n = data.Rows;
        var po = Parallelism.Options(options.MaxDegreeOfParallelism, cancellationToken);
        var points = PointSet.Create(data, options.Metric);

        int[] a, b;
        double[] h;
        if (options.Linkage == Linkage.Single)
        {
            var mst = SpanningTree.Prim(points, null, po);
            a = mst.From; b = mst.To; h = mst.Weight;
            for (int i = 0; i < h.Length; i++) h[i] = points.ToDistance(h[i]);
        }
        else if (useDouble) (a, b, h) = NearestNeighbourChain<double>(points, options.Linkage, po);
        else (a, b, h) = NearestNeighbourChain<float>(points, options.Linkage, po);

        var (children, distances, counts) = MergeTree.Build(n, a, b, h);
        int k = options.ClusterCount ?? 1 + distances.Count(v => v >= options.DistanceThreshold!.Value);
        var labels = MergeTree.Cut(n, children, n - k);
        return new AgglomerativeResult(labels, k, children, distances, counts, options.Linkage != Linkage.Single && !useDouble);
    }

    // Returns true when the distance matrix can be float64.
    static bool Validate(DataMatrix data, AgglomerativeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Parallelism.CheckCommon(data, options.MaxDegreeOfParallelism, "Agglomerative clustering");
        int n = data.Rows;
        if (!Enum.IsDefined(options.Linkage)) throw new ArgumentException($"Unknown Linkage {options.Linkage}; use Ward, Average, Complete or Single.", nameof(options));
        Parallelism.CheckMetric(options.Metric);
        if (options.Linkage == Linkage.Ward && options.Metric != ClusteringMetric.Euclidean)
            throw new ArgumentException($"Ward linkage works only with the Euclidean metric (got {options.Metric}); use Average, Complete or Single with {options.Metric}, or L2-normalize the vectors and use Ward.", nameof(options));
        if (options.ClusterCount is null == options.DistanceThreshold is null)
            throw new ArgumentException("Give exactly one of ClusterCount and DistanceThreshold" +
                (options.ClusterCount is null ? " (neither is set)." : " (both are set)."), nameof(options));
        if (options.ClusterCount is int k)
        {
            if (k < 1) throw new ArgumentException($"ClusterCount must be at least 1 (got {k}).", nameof(options));
            if (k > n) throw new ArgumentException($"ClusterCount={k} is more than the {n} points.", nameof(options));
        }
        if (options.DistanceThreshold is double t && (!(t >= 0) || double.IsInfinity(t)))
            throw new ArgumentException($"DistanceThreshold must be a finite distance >= 0 (got {t}).", nameof(options));
        if (options.MaxMatrixBytes <= 0) throw new ArgumentException($"MaxMatrixBytes must be positive (got {options.MaxMatrixBytes}).", nameof(options));
        KMeans.CheckFinite(data, nameof(data));
        if (options.Linkage == Linkage.Single) return true;

        long cells = (long)n * n;
        if (cells * 8 <= Math.Min(DoubleMatrixBytes, options.MaxMatrixBytes)) return true;
        if (cells * 4 > options.MaxMatrixBytes)
        {
            long fit = (long)Math.Sqrt(options.MaxMatrixBytes / 4);
            throw new ArgumentException(
                $"{options.Linkage} linkage on {n} points needs a {n} x {n} distance matrix ({cells * 4 / (double)(1L << 30):F2} GiB as float32), " +
                $"more than MaxMatrixBytes ({options.MaxMatrixBytes / (double)(1L << 30):F2} GiB): at most {fit} points fit. " +
                "Use Single linkage (no matrix), fewer points, or a larger MaxMatrixBytes.", nameof(options));
        }
        return false;
    }

    /// <summary>
    /// scipy's nn_chain: follow nearest neighbours until two clusters are each other's nearest
    /// (ties go to the previous chain element, then to the lowest index), merge them into the
    /// higher slot, update its distances by Lance-Williams. Merged-away slots are masked by a
    /// +inf penalty rather than erased, so every search and update is a plain pass over a row.
    /// </summary>
    static (int[] A, int[] B, double[] H) NearestNeighbourChain<T>(PointSet p, Linkage linkage, ParallelOptions po)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = p.N;
        using var m = new SquareMatrix<T>(n);
        FillMatrix(p, m, po);

        var size = new T[n];
        size.AsSpan().Fill(T.One);
        // 0 for active slots, +inf for merged-away ones: added to a row before its minimum is taken.
        var penalty = new T[n];
        var slotHeight = new double[n];
        var active = new int[n];
        var where = new int[n];
        for (int i = 0; i < n; i++) active[i] = where[i] = i;
        int activeCount = n;
        var chain = new int[n];
        int len = 0, lowest = 0;
        var ra = new int[Math.Max(0, n - 1)];
        var rb = new int[ra.Length];
        var rh = new double[ra.Length];
        var ct = po.CancellationToken;
        for (int k = 0; k < n - 1; k++)
        {
            if ((k & 127) == 0) ct.ThrowIfCancellationRequested();
            if (len == 0)
            {
                while (size[lowest] == T.Zero) lowest++;
                chain[len++] = lowest;
            }
            int x, y;
            T dxy;
            while (true)
            {
                x = chain[len - 1];
                var row = m.Row(x);
                int nearest = ArgMin<T>(row, penalty, out var dmin);
                if (len > 1 && row[chain[len - 2]] <= dmin)
                {
                    y = chain[len - 2];
                    dxy = row[y];
                    break;
                }
                chain[len++] = nearest;
            }
            len -= 2;
            if (x > y) (x, y) = (y, x);
            T nx = size[x], ny = size[y];
            // Heights never decrease along a branch (rounding could make them, and the sort
            // by height must keep a merge after the merges it depends on).
            double height = Math.Max(double.CreateTruncating(dxy), Math.Max(slotHeight[x], slotHeight[y]));
            ra[k] = x; rb[k] = y; rh[k] = height;
            slotHeight[y] = height;
            size[x] = T.Zero;
            size[y] = nx + ny;
            penalty[x] = T.PositiveInfinity;

            var rowY = m.Row(y);
            UpdateRow(linkage, m.Row(x), rowY, size, dxy, nx, ny);
            // Keep the matrix symmetric for the active slots (the strided half of the work).
            int px = where[x], last = active[--activeCount];
            active[px] = last;
            where[last] = px;
            for (int t = 0; t < activeCount; t++)
            {
                int i = active[t];
                if (i != y) m[i, y] = rowY[i];
            }
        }
        return (ra, rb, rh);
    }

    /// <summary>
    /// An n x n matrix in native memory, asked for on 2 MiB pages where Linux allows it: the
    /// column writes of the chain touch one page per row, and small pages would miss the TLB each time.
    /// </summary>
    sealed unsafe class SquareMatrix<T> : IDisposable where T : unmanaged
    {
        const nuint HugePage = 2 << 20;
        T* _p;
        readonly int _n;

        public SquareMatrix(int n)
        {
            _n = n;
            nuint bytes = (nuint)n * (nuint)n * (nuint)sizeof(T);
            _p = (T*)NativeMemory.AlignedAlloc(Math.Max(bytes, 1), HugePage);
            if (OperatingSystem.IsLinux() && bytes >= HugePage)
            {
                try { _ = HugePages.madvise(_p, bytes, 14 /* MADV_HUGEPAGE */); }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
            }
        }

        public Span<T> Row(int i) => new(_p + (long)i * _n, _n);
        public ref T this[int i, int j] => ref _p[(long)i * _n + j];

        public void Dispose()
        {
            if (_p != null) NativeMemory.AlignedFree(_p);
            _p = null;
        }
    }

    static unsafe class HugePages
    {
        [DllImport("libc", EntryPoint = "madvise")]
        internal static extern int madvise(void* address, nuint length, int advice);
    }

    // Distances of all pairs, mirrored; +inf on the diagonal so that a row's minimum is a neighbour.
    static void FillMatrix<T>(PointSet p, SquareMatrix<T> m, ParallelOptions po) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        const int Block = 64;
        int n = p.N;
        int blocks = (n + Block - 1) / Block;
        Parallelism.For(blocks, (long)n * n * p.D / 2, po, () => new double[Block * Block], (bi, tile) =>
        {
            int i0 = bi * Block, ni = Math.Min(Block, n - i0);
            for (int j0 = i0; j0 < n; j0 += Block)
            {
                int nj = Math.Min(Block, n - j0);
                p.RawTile(i0, ni, j0, nj, tile);
                for (int a = 0; a < ni; a++)
                {
                    var dst = m.Row(i0 + a).Slice(j0, nj);
                    for (int b = 0; b < nj; b++) dst[b] = T.CreateTruncating(p.ToDistance(tile[a * nj + b]));
                }
                // Mirror: row j0 + b of the matrix takes column b of the tile.
                for (int b = 0; b < nj; b++)
                {
                    var dst = m.Row(j0 + b).Slice(i0, ni);
                    for (int a = 0; a < ni; a++) dst[a] = m[i0 + a, j0 + b];
                }
            }
            for (int a = 0; a < ni; a++) m[i0 + a, i0 + a] = T.PositiveInfinity;
        });
    }

    /// <summary>First index of the smallest row[i] + penalty[i].</summary>
    internal static int ArgMin<T>(ReadOnlySpan<T> row, ReadOnlySpan<T> penalty, out T min) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = row.Length, w = Vector<T>.Count, i = 0;
        ref T r = ref MemoryMarshal.GetReference(row);
        ref T q = ref MemoryMarshal.GetReference(penalty);
        var vm = new Vector<T>(T.PositiveInfinity);
        for (; i <= n - w; i += w) vm = Vector.Min(vm, Vector.LoadUnsafe(ref r, (nuint)i) + Vector.LoadUnsafe(ref q, (nuint)i));
        T best = T.PositiveInfinity;
        for (int l = 0; l < w; l++) if (vm[l] < best) best = vm[l];
        for (; i < n; i++) if (row[i] + penalty[i] < best) best = row[i] + penalty[i];
        min = best;
        var target = new Vector<T>(best);
        for (i = 0; i <= n - w; i += w)
        {
            if (Vector.EqualsAny(Vector.LoadUnsafe(ref r, (nuint)i) + Vector.LoadUnsafe(ref q, (nuint)i), target))
                for (int l = i; ; l++) if (row[l] + penalty[l] == best) return l;
        }
        for (; i < n; i++) if (row[i] + penalty[i] == best) return i;
        return -1;
    }

    /// <summary>
    /// Lance-Williams: rowY becomes the distances of the merged cluster, from x's and y's rows,
    /// in scipy's operation order. The diagonal (+inf) stays +inf; entries of merged-away slots
    /// become meaningless (they are masked) but never NaN.
    /// </summary>
    static void UpdateRow<T>(Linkage linkage, ReadOnlySpan<T> rowX, Span<T> rowY, ReadOnlySpan<T> size, T dxy, T nx, T ny)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = rowY.Length, w = Vector<T>.Count, i = 0;
        ref T rx = ref MemoryMarshal.GetReference(rowX);
        ref T ry = ref MemoryMarshal.GetReference(rowY);
        ref T rs = ref MemoryMarshal.GetReference(size);
        switch (linkage)
        {
            case Linkage.Complete:
                for (; i <= n - w; i += w)
                    Vector.Max(Vector.LoadUnsafe(ref rx, (nuint)i), Vector.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
                for (; i < n; i++) rowY[i] = T.Max(rowX[i], rowY[i]);
                break;
            case Linkage.Average:
            {
                T sum = nx + ny;
                var vx = new Vector<T>(nx);
                var vy = new Vector<T>(ny);
                var vs = new Vector<T>(sum);
                for (; i <= n - w; i += w)
                    ((vx * Vector.LoadUnsafe(ref rx, (nuint)i) + vy * Vector.LoadUnsafe(ref ry, (nuint)i)) / vs).StoreUnsafe(ref ry, (nuint)i);
                for (; i < n; i++) rowY[i] = (nx * rowX[i] + ny * rowY[i]) / sum;
                break;
            }
            case Linkage.Ward:
            {
                // sqrt(((si + nx) t dxi^2 + (si + ny) t dyi^2 - si t dxy^2)), t = 1 / (nx + ny + si).
                T sum = nx + ny;
                var vx = new Vector<T>(nx);
                var vy = new Vector<T>(ny);
                var vs = new Vector<T>(sum);
                var vd = new Vector<T>(dxy);
                var one = Vector<T>.One;
                for (; i <= n - w; i += w)
                {
                    var si = Vector.LoadUnsafe(ref rs, (nuint)i);
                    var dx = Vector.LoadUnsafe(ref rx, (nuint)i);
                    var dy = Vector.LoadUnsafe(ref ry, (nuint)i);
                    var t = one / (vs + si);
                    var v = (si + vx) * t * dx * dx + (si + vy) * t * dy * dy - si * t * vd * vd;
                    Vector.SquareRoot(Vector.Max(v, Vector<T>.Zero)).StoreUnsafe(ref ry, (nuint)i);
                }
                for (; i < n; i++)
                {
                    T si = size[i], dx = rowX[i], dy = rowY[i];
                    T t = T.One / (sum + si);
                    T v = (si + nx) * t * dx * dx + (si + ny) * t * dy * dy - si * t * dxy * dxy;
                    rowY[i] = T.Sqrt(T.Max(v, T.Zero));
                }
                break;
            }
            default:
                throw new InvalidOperationException($"No Lance-Williams update for {linkage}.");
        }
    }
}
