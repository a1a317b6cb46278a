using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioCluster.Clustering;

/// <summary>Blocked pairwise-distance loops shared by silhouette, kNN graphs and mixtures.</summary>
internal static class PairwiseKernels
{
    // Rows per task: the split is fixed, so results never depend on the thread count.
    public const int RowChunk = 64;
    // Rows of the other operand kept hot in cache while a chunk of rows is compared with them.
    public const int ColumnBlock = 128;
    // Below this many multiply-adds, threads cost more than they save.
    const long ParallelWork = 200_000;

    /// <summary>Squared Euclidean distances of x to four rows at once (x is loaded once for four).</summary>
    public static void SquaredDistance4(ReadOnlySpan<double> x, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1,
        ReadOnlySpan<double> y2, ReadOnlySpan<double> y3, out double d0, out double d1, out double d2, out double d3)
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
            var t0 = xv - Vector.LoadUnsafe(ref r0, (nuint)i);
            var t1 = xv - Vector.LoadUnsafe(ref r1, (nuint)i);
            var t2 = xv - Vector.LoadUnsafe(ref r2, (nuint)i);
            var t3 = xv - Vector.LoadUnsafe(ref r3, (nuint)i);
            a0 += t0 * t0; a1 += t1 * t1; a2 += t2 * t2; a3 += t3 * t3;
        }
        d0 = Vector.Sum(a0); d1 = Vector.Sum(a1); d2 = Vector.Sum(a2); d3 = Vector.Sum(a3);
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref rx, i);
            double t0 = xi - Unsafe.Add(ref r0, i), t1 = xi - Unsafe.Add(ref r1, i);
            double t2 = xi - Unsafe.Add(ref r2, i), t3 = xi - Unsafe.Add(ref r3, i);
            d0 += t0 * t0; d1 += t1 * t1; d2 += t2 * t2; d3 += t3 * t3;
        }
    }

    /// <summary>
    /// Calls <paramref name="visit"/>(i, j, squared distance) for every row i in [start, end) and
    /// every row j of <paramref name="x"/>, j ascending for each i, tiled so that a block of rows
    /// stays in cache while a chunk of rows is compared with it.
    /// </summary>
    public static void ForEachPair<TVisitor>(DataMatrix x, int start, int end, ref TVisitor visit)
        where TVisitor : struct, IPairVisitor
    {
        int n = x.Rows, d = x.Columns;
        var data = x.Data;
        for (int j0 = 0; j0 < n; j0 += ColumnBlock)
        {
            int j1 = Math.Min(n, j0 + ColumnBlock);
            for (int i = start; i < end; i++)
            {
                var xi = new ReadOnlySpan<double>(data, i * d, d);
                int j = j0;
                for (; j + 4 <= j1; j += 4)
                {
                    SquaredDistance4(xi, new ReadOnlySpan<double>(data, j * d, d), new ReadOnlySpan<double>(data, (j + 1) * d, d),
                        new ReadOnlySpan<double>(data, (j + 2) * d, d), new ReadOnlySpan<double>(data, (j + 3) * d, d),
                        out var s0, out var s1, out var s2, out var s3);
                    visit.Visit(i, j, s0); visit.Visit(i, j + 1, s1); visit.Visit(i, j + 2, s2); visit.Visit(i, j + 3, s3);
                }
                for (; j < j1; j++)
                    visit.Visit(i, j, VectorKernels.SquaredDistance(xi, new ReadOnlySpan<double>(data, j * d, d)));
            }
        }
    }

    /// <summary>Runs body over fixed chunks of rows, in parallel when the work pays for threads.</summary>
    public static void ForChunks(int n, int chunk, long work, ParallelOptions po, Action<int, int> body)
    {
        int chunks = (n + chunk - 1) / chunk;
        if (chunks <= 1 || po.MaxDegreeOfParallelism == 1 || work < ParallelWork)
        {
            for (int c = 0; c < chunks; c++)
            {
                po.CancellationToken.ThrowIfCancellationRequested();
                body(c * chunk, Math.Min(n, (c + 1) * chunk));
            }
            return;
        }
        Parallel.For(0, chunks, po, c => body(c * chunk, Math.Min(n, (c + 1) * chunk)));
    }
}

/// <summary>Receives pairwise squared distances from <see cref="PairwiseKernels.ForEachPair"/>.</summary>
internal interface IPairVisitor
{
    void Visit(int i, int j, double squaredDistance);
}
