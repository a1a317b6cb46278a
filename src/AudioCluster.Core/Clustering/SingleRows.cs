using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioCluster.Clustering;

/// <summary>
/// A float32 copy of row-major doubles for the long dot-product loops: twice the values per SIMD
/// instruction and half the memory traffic. The values are multiplied by <see cref="Scale"/>, a
/// power of two (exact), so that products stay far from float32 overflow and underflow. Rows are
/// padded with zeros to <see cref="Stride"/> values and the row count to a multiple of
/// <see cref="Tile"/>, so that the kernel has no edge cases. Callers use the products as estimates
/// with the error bound <see cref="DotError"/> and recompute in double precision where it matters.
/// </summary>
internal sealed class SingleRows
{
    /// <summary>Rows per side of the 4 x 4 register tile of dot products.</summary>
    public const int Tile = 4;
    // Four vectors: the strip width of AddTransposedProducts.
    static readonly int Align = 4 * Vector<float>.Count;
    const double UnitRoundoff = 1.0 / (1 << 24);
    static readonly double SubnormalError = Math.ScaleB(1.0, -120);

    public SingleRows(int rows, int columns, double scale) : this(rows, columns, scale, uninitialized: false) { }

    SingleRows(int rows, int columns, double scale, bool uninitialized)
    {
        Rows = rows;
        Columns = columns;
        Stride = (columns + Align - 1) / Align * Align;
        PaddedRows = (rows + Tile - 1) / Tile * Tile;
        Scale = scale;
        long size = (long)PaddedRows * Stride;
        Data = uninitialized ? GC.AllocateUninitializedArray<float>(checked((int)size)) : new float[size];
        if (uninitialized) Data.AsSpan(rows * Stride).Clear(); // the padding rows
        // Per lane d / width fused multiply-adds, then at most width additions across the lanes;
        // three more roundings for the conversions of both operands (1 % slack on top).
        int depth = Stride / Vector<float>.Count + Vector<float>.Count + 3;
        relativeError = 1.01 * depth * UnitRoundoff;
    }

    readonly double relativeError;

    public int Rows { get; }
    public int Columns { get; }
    public int PaddedRows { get; }
    public int Stride { get; }
    /// <summary>Factor applied to the values (a power of two).</summary>
    public double Scale { get; }
    public float[] Data { get; }

    /// <summary>A power of two that brings the largest magnitude into [0.5, 1) (1 for an all-zero matrix).</summary>
    public static double ScaleFor(double maxAbs) =>
        maxAbs > 0 && double.IsFinite(maxAbs) ? Math.ScaleB(1.0, -Math.ILogB(maxAbs) - 1) : 1.0;

    public static double MaxAbs(ReadOnlySpan<double> values)
    {
        int i = 0, w = Vector<double>.Count;
        var m = Vector<double>.Zero;
        ref double r = ref MemoryMarshal.GetReference(values);
        for (; i <= values.Length - w; i += w) m = Vector.Max(m, Vector.Abs(Vector.LoadUnsafe(ref r, (nuint)i)));
        double max = 0;
        for (int j = 0; j < w; j++) max = Math.Max(max, m[j]);
        for (; i < values.Length; i++) max = Math.Max(max, Math.Abs(values[i]));
        return max;
    }

    /// <summary>Copies rows of <paramref name="source"/> (row-major, <see cref="Columns"/> wide) scaled, starting at row <paramref name="first"/>.</summary>
    public void Fill(ReadOnlySpan<double> source, int first = 0)
    {
        int d = Columns, rows = source.Length / d, w = Vector<double>.Count;
        float s = (float)Scale;
        var vs = new Vector<float>(s);
        for (int r = 0; r < rows; r++)
        {
            ref double src = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), r * d);
            ref float dst = ref Data[(first + r) * Stride];
            int j = 0;
            for (; j <= d - 2 * w; j += 2 * w)
                (Vector.Narrow(Vector.LoadUnsafe(ref src, (nuint)j), Vector.LoadUnsafe(ref src, (nuint)(j + w))) * vs).StoreUnsafe(ref dst, (nuint)j);
            for (; j < d; j++) Unsafe.Add(ref dst, j) = (float)Unsafe.Add(ref src, j) * s;
        }
    }

    /// <summary>
    /// A copy whose every row the caller writes with <see cref="FillCentered"/>: the memory is not
    /// cleared first (that would be one more pass over all of it).
    /// </summary>
    public static SingleRows ToBeFilled(int rows, int columns, double scale) => new(rows, columns, scale, uninitialized: true);

    /// <summary>
    /// Stores x - mean as row <paramref name="index"/> (scaled, padding cleared) and returns the squared
    /// norm of x - mean in double: one pass, as the same numbers from a centred double row and <see cref="Fill"/>.
    /// </summary>
    public double FillCentered(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, int index)
    {
        int d = Columns, w = Vector<double>.Count, j = 0;
        float s = (float)Scale;
        var vs = new Vector<float>(s);
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double rm = ref MemoryMarshal.GetReference(mean);
        ref float dst = ref Data[(long)index * Stride];
        Vector<double> sum0 = Vector<double>.Zero, sum1 = Vector<double>.Zero;
        for (; j <= d - 2 * w; j += 2 * w)
        {
            var a = Vector.LoadUnsafe(ref rx, (nuint)j) - Vector.LoadUnsafe(ref rm, (nuint)j);
            var b = Vector.LoadUnsafe(ref rx, (nuint)(j + w)) - Vector.LoadUnsafe(ref rm, (nuint)(j + w));
            sum0 += a * a;
            sum1 += b * b;
            (Vector.Narrow(a, b) * vs).StoreUnsafe(ref dst, (nuint)j);
        }
        double norm = Vector.Sum(sum0 + sum1);
        for (; j < d; j++)
        {
            double c = Unsafe.Add(ref rx, j) - Unsafe.Add(ref rm, j);
            norm += c * c;
            Unsafe.Add(ref dst, j) = (float)c * s;
        }
        Data.AsSpan((int)((long)index * Stride) + d, Stride - d).Clear();
        return norm;
    }

    /// <summary>
    /// Bound on the error of a product computed by <see cref="DotTile"/> (in scaled units) for rows of
    /// Euclidean norms <paramref name="normA"/> and <paramref name="normB"/> (scaled units, double).
    /// The absolute term covers values that float32 holds only as subnormals.
    /// </summary>
    public double DotError(double normA, double normB) => relativeError * normA * normB + Columns * SubnormalError;

    /// <summary>
    /// Dot products of rows [i0, i0 + 4) of <paramref name="a"/> with every (padded) row of
    /// <paramref name="b"/>: result[r * b.PaddedRows + j] = a_(i0+r) . b_j, in scaled units.
    /// </summary>
    public static void DotTile(SingleRows a, int i0, SingleRows b, Span<float> result)
    {
        int stride = a.Stride, m = b.PaddedRows;
        ref float ra = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a.Data), (nint)i0 * stride);
        ref float rb = ref MemoryMarshal.GetArrayDataReference(b.Data);
        for (int j = 0; j < m; j += Tile)
            VectorKernels.Dot4x4(ref ra, stride, ref Unsafe.Add(ref rb, (nint)j * stride), stride, stride, result, j, m);
    }

    /// <summary>
    /// acc[c * a.Stride + p] += sum over r below <paramref name="rows"/> of b[bFirst + r, c] * a[aFirst + r, p]
    /// (the rows of b^T a, in scaled units) for every column c of b (rounded up to 4) and p below
    /// a.Stride; see <see cref="VectorKernels.AddTransposedProducts"/> (also for <paramref name="upperOnly"/>).
    /// <paramref name="panel"/> is scratch of at least rows * a.Stride values.
    /// </summary>
    public static void AddTransposedProducts(SingleRows a, int aFirst, SingleRows b, int bFirst, int rows, Span<double> acc, float[] panel,
        bool upperOnly = false) =>
        VectorKernels.AddTransposedProducts(ref a.Data[(long)aFirst * a.Stride], a.Stride, a.Stride,
            ref b.Data[(long)bFirst * b.Stride], b.Stride, b.Columns, rows, acc, a.Stride, panel, upperOnly);
}
