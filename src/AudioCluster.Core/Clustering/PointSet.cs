using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioCluster.Clustering;

/// <summary>Distance between two vectors, for the clustering methods that take one.</summary>
public enum ClusteringMetric
{
    /// <summary>Straight-line distance.</summary>
    Euclidean,
    /// <summary>
    /// 1 - cos(angle), in [0, 2]. A zero vector is at distance 1 from every other point and 0 from
    /// itself, as scikit-learn's cosine_distances.
    /// </summary>
    Cosine,
}

/// <summary>
/// The points of one fit, prepared for a metric, with blocked SIMD distance loops. Work is done
/// on "raw" values that order pairs as the distance does: the squared distance for Euclidean,
/// the distance itself for Cosine. Cosine rows are scaled to unit length so that
/// 1 - cos = ||u - v||^2 / 2 comes from differences: close pairs keep their precision.
/// </summary>
internal sealed class PointSet
{
    public readonly double[] X;
    public readonly int N, D;
    public readonly ClusteringMetric Metric;
    // Cosine only, null when no row is all zeros.
    readonly bool[]? _zero;

    PointSet(double[] x, int n, int d, ClusteringMetric metric, bool[]? zero)
    {
        X = x; N = n; D = d; Metric = metric; _zero = zero;
    }

    public static PointSet Create(DataMatrix data, ClusteringMetric metric)
    {
        if (metric == ClusteringMetric.Euclidean) return new PointSet(data.Data, data.Rows, data.Columns, metric, null);
        var unit = VectorPreprocessing.L2Normalize(data);
        bool[]? zero = null;
        for (int i = 0; i < data.Rows; i++)
        {
            if (!unit.Row(i).ContainsAnyExcept(0.0)) (zero ??= new bool[data.Rows])[i] = true;
        }
        return new PointSet(unit.Data, data.Rows, data.Columns, metric, zero);
    }

    public ReadOnlySpan<double> Row(int i) => new(X, i * D, D);

    public double ToDistance(double raw) => Metric == ClusteringMetric.Euclidean ? Math.Sqrt(raw) : raw;
    public double ToRaw(double distance) => Metric == ClusteringMetric.Euclidean ? distance * distance : distance;

    public double Raw(int i, int j)
    {
        double s = VectorKernels.SquaredDistance(Row(i), Row(j));
        if (Metric == ClusteringMetric.Euclidean) return s;
        if (_zero != null && (_zero[i] || _zero[j])) return i == j ? 0 : 1;
        return 0.5 * s;
    }

    /// <summary>Raw values of rows [i0, i0 + ni) against rows [j0, j0 + nj) into dst (ni x nj, row-major).</summary>
    public void RawTile(int i0, int ni, int j0, int nj, Span<double> dst)
    {
        // Columns in chunks that stay in cache while every row of the tile passes over them.
        const int Chunk = 32;
        for (int c0 = 0; c0 < nj; c0 += Chunk)
            RawTileChunk(i0, ni, j0, nj, c0, Math.Min(nj, c0 + Chunk), dst);
        if (Metric == ClusteringMetric.Euclidean) return;
        var tile = dst.Slice(0, ni * nj);
        for (int t = 0; t < tile.Length; t++) tile[t] *= 0.5;
        if (_zero == null) return;
        for (int a2 = 0; a2 < ni; a2++)
            for (int b = 0; b < nj; b++)
                if (_zero[i0 + a2] || _zero[j0 + b]) dst[a2 * nj + b] = i0 + a2 == j0 + b ? 0 : 1;
    }

    void RawTileChunk(int i0, int ni, int j0, int nj, int c0, int c1, Span<double> dst)
    {
        int d = D;
        var x = X;
        int a = 0;
        for (; a + 2 <= ni; a += 2)
        {
            var x0 = new ReadOnlySpan<double>(x, (i0 + a) * d, d);
            var x1 = new ReadOnlySpan<double>(x, (i0 + a + 1) * d, d);
            var out0 = dst.Slice(a * nj, nj);
            var out1 = dst.Slice((a + 1) * nj, nj);
            int b = c0;
            for (; b + 4 <= c1; b += 4)
            {
                int j = j0 + b;
                Squared2x4(x0, x1, new ReadOnlySpan<double>(x, j * d, d), new ReadOnlySpan<double>(x, (j + 1) * d, d),
                    new ReadOnlySpan<double>(x, (j + 2) * d, d), new ReadOnlySpan<double>(x, (j + 3) * d, d),
                    out0.Slice(b, 4), out1.Slice(b, 4));
            }
            for (; b < c1; b++)
            {
                var y = new ReadOnlySpan<double>(x, (j0 + b) * d, d);
                out0[b] = VectorKernels.SquaredDistance(x0, y);
                out1[b] = VectorKernels.SquaredDistance(x1, y);
            }
        }
        for (; a < ni; a++)
        {
            var xa = new ReadOnlySpan<double>(x, (i0 + a) * d, d);
            for (int b = c0; b < c1; b++) dst[a * nj + b] = VectorKernels.SquaredDistance(xa, new ReadOnlySpan<double>(x, (j0 + b) * d, d));
        }
    }

    /// <summary>Raw values from row i to rows js[0..] into dst.</summary>
    public void RawGather(int i, ReadOnlySpan<int> js, Span<double> dst)
    {
        int d = D;
        var x = X;
        var xi = Row(i);
        int b = 0;
        for (; b + 4 <= js.Length; b += 4)
        {
            Squared1x4(xi, new ReadOnlySpan<double>(x, js[b] * d, d), new ReadOnlySpan<double>(x, js[b + 1] * d, d),
                new ReadOnlySpan<double>(x, js[b + 2] * d, d), new ReadOnlySpan<double>(x, js[b + 3] * d, d), dst.Slice(b, 4));
        }
        for (; b < js.Length; b++) dst[b] = VectorKernels.SquaredDistance(xi, new ReadOnlySpan<double>(x, js[b] * d, d));
        if (Metric == ClusteringMetric.Euclidean) return;
        for (b = 0; b < js.Length; b++)
        {
            dst[b] *= 0.5;
            if (_zero != null && (_zero[i] || _zero[js[b]])) dst[b] = i == js[b] ? 0 : 1;
        }
    }

    /// <summary>
    /// For every point, the raw value to its k-th nearest neighbour counting the point itself
    /// (k = 1 gives 0), as scikit-learn's kneighbors(X) when X is passed again.
    /// </summary>
    public double[] KthNeighborRaw(int k, ParallelOptions po)
    {
        int n = N;
        var result = new double[n];
        const int Block = 16;
        int blocks = (n + Block - 1) / Block;
        Parallelism.For(blocks, (long)n * n * D, po, () => new double[Block * n], (blk, buf) =>
        {
            int i0 = blk * Block, ni = Math.Min(Block, n - i0);
            RawTile(i0, ni, 0, n, buf);
            for (int a = 0; a < ni; a++)
            {
                var row = buf.AsSpan(a * n, n);
                result[i0 + a] = k <= 32 ? Selection.NthSmall(row, k - 1) : Selection.Nth(row, k - 1);
            }
        });
        return result;
    }

    // Eight squared distances: two rows against four, each loaded once per chunk.
    static void Squared2x4(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1,
        ReadOnlySpan<double> y2, ReadOnlySpan<double> y3, Span<double> out0, Span<double> out1)
    {
        int n = x0.Length, i = 0, w = Vector<double>.Count;
        ref double ra = ref MemoryMarshal.GetReference(x0);
        ref double rb = ref MemoryMarshal.GetReference(x1);
        ref double r0 = ref MemoryMarshal.GetReference(y0);
        ref double r1 = ref MemoryMarshal.GetReference(y1);
        ref double r2 = ref MemoryMarshal.GetReference(y2);
        ref double r3 = ref MemoryMarshal.GetReference(y3);
        Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector<double> b0 = default, b1 = default, b2 = default, b3 = default;
        for (; i <= n - w; i += w)
        {
            var v0 = Vector.LoadUnsafe(ref r0, (nuint)i);
            var v1 = Vector.LoadUnsafe(ref r1, (nuint)i);
            var v2 = Vector.LoadUnsafe(ref r2, (nuint)i);
            var v3 = Vector.LoadUnsafe(ref r3, (nuint)i);
            var xa = Vector.LoadUnsafe(ref ra, (nuint)i);
            var t = xa - v0; a0 += t * t;
            t = xa - v1; a1 += t * t;
            t = xa - v2; a2 += t * t;
            t = xa - v3; a3 += t * t;
            var xb = Vector.LoadUnsafe(ref rb, (nuint)i);
            t = xb - v0; b0 += t * t;
            t = xb - v1; b1 += t * t;
            t = xb - v2; b2 += t * t;
            t = xb - v3; b3 += t * t;
        }
        double s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        double q0 = Vector.Sum(b0), q1 = Vector.Sum(b1), q2 = Vector.Sum(b2), q3 = Vector.Sum(b3);
        for (; i < n; i++)
        {
            double xa = Unsafe.Add(ref ra, i), xb = Unsafe.Add(ref rb, i);
            double y0i = Unsafe.Add(ref r0, i), y1i = Unsafe.Add(ref r1, i), y2i = Unsafe.Add(ref r2, i), y3i = Unsafe.Add(ref r3, i);
            s0 += (xa - y0i) * (xa - y0i); s1 += (xa - y1i) * (xa - y1i); s2 += (xa - y2i) * (xa - y2i); s3 += (xa - y3i) * (xa - y3i);
            q0 += (xb - y0i) * (xb - y0i); q1 += (xb - y1i) * (xb - y1i); q2 += (xb - y2i) * (xb - y2i); q3 += (xb - y3i) * (xb - y3i);
        }
        out0[0] = s0; out0[1] = s1; out0[2] = s2; out0[3] = s3;
        out1[0] = q0; out1[1] = q1; out1[2] = q2; out1[3] = q3;
    }

    static void Squared1x4(ReadOnlySpan<double> x, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1,
        ReadOnlySpan<double> y2, ReadOnlySpan<double> y3, Span<double> dst)
    {
        int n = x.Length, i = 0, w = Vector<double>.Count;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double r0 = ref MemoryMarshal.GetReference(y0);
        ref double r1 = ref MemoryMarshal.GetReference(y1);
        ref double r2 = ref MemoryMarshal.GetReference(y2);
        ref double r3 = ref MemoryMarshal.GetReference(y3);
        Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
        for (; i <= n - w; i += w)
        {
            var xv = Vector.LoadUnsafe(ref rx, (nuint)i);
            var t = xv - Vector.LoadUnsafe(ref r0, (nuint)i); a0 += t * t;
            t = xv - Vector.LoadUnsafe(ref r1, (nuint)i); a1 += t * t;
            t = xv - Vector.LoadUnsafe(ref r2, (nuint)i); a2 += t * t;
            t = xv - Vector.LoadUnsafe(ref r3, (nuint)i); a3 += t * t;
        }
        double s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref rx, i);
            double t0 = xi - Unsafe.Add(ref r0, i), t1 = xi - Unsafe.Add(ref r1, i), t2 = xi - Unsafe.Add(ref r2, i), t3 = xi - Unsafe.Add(ref r3, i);
            s0 += t0 * t0; s1 += t1 * t1; s2 += t2 * t2; s3 += t3 * t3;
        }
        dst[0] = s0; dst[1] = s1; dst[2] = s2; dst[3] = s3;
    }
}

/// <summary>Parameter checks and parallel loops shared by the clustering methods.</summary>
internal static class Parallelism
{
    // Below this many multiply-adds, threads cost more than they save.
    public const long ParallelWork = 200_000;

    public static ParallelOptions Options(int maxDegree, CancellationToken ct) =>
        new() { MaxDegreeOfParallelism = maxDegree, CancellationToken = ct };

    /// <summary>
    /// body(i, scratch) for i in [0, count), on all cores when the work is large. Each index is
    /// a fixed piece of work, so the split never depends on the thread count.
    /// </summary>
    public static void For<TLocal>(int count, long work, ParallelOptions po, Func<TLocal> scratch, Action<int, TLocal> body)
    {
        if (count <= 1 || po.MaxDegreeOfParallelism == 1 || work < ParallelWork)
        {
            var local = scratch();
            for (int i = 0; i < count; i++)
            {
                po.CancellationToken.ThrowIfCancellationRequested();
                body(i, local);
            }
            return;
        }
        Parallel.For(0, count, po, scratch, (i, _, local) => { body(i, local); return local; }, _ => { });
    }

    public static void CheckCommon(DataMatrix data, int maxDegree, string what)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows == 0) throw new ArgumentException($"{what} needs at least one point; the data is empty.", nameof(data));
        if (data.Columns == 0) throw new ArgumentException("The vectors have no dimensions.", nameof(data));
        if (maxDegree == 0 || maxDegree < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism must be -1 (all cores) or positive (got {maxDegree}).", "options");
    }

    public static void CheckMetric(ClusteringMetric metric)
    {
        if (!Enum.IsDefined(metric)) throw new ArgumentException($"Unknown Metric {metric}; use Euclidean or Cosine.", "options");
    }
}

/// <summary>Order statistics without a full sort.</summary>
internal static class Selection
{
    /// <summary>
    /// The k-th smallest value (0-based) for small k: the k + 1 smallest kept sorted in place at the
    /// front of v, so most values cost one comparison. v is overwritten.
    /// </summary>
    public static double NthSmall(Span<double> v, int k)
    {
        int m = k + 1;
        var front = v.Slice(0, m);
        front.Sort();
        for (int i = m; i < v.Length; i++)
        {
            double x = v[i];
            if (x >= front[k]) continue;
            int j = k;
            while (j > 0 && front[j - 1] > x) { front[j] = front[j - 1]; j--; }
            front[j] = x;
        }
        return front[k];
    }

    /// <summary>The k-th smallest value (0-based) of v; v is reordered.</summary>
    public static double Nth(Span<double> v, int k)
    {
        int lo = 0, hi = v.Length - 1;
        while (hi > lo)
        {
            // Median of three as pivot; Hoare partition.
            int mid = lo + (hi - lo) / 2;
            if (v[mid] < v[lo]) (v[mid], v[lo]) = (v[lo], v[mid]);
            if (v[hi] < v[lo]) (v[hi], v[lo]) = (v[lo], v[hi]);
            if (v[hi] < v[mid]) (v[hi], v[mid]) = (v[mid], v[hi]);
            double pivot = v[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (v[i] < pivot) i++;
                while (v[j] > pivot) j--;
                if (i <= j) { (v[i], v[j]) = (v[j], v[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return v[k];
        }
        return v[k];
    }
}
