using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AudioCluster.Clustering;

namespace AudioCluster.Reduction;

/// <summary>
/// Dense products and orthonormalisation for the reductions. Parallel loops split the work into
/// parts fixed by the sizes alone and add partial sums in part order, so results do not depend on
/// the thread count.
/// </summary>
internal static class DenseOps
{
    const int RowChunk = 64;
    // Rows per float32 partial sum (few enough that float32 rounding stays near 1e-5 relative).
    const int SingleBlock = 128;
    // Entries per block of the Gram matrix and of the substitution: all vectors' blocks stay in cache.
    const int GramBlock = 1024;
    // Partial accumulators are capped by memory, not by the thread count.
    const long PartialBudget = 32L << 20;

    public static void CheckData(DataMatrix data, string what, int minRows, bool checkFinite = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows < minRows)
            throw new ArgumentException($"{what} needs at least {minRows} points; got {data.Rows}.", nameof(data));
        if (data.Columns == 0) throw new ArgumentException("The vectors have no dimensions.", nameof(data));
        if (checkFinite && data.FindNonFinite() is var (row, col))
            throw new ArgumentException($"The data contains a non-finite value ({data[row, col]}) at row {row}, dimension {col}.", nameof(data));
    }

    /// <summary>Column means, and the largest magnitude of any value (from the same pass).</summary>
    public static double[] ColumnMeans(DataMatrix x, ParallelOptions po, out double maxAbs)
    {
        // Partial sums over fixed parts, added in part order: the same result on any thread count.
        int n = x.Rows, d = x.Columns, parts = PartCount(n, d);
        var partial = new double[parts][];
        var partMax = new double[parts];
        Parallel.For(0, parts, po, p =>
        {
            var sum = partial[p] = new double[d];
            var (start, end) = PartRange(n, parts, p);
            for (int i = start; i < end; i++)
            {
                VectorKernels.Add(x.Row(i), sum);
                partMax[p] = Math.Max(partMax[p], SingleRows.MaxAbs(x.Row(i)));
            }
        });
        maxAbs = partMax.Max();
        var mean = new double[d];
        for (int p = 0; p < parts; p++) VectorKernels.Add(partial[p], mean);
        for (int j = 0; j < d; j++) mean[j] /= n;
        return mean;
    }

    public static DataMatrix Centered(DataMatrix x, double[] mean, ParallelOptions? po = null)
    {
        var c = new DataMatrix(x.Rows, x.Columns);
        Parallel.For(0, (x.Rows + 1023) / 1024, po ?? new ParallelOptions(), b =>
        {
            int end = Math.Min(x.Rows, (b + 1) * 1024);
            for (int i = b * 1024; i < end; i++) Subtract(x.Row(i), mean, c.Row(i));
        });
        return c;
    }

    /// <summary>result = x - y.</summary>
    static void Subtract(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> result)
    {
        int n = x.Length, i = 0, w = Vector<double>.Count;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rr = ref MemoryMarshal.GetReference(result);
        for (; i <= n - w; i += w)
            (Vector.LoadUnsafe(ref rx, (nuint)i) - Vector.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rr, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref rr, i) = Unsafe.Add(ref rx, i) - Unsafe.Add(ref ry, i);
    }

    /// <summary>
    /// Room for a float32 copy of x - mean, and the action that fills rows [start, start + count) of it
    /// and their squared norms (in double). The first pass over the copy fills it block by block
    /// (<see cref="PowerStepSingle"/>, <see cref="ProjectOntoRange"/>), so the rows it has just
    /// written are read again from cache, not from memory.
    /// </summary>
    public static (SingleRows Rows, Action<int, int> FillRows) CenteredSingle(DataMatrix x, double[] mean, double maxAbs, out double[] rowSquaredNorms)
    {
        // A bound on |x - mean| (maxAbs: the largest |x|) is all the power-of-two scale needs.
        var rows = SingleRows.ToBeFilled(x.Rows, x.Columns, SingleRows.ScaleFor(maxAbs + SingleRows.MaxAbs(mean)));
        var norms = rowSquaredNorms = new double[x.Rows];
        return (rows, (start, count) =>
        {
            for (int i = start; i < start + count; i++) norms[i] = rows.FillCentered(x.Row(i), mean, i);
        });
    }

    /// <summary>result[i, c] = x_i . w_c - shift[c] (x W^T as a row-major n x l matrix), in 4 x 4 register tiles.</summary>
    public static void MultiplyRows(DataMatrix x, double[][] w, double[] shift, DataMatrix result, ParallelOptions po)
    {
        int n = x.Rows, d = x.Columns, l = w.Length;
        var packed = new double[l * d];
        for (int c = 0; c < l; c++) w[c].CopyTo(packed, c * d);
        var xd = x.Data;
        var r = result.Data;
        Parallel.For(0, (n + RowChunk - 1) / RowChunk, po, chunk =>
        {
            int end = Math.Min(n, (chunk + 1) * RowChunk);
            int i = chunk * RowChunk, fullColumns = l / 4 * 4;
            for (; i + 4 <= end; i += 4)
                for (int c = 0; c < fullColumns; c += 4)
                    VectorKernels.Dot4x4(ref xd[i * d], d, ref packed[c * d], d, d, r, i * l + c, l);
            // Rows and columns left over from the tiles.
            for (int row = chunk * RowChunk; row < end; row++)
                for (int c = row < i ? fullColumns : 0; c < l; c++)
                    r[row * l + c] = VectorKernels.Dot(xd.AsSpan(row * d, d), packed.AsSpan(c * d, d));
            // The shift while the chunk is in cache.
            for (int row = chunk * RowChunk; row < end; row++)
                for (int c = 0; c < l; c++) r[row * l + c] -= shift[c];
        });
    }

    /// <summary>result[c] = sum over rows i of y[c][i] * x_i (the columns of x^T Y), each of length x.Columns, in register tiles.</summary>
    public static void MultiplyTransposed(DataMatrix x, double[][] y, double[][] result, ParallelOptions po)
    {
        int n = x.Rows, d = x.Columns, l = y.Length, lp = (l + 3) / 4 * 4, width = VectorKernels.StripPadded<double>(d);
        // y as rows (n x lp, zero-padded) so that the kernel broadcasts y[i, c].
        var yRows = new double[(long)n * lp];
        Parallel.For(0, (n + 1023) / 1024, po, b =>
        {
            int end = Math.Min(n, (b + 1) * 1024);
            for (int i = b * 1024; i < end; i++)
                for (int c = 0; c < l; c++) yRows[i * lp + c] = y[c][i];
        });
        var sum = BlockSums(n, (long)lp * width, po, () => new double[SingleBlock * width], (acc, start, count, panel) =>
            VectorKernels.AddTransposedProducts(ref x.Data[(long)start * d], d, d, ref yRows[(long)start * lp], lp, l, count, acc, width, panel));
        for (int c = 0; c < l; c++) sum.AsSpan(c * width, d).CopyTo(result[c]);
    }

    /// <summary>
    /// Sums over the blocks of <see cref="SingleBlock"/> rows of x: every fixed part of whole blocks adds
    /// its blocks (addBlock(accumulator, start, count, scratch)) into its own accumulator of
    /// <paramref name="size"/> values, and the parts are added in order, so the result does not depend
    /// on the thread count.
    /// </summary>
    static double[] BlockSums<TScratch>(int n, long size, ParallelOptions po, Func<TScratch> newScratch, Action<double[], int, int, TScratch> addBlock)
    {
        int blocks = (n + SingleBlock - 1) / SingleBlock;
        int parts = Math.Min(PartCount(n, size), blocks);
        var partial = new double[parts][];
        Parallel.For(0, parts, po, p =>
        {
            var acc = partial[p] = new double[size];
            var scratch = newScratch();
            var (first, last) = PartRange(blocks, parts, p);
            for (int blk = first; blk < last; blk++)
            {
                int start = blk * SingleBlock;
                addBlock(acc, start, Math.Min(n, start + SingleBlock) - start, scratch);
            }
        });
        var sum = new double[size];
        for (int p = 0; p < parts; p++) VectorKernels.Add(partial[p], sum);
        return sum;
    }

    /// <summary>
    /// G = X^T X (d x d, row-major, in the copy's scaled units) from the float32 copy, in one pass that
    /// also writes the copy when <paramref name="fillRows"/> is given (the first pass's duty). Each
    /// block's products run in float32 (few rows: rounding near 1e-5 relative) and are added in double;
    /// G being symmetric, only its upper triangle is computed, then mirrored.
    /// </summary>
    public static double[] GramSingle(SingleRows x, ParallelOptions po, Action<int, int>? fillRows)
    {
        int d = x.Columns, stride = x.Stride;
        var upper = BlockSums(x.Rows, (long)stride * stride, po, () => new float[SingleBlock * stride], (acc, start, count, panel) =>
        {
            fillRows?.Invoke(start, count);
            SingleRows.AddTransposedProducts(x, start, x, start, count, acc, panel, upperOnly: true);
        });
        var g = new double[(long)d * d];
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) g[a * d + b] = g[b * d + a] = upper[a * stride + b];
        return g;
    }

    /// <summary>
    /// Whether <see cref="GramSingle"/> splits its rows into at least 4 parts for that many columns: its
    /// d x d accumulators are capped by memory (up to about 1024 columns), and a pass on fewer threads
    /// would lose what it saves.
    /// </summary>
    public static bool GramSingleRunsInParallel(int columns) => PartCount(int.MaxValue, (long)columns * columns) >= 4;

    /// <summary>v_c &lt;- G v_c for every vector, G symmetric d x d row-major (small: d^2 per vector).</summary>
    public static void MultiplySymmetric(double[] g, double[][] v, ParallelOptions po)
    {
        Parallel.For(0, v.Length, po, c =>
        {
            int d = v[c].Length;
            var product = new double[d];
            for (int j = 0; j < d; j++) product[j] = VectorKernels.Dot(g.AsSpan(j * d, d), v[c]);
            v[c] = product;
        });
    }

    /// <summary>
    /// result[c][i] = x_i . w_c from the float32 copy of x (relative error about 1e-6 of |x_i| |w_c|;
    /// for the power iterations, whose subspace does not depend on such errors).
    /// </summary>
    public static void MultiplyRowsSingle(SingleRows x, double[][] w, double[][] result, ParallelOptions po)
    {
        int n = x.Rows, l = w.Length;
        var ws = VectorsSingle(w, x.Columns, c => w[c]);
        int m = ws.PaddedRows;
        double unscale = 1.0 / (x.Scale * ws.Scale);
        Parallel.For(0, (n + RowChunk - 1) / RowChunk, po, chunk =>
        {
            var dots = new float[SingleRows.Tile * m];
            int end = Math.Min(n, (chunk + 1) * RowChunk);
            for (int i0 = chunk * RowChunk; i0 < end; i0 += SingleRows.Tile)
            {
                SingleRows.DotTile(x, i0, ws, dots);
                for (int r = 0; r < SingleRows.Tile && i0 + r < end; r++)
                    for (int c = 0; c < l; c++) result[c][i0 + r] = dots[r * m + c] * unscale;
            }
        });
    }

    static SingleRows VectorsSingle(double[][] v, int length, Func<int, double[]> row)
    {
        var s = new SingleRows(v.Length, length, SingleRows.ScaleFor(v.Max(r => SingleRows.MaxAbs(r))));
        for (int c = 0; c < v.Length; c++) s.Fill(row(c), c);
        return s;
    }

    /// <summary>
    /// Orthonormalizes long vectors (few of them, many entries) as <see cref="Orthonormalize"/> does, by
    /// Cholesky QR done twice: two passes over the vectors instead of one per pair. When the vectors are
    /// too close to dependent for the Cholesky factor, Gram-Schmidt takes over. One pass leaves
    /// orthogonality errors near 1e-8, enough where only the span matters.
    /// </summary>
    public static void OrthonormalizeTall(double[][] v, SeededRandom rng, ParallelOptions po, int passes = 2)
    {
        for (int pass = 0; pass < passes; pass++)
            if (!CholeskyQrStep(v, po))
            {
                Orthonormalize(v, rng);
                return;
            }
    }

    // v <- v R^-1 with R^T R = v^T v; false (v untouched) when a pivot loses more than half the digits.
    static bool CholeskyQrStep(double[][] v, ParallelOptions po)
    {
        int l = v.Length, n = v[0].Length;
        int parts = PartCount(n, (long)l * l);
        var partial = new double[parts][];
        Parallel.For(0, parts, po, p =>
        {
            var g = partial[p] = new double[l * l];
            var (start, end) = PartRange(n, parts, p);
            for (int i = start; i < end; i += GramBlock)
            {
                int len = Math.Min(end, i + GramBlock) - i;
                for (int a = 0; a < l; a++)
                {
                    var va = v[a].AsSpan(i, len);
                    for (int b = 0; b <= a; b++) g[a * l + b] += VectorKernels.Dot(va, v[b].AsSpan(i, len));
                }
            }
        });
        var gram = new double[l * l];
        for (int p = 0; p < parts; p++) VectorKernels.Add(partial[p], gram);
        if (Cholesky(gram, l, l, 1e-8) is not double[] r) return false;
        // Forward substitution on blocks of entries that stay in cache: v_a = (v_a - sum_t<a r_ta v_t) / r_aa.
        Parallel.For(0, (n + GramBlock - 1) / GramBlock, po, blk =>
        {
            int i = blk * GramBlock, len = Math.Min(n, i + GramBlock) - i;
            for (int a = 0; a < l; a++)
            {
                var va = v[a].AsSpan(i, len);
                for (int t = 0; t < a; t++) AddScaled(va, v[t].AsSpan(i, len), -r[t * l + a]);
                double inv = 1.0 / r[a * l + a];
                for (int j = 0; j < len; j++) va[j] *= inv;
            }
        });
        return true;
    }

    /// <summary>
    /// Upper triangular R (l x l, row-major) with R^T R = G, from the lower triangle of gram (row-major,
    /// rows <paramref name="stride"/> apart); null when a pivot keeps less than
    /// <paramref name="minRatio"/> of its diagonal entry (the columns are too close to dependent).
    /// </summary>
    static double[]? Cholesky(double[] gram, int l, int stride, double minRatio)
    {
        var r = new double[l * l];
        for (int a = 0; a < l; a++)
        {
            for (int b = a; b < l; b++)
            {
                double sum = gram[b * stride + a];
                for (int t = 0; t < a; t++) sum -= r[t * l + a] * r[t * l + b];
                if (b == a)
                {
                    if (!(sum > minRatio * gram[a * stride + a])) return null;
                    r[a * l + a] = Math.Sqrt(sum);
                }
                else r[a * l + b] = sum / r[a * l + a];
            }
        }
        return r;
    }

    /// <summary>
    /// One power-iteration step omega &lt;- X^T Q, Q an orthonormal basis of Y = X omega^T, in one pass over
    /// the float32 copy of X: per block of rows, Y's rows and the sums Y^T Y and X^T Y. With
    /// R^T R = Y^T Y (Cholesky), Q = Y R^-1 and X^T Q = (X^T Y) R^-1, so Q is never formed. The result
    /// still needs orthonormalising. False (omega untouched) when Y is too close to rank-deficient for a
    /// Cholesky factor of its float32 Gram matrix.
    /// </summary>
    public static bool PowerStepSingle(SingleRows x, double[][] omega, ParallelOptions po, Action<int, int>? fillRows = null)
    {
        var ws = VectorsSingle(omega, x.Columns, c => omega[c]);
        var (g, gStride, w, wStride, _) = BlockProducts(x, ws, 1f, x.Data, x.Stride, x.Stride, po, fillRows);
        // float32 sums: demand a well-conditioned Y (pivots keeping 1e-4 of the diagonal, condition below 100).
        if (Cholesky(g, omega.Length, gStride, 1e-4) is not double[] r) return false;
        SolveTransposed(r, w, wStride, omega);
        return true;
    }

    /// <summary>
    /// B = Q^T (X - mean) for Q an orthonormal basis of Y = X_c omega^T (X_c from the float32 copy x),
    /// exact in double precision for that Q: one pass computes Y (float32), then Y^T Y and Y^T X in
    /// double; with R^T R = Y^T Y, Q = Y R^-1 and B = R^-T (Y^T X - (Y^T 1) mean^T). False (b untouched)
    /// when Y is too ill-conditioned for Q to be orthonormal to double precision that way.
    /// </summary>
    public static bool ProjectOntoRange(SingleRows x, double[][] omega, DataMatrix data, double[] mean, double[][] b, ParallelOptions po,
        Action<int, int>? fillRows = null)
    {
        int d = data.Columns;
        var ws = VectorsSingle(omega, d, c => omega[c]);
        var (g, gStride, w, wStride, ySums) = BlockProducts(x, ws, 1.0 / (x.Scale * ws.Scale), data.Data, d, d, po, fillRows);
        // One Cholesky QR step leaves Q^T Q - I near condition^2 * 1e-16: at most 1e-12 here.
        if (Cholesky(g, omega.Length, gStride, 1e-4) is not double[] r) return false;
        for (int c = 0; c < omega.Length; c++)
            for (int j = 0; j < d; j++) w[c * wStride + j] -= ySums[c] * mean[j];
        SolveTransposed(r, w, wStride, b);
        return true;
    }

    /// <summary>
    /// Y = X omega^T from the float32 tiles of x (times yScale, held in T), and over fixed parts of
    /// whole blocks of rows the sums G = Y^T Y, W = Y^T A (A: the rows of a, aColumns wide, aStride
    /// apart) and Y's column sums, added in part order. <paramref name="fillRows"/>, when given, first
    /// writes each block's rows of x (and of a, where a is x's data).
    /// </summary>
    static (double[] G, int GStride, double[] W, int WStride, double[] YSums) BlockProducts<T>(SingleRows x, SingleRows ws, T yScale,
        T[] a, int aStride, int aColumns, ParallelOptions po, Action<int, int>? fillRows) where T : unmanaged, System.Numerics.INumber<T>
    {
        int n = x.Rows, m = ws.PaddedRows;
        int yStride = VectorKernels.StripPadded<T>(m), wStride = VectorKernels.StripPadded<T>(aColumns);
        // Parts are whole blocks, so that every block starts on a tile boundary.
        int blocks = (n + SingleBlock - 1) / SingleBlock;
        int parts = Math.Min(PartCount(n, (long)m * (wStride + yStride)), blocks);
        var gramParts = new double[parts][];
        var productParts = new double[parts][];
        var sumParts = new double[parts][];
        Parallel.For(0, parts, po, p =>
        {
            var gram = gramParts[p] = new double[m * yStride];
            var product = productParts[p] = new double[(long)m * wStride];
            var sums = sumParts[p] = new double[m];
            var y = new T[SingleBlock * yStride];
            var dots = new float[SingleRows.Tile * m];
            var panel = new T[SingleBlock * Math.Max(wStride, yStride)];
            var (first, last) = PartRange(blocks, parts, p);
            for (int blk = first; blk < last; blk++)
            {
                int start = blk * SingleBlock, count = Math.Min(n, start + SingleBlock) - start;
                fillRows?.Invoke(start, count);
                for (int t = 0; t < count; t += SingleRows.Tile)
                {
                    SingleRows.DotTile(x, start + t, ws, dots);
                    for (int r = 0; r < SingleRows.Tile; r++)
                    {
                        var row = y.AsSpan((t + r) * yStride, m);
                        if (t + r >= count) { row.Clear(); continue; }
                        for (int c = 0; c < m; c++)
                        {
                            row[c] = T.CreateTruncating(dots[r * m + c]) * yScale;
                            sums[c] += double.CreateTruncating(row[c]);
                        }
                    }
                }
                VectorKernels.AddTransposedProducts(ref y[0], yStride, m, ref y[0], yStride, m, count, gram, yStride, panel);
                VectorKernels.AddTransposedProducts(ref a[(long)start * aStride], aStride, aColumns, ref y[0], yStride, m, count, product, wStride, panel);
            }
        });
        var g = new double[m * yStride];
        var w = new double[(long)m * wStride];
        var ySums = new double[m];
        for (int p = 0; p < parts; p++)
        {
            VectorKernels.Add(gramParts[p], g);
            VectorKernels.Add(productParts[p], w);
            VectorKernels.Add(sumParts[p], ySums);
        }
        return (g, yStride, w, wStride, ySums);
    }

    // Rows of R^-T W by forward substitution: z_a = (w_a - sum over t < a of r_ta z_t) / r_aa.
    static void SolveTransposed(double[] r, double[] w, int wStride, double[][] z)
    {
        int l = z.Length;
        for (int a = 0; a < l; a++)
        {
            var za = z[a];
            w.AsSpan(a * wStride, za.Length).CopyTo(za);
            for (int t = 0; t < a; t++) AddScaled(za, z[t], -r[t * l + a]);
            double inv = 1.0 / r[a * l + a];
            for (int j = 0; j < za.Length; j++) za[j] *= inv;
        }
    }

    /// <summary>x^T x (d x d, row-major, full) for a matrix with many more rows than columns.</summary>
    public static double[] GramColumns(DataMatrix x, ParallelOptions po)
    {
        int n = x.Rows, d = x.Columns;
        int parts = PartCount(n, (long)d * d);
        var partial = new double[parts][];
        Parallel.For(0, parts, po, p =>
        {
            var acc = partial[p] = new double[(long)d * d];
            var (start, end) = PartRange(n, parts, p);
            int i = start;
            for (; i + 4 <= end; i += 4)
            {
                var x0 = x.Row(i); var x1 = x.Row(i + 1); var x2 = x.Row(i + 2); var x3 = x.Row(i + 3);
                for (int a = 0; a < d; a++)
                    AddScaled4(acc.AsSpan(a * d + a, d - a), x0[a..], x0[a], x1[a..], x1[a], x2[a..], x2[a], x3[a..], x3[a]);
            }
            for (; i < end; i++)
            {
                var xi = x.Row(i);
                for (int a = 0; a < d; a++) AddScaled(acc.AsSpan(a * d + a, d - a), xi[a..], xi[a]);
            }
        });
        var g = new double[(long)d * d];
        for (int p = 0; p < parts; p++) VectorKernels.Add(partial[p], g);
        for (int a = 0; a < d; a++)
            for (int b = 0; b < a; b++) g[a * d + b] = g[b * d + a];
        return g;
    }

    /// <summary>x x^T (n x n, row-major) for a matrix with at least as many columns as rows.</summary>
    public static double[] GramRows(DataMatrix x, ParallelOptions po)
    {
        int n = x.Rows;
        var g = new double[(long)n * n];
        Parallel.For(0, n, po, i =>
        {
            ReadOnlySpan<double> xi = x.Row(i);
            for (int j = i; j < n; j++) g[(long)i * n + j] = VectorKernels.Dot(xi, x.Row(j));
        });
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) g[(long)i * n + j] = g[(long)j * n + i];
        return g;
    }

    /// <summary>
    /// Makes the vectors orthonormal in place (Gram-Schmidt, each projection done twice so that
    /// orthogonality holds to rounding). A vector that is (numerically) dependent on the ones before
    /// it is replaced by a random one, so the basis keeps its size.
    /// </summary>
    public static void Orthonormalize(double[][] v, SeededRandom rng)
    {
        for (int k = 0; k < v.Length; k++)
        {
            var vk = v[k];
            double before = Math.Sqrt(VectorKernels.Dot(vk, vk));
            for (int attempt = 0; ; attempt++)
            {
                for (int pass = 0; pass < 2; pass++)
                    for (int j = 0; j < k; j++) AddScaled(vk, v[j], -VectorKernels.Dot(v[j], vk));
                double norm = Math.Sqrt(VectorKernels.Dot(vk, vk));
                if (norm > 1e-10 * before && norm > 0)
                {
                    double inv = 1.0 / norm;
                    for (int i = 0; i < vk.Length; i++) vk[i] *= inv;
                    break;
                }
                if (attempt == 3 || k >= vk.Length)
                {
                    Array.Clear(vk); // no room left for another direction
                    break;
                }
                for (int i = 0; i < vk.Length; i++) vk[i] = rng.NextGaussian();
                before = Math.Sqrt(VectorKernels.Dot(vk, vk));
            }
        }
    }

    /// <summary>y += a * x.</summary>
    public static void AddScaled(Span<double> y, ReadOnlySpan<double> x, double a)
    {
        int n = y.Length, i = 0, w = Vector<double>.Count;
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rx = ref MemoryMarshal.GetReference(x);
        var av = new Vector<double>(a);
        for (; i <= n - w; i += w)
            (Vector.LoadUnsafe(ref ry, (nuint)i) + av * Vector.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ry, i) += a * Unsafe.Add(ref rx, i);
    }

    static void AddScaled4(Span<double> y, ReadOnlySpan<double> x0, double a0, ReadOnlySpan<double> x1, double a1,
        ReadOnlySpan<double> x2, double a2, ReadOnlySpan<double> x3, double a3)
    {
        int n = y.Length, i = 0, w = Vector<double>.Count;
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double r0 = ref MemoryMarshal.GetReference(x0);
        ref double r1 = ref MemoryMarshal.GetReference(x1);
        ref double r2 = ref MemoryMarshal.GetReference(x2);
        ref double r3 = ref MemoryMarshal.GetReference(x3);
        Vector<double> v0 = new(a0), v1 = new(a1), v2 = new(a2), v3 = new(a3);
        for (; i <= n - w; i += w)
        {
            var s = Vector.LoadUnsafe(ref ry, (nuint)i)
                + v0 * Vector.LoadUnsafe(ref r0, (nuint)i) + v1 * Vector.LoadUnsafe(ref r1, (nuint)i)
                + v2 * Vector.LoadUnsafe(ref r2, (nuint)i) + v3 * Vector.LoadUnsafe(ref r3, (nuint)i);
            s.StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref ry, i) += a0 * Unsafe.Add(ref r0, i) + a1 * Unsafe.Add(ref r1, i) + a2 * Unsafe.Add(ref r2, i) + a3 * Unsafe.Add(ref r3, i);
    }

    static int PartCount(int rows, long accumulatorSize)
    {
        long byMemory = Math.Max(1, PartialBudget / Math.Max(1, accumulatorSize * sizeof(double)));
        long byRows = Math.Max(1, rows / 256);
        return (int)Math.Min(16, Math.Min(byMemory, byRows));
    }

    static (int Start, int End) PartRange(int n, int parts, int p) =>
        ((int)((long)n * p / parts), (int)((long)n * (p + 1) / parts));
}

internal static class SeededRandomExtensions
{
    /// <summary>Standard normal deviate (Marsaglia's polar method; the spare value is dropped to keep the stream simple).</summary>
    public static double NextGaussian(this SeededRandom rng)
    {
        while (true)
        {
            double u = 2 * rng.NextDouble() - 1, v = 2 * rng.NextDouble() - 1;
            double s = u * u + v * v;
            if (s > 0 && s < 1) return u * Math.Sqrt(-2 * Math.Log(s) / s);
        }
    }
}
