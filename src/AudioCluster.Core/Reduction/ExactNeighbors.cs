using AudioCluster.Clustering;

namespace AudioCluster.Reduction;

/// <summary>
/// Brute-force k nearest neighbours (SIMD distances, queries in blocks so that the reference rows
/// are read from memory once per block). Each point's list excludes the point itself and is sorted
/// by distance, ties by index, so the result is exact and does not depend on the thread count.
/// </summary>
internal static class ExactNeighbors
{
    const int Block = 16;

    /// <summary>
    /// Squared Euclidean distances, or cosine distances (1 - cosine similarity; an all-zero vector is
    /// at distance 1 from everything) when <paramref name="cosine"/> is set. Row i of the n x k results
    /// lists i's neighbours.
    /// </summary>
    public static (int[] Indices, double[] Distances) Find(DataMatrix x, int k, bool cosine, ParallelOptions po)
    {
        int n = x.Rows;
        if (k < 1 || k >= n) throw new ArgumentOutOfRangeException(nameof(k));
        var data = cosine ? VectorPreprocessing.L2Normalize(x) : x;
        var indices = new int[(long)n * k];
        var distances = new double[(long)n * k];
        int blocks = (n + Block - 1) / Block;
        Parallel.For(0, blocks, po, () => new double[Block * n], (b, _, buffer) =>
        {
            int start = b * Block, count = Math.Min(Block, n - start);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<double> r = data.Row(j);
                for (int q = 0; q < count; q++)
                {
                    double dist = cosine ? 1.0 - VectorKernels.Dot(data.Row(start + q), r) : VectorKernels.SquaredDistance(data.Row(start + q), r);
                    buffer[q * n + j] = Math.Max(dist, 0.0);
                }
            }
            for (int q = 0; q < count; q++)
            {
                int i = start + q;
                SelectSmallest(buffer.AsSpan(q * n, n), i, indices.AsSpan(i * k, k), distances.AsSpan(i * k, k));
            }
            return buffer;
        }, _ => { });
        return (indices, distances);
    }

    /// <summary>The k smallest of <paramref name="dist"/> (skipping <paramref name="self"/>), ascending, ties by index: a max-heap then a sort.</summary>
    static void SelectSmallest(ReadOnlySpan<double> dist, int self, Span<int> idx, Span<double> val)
    {
        int k = idx.Length, size = 0;
        for (int j = 0; j < dist.Length; j++)
        {
            if (j == self) continue;
            double v = dist[j];
            if (size < k)
            {
                // Sift up.
                int c = size++;
                while (c > 0)
                {
                    int p = (c - 1) >> 1;
                    if (!Worse(v, j, val[p], idx[p])) break;
                    val[c] = val[p]; idx[c] = idx[p]; c = p;
                }
                val[c] = v; idx[c] = j;
            }
            else if (Worse(val[0], idx[0], v, j))
            {
                SiftDown(idx, val, size, v, j);
            }
        }
        // Heap sort in place: repeatedly move the worst to the end.
        for (int end = size - 1; end > 0; end--)
        {
            double v = val[end]; int j = idx[end];
            val[end] = val[0]; idx[end] = idx[0];
            SiftDown(idx, val, end, v, j);
        }
    }

    static void SiftDown(Span<int> idx, Span<double> val, int size, double v, int j)
    {
        int c = 0;
        while (true)
        {
            int l = 2 * c + 1;
            if (l >= size) break;
            int r = l + 1;
            int w = r < size && Worse(val[r], idx[r], val[l], idx[l]) ? r : l;
            if (!Worse(val[w], idx[w], v, j)) break;
            val[c] = val[w]; idx[c] = idx[w]; c = w;
        }
        val[c] = v; idx[c] = j;
    }

    // Ordering: larger distance is worse; equal distances, larger index is worse.
    static bool Worse(double a, int ia, double b, int ib) => a > b || (a == b && ia > ib);
}
