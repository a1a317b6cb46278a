using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AudioCluster.Clustering;

/// <summary>SIMD inner loops shared by the clustering code.</summary>
internal static class VectorKernels
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, i = 0, w = Vector<double>.Count;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        var acc = Vector<double>.Zero;
        for (; i <= n - w; i += w)
            acc += Vector.LoadUnsafe(ref rx, (nuint)i) * Vector.LoadUnsafe(ref ry, (nuint)i);
        double s = Vector.Sum(acc);
        for (; i < n; i++) s += Unsafe.Add(ref rx, i) * Unsafe.Add(ref ry, i);
        return s;
    }

    /// <summary>Four dot products of x at once, so that x is loaded once per four centres.</summary>
    public static void Dot4(ReadOnlySpan<double> x, ReadOnlySpan<double> c0, ReadOnlySpan<double> c1,
        ReadOnlySpan<double> c2, ReadOnlySpan<double> c3, out double d0, out double d1, out double d2, out double d3)
    {
        int n = x.Length, i = 0, w = Vector<double>.Count;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double r0 = ref MemoryMarshal.GetReference(c0);
        ref double r1 = ref MemoryMarshal.GetReference(c1);
        ref double r2 = ref MemoryMarshal.GetReference(c2);
        ref double r3 = ref MemoryMarshal.GetReference(c3);
        Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
        for (; i <= n - w; i += w)
        {
            var xv = Vector.LoadUnsafe(ref rx, (nuint)i);
            a0 += xv * Vector.LoadUnsafe(ref r0, (nuint)i);
            a1 += xv * Vector.LoadUnsafe(ref r1, (nuint)i);
            a2 += xv * Vector.LoadUnsafe(ref r2, (nuint)i);
            a3 += xv * Vector.LoadUnsafe(ref r3, (nuint)i);
        }
        d0 = Vector.Sum(a0); d1 = Vector.Sum(a1); d2 = Vector.Sum(a2); d3 = Vector.Sum(a3);
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref rx, i);
            d0 += xi * Unsafe.Add(ref r0, i);
            d1 += xi * Unsafe.Add(ref r1, i);
            d2 += xi * Unsafe.Add(ref r2, i);
            d3 += xi * Unsafe.Add(ref r3, i);
        }
    }

    /// <summary>Squared Euclidean distance from the differences (exact up to rounding, never negative).</summary>
    public static double SquaredDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, i = 0, w = Vector<double>.Count;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        var acc = Vector<double>.Zero;
        for (; i <= n - w; i += w)
        {
            var t = Vector.LoadUnsafe(ref rx, (nuint)i) - Vector.LoadUnsafe(ref ry, (nuint)i);
            acc += t * t;
        }
        double s = Vector.Sum(acc);
        for (; i < n; i++) { double t = Unsafe.Add(ref rx, i) - Unsafe.Add(ref ry, i); s += t * t; }
        return s;
    }

    /// <summary>y += x.</summary>
    public static void Add(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, i = 0, w = Vector<double>.Count;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w)
            (Vector.LoadUnsafe(ref ry, (nuint)i) + Vector.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref ry, i) += Unsafe.Add(ref rx, i);
    }

    /// <summary>
    /// The 16 dot products of rows a_0..a_3 (aStride apart) with rows b_0..b_3 (bStride apart), each
    /// <paramref name="length"/> long: result[at + r * resultStride + c] = a_r . b_c. A register tile:
    /// every loaded vector serves four products. Per lane the products are summed with fused
    /// multiply-adds, then the lanes are added.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x4<T>(ref T a, nint aStride, ref T b, nint bStride, int length, Span<T> result, int at, int resultStride)
        where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector<T> c30 = default, c31 = default, c32 = default, c33 = default;
        ref T a1 = ref Unsafe.Add(ref a, aStride);
        ref T a2 = ref Unsafe.Add(ref a, 2 * aStride);
        ref T a3 = ref Unsafe.Add(ref a, 3 * aStride);
        ref T b1 = ref Unsafe.Add(ref b, bStride);
        ref T b2 = ref Unsafe.Add(ref b, 2 * bStride);
        ref T b3 = ref Unsafe.Add(ref b, 3 * bStride);
        int p = 0;
        for (; p <= length - w; p += w)
        {
            var y0 = Vector.LoadUnsafe(ref b, (nuint)p);
            var y1 = Vector.LoadUnsafe(ref b1, (nuint)p);
            var y2 = Vector.LoadUnsafe(ref b2, (nuint)p);
            var y3 = Vector.LoadUnsafe(ref b3, (nuint)p);
            var x = Vector.LoadUnsafe(ref a, (nuint)p);
            c00 = Fma(x, y0, c00); c01 = Fma(x, y1, c01); c02 = Fma(x, y2, c02); c03 = Fma(x, y3, c03);
            x = Vector.LoadUnsafe(ref a1, (nuint)p);
            c10 = Fma(x, y0, c10); c11 = Fma(x, y1, c11); c12 = Fma(x, y2, c12); c13 = Fma(x, y3, c13);
            x = Vector.LoadUnsafe(ref a2, (nuint)p);
            c20 = Fma(x, y0, c20); c21 = Fma(x, y1, c21); c22 = Fma(x, y2, c22); c23 = Fma(x, y3, c23);
            x = Vector.LoadUnsafe(ref a3, (nuint)p);
            c30 = Fma(x, y0, c30); c31 = Fma(x, y1, c31); c32 = Fma(x, y2, c32); c33 = Fma(x, y3, c33);
        }
        ref T r = ref Unsafe.Add(ref MemoryMarshal.GetReference(result), at);
        Store(ref r, c00, c01, c02, c03);
        Store(ref Unsafe.Add(ref r, resultStride), c10, c11, c12, c13);
        Store(ref Unsafe.Add(ref r, 2 * resultStride), c20, c21, c22, c23);
        Store(ref Unsafe.Add(ref r, 3 * resultStride), c30, c31, c32, c33);
        for (; p < length; p++)
            for (int i = 0; i < 4; i++)
            {
                T xi = Unsafe.Add(ref a, i * aStride + p);
                ref T ri = ref Unsafe.Add(ref r, i * resultStride);
                for (int j = 0; j < 4; j++) Unsafe.Add(ref ri, j) += xi * Unsafe.Add(ref b, j * bStride + p);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store<T>(ref T r, Vector<T> s0, Vector<T> s1, Vector<T> s2, Vector<T> s3) where T : unmanaged, INumber<T>
    {
        r = Vector.Sum(s0);
        Unsafe.Add(ref r, 1) = Vector.Sum(s1);
        Unsafe.Add(ref r, 2) = Vector.Sum(s2);
        Unsafe.Add(ref r, 3) = Vector.Sum(s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Fma<T>(Vector<T> x, Vector<T> y, Vector<T> acc) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), acc.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), acc.As<T, double>()).As<double, T>();
        return x * y + acc;
    }

    /// <summary>
    /// acc[c * accStride + p] += sum over r below <paramref name="rows"/> of b[r * bStride + c] * a[r * aStride + p]
    /// (the rows of b^T a) for c below bColumns rounded up to 4 (b must hold values there) and p below
    /// aColumns rounded up to four vectors (zeros beyond aColumns). A register tile of 4 columns of b
    /// by 4 vectors of a; per call the sums run in T and are added to the double accumulator, so
    /// float32 callers keep <paramref name="rows"/> to a few hundred. <paramref name="panel"/> is scratch
    /// of rows * <see cref="StripPadded"/>(aColumns) values. With <paramref name="upperOnly"/> (a and b
    /// the same rows, so b^T a is symmetric) only the tiles that hold entries with c &lt;= p are computed:
    /// half the work; the other entries of acc are then partial.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTransposedProducts<T>(ref T a, int aStride, int aColumns, ref T b, int bStride, int bColumns, int rows,
        Span<double> acc, int accStride, T[] panel, bool upperOnly = false) where T : unmanaged, INumber<T>
    {
        int w = Vector<T>.Count, width = 4 * w, padded = StripPadded<T>(aColumns);
        int columns = (bColumns + 3) / 4 * 4;
        ref T rp = ref MemoryMarshal.GetArrayDataReference(panel);
        // Rows sit aStride apart, which maps a column strip of them onto a few cache sets: the strips
        // are first copied into contiguous panels (rows x 4 vectors each).
        for (int i = 0; i < rows; i++)
        {
            ref T src = ref Unsafe.Add(ref a, (nint)i * aStride);
            for (int p = 0; p < padded; p += width)
            {
                ref T dst = ref Unsafe.Add(ref rp, (nint)p * rows + i * width);
                if (p + width <= aColumns)
                    for (int q = 0; q < width; q += w) Vector.LoadUnsafe(ref src, (nuint)(p + q)).StoreUnsafe(ref dst, (nuint)q);
                else
                    for (int q = 0; q < width; q++) Unsafe.Add(ref dst, q) = p + q < aColumns ? Unsafe.Add(ref src, p + q) : T.Zero;
            }
        }
        for (int p = 0; p < padded; p += width)
        {
            ref T strip = ref Unsafe.Add(ref rp, (nint)p * rows);
            int columnEnd = upperOnly ? Math.Min(columns, p + width) : columns;
            for (int c = 0; c < columnEnd; c += 4)
            {
                Vector<T> s00 = default, s01 = default, s02 = default, s03 = default;
                Vector<T> s10 = default, s11 = default, s12 = default, s13 = default;
                Vector<T> s20 = default, s21 = default, s22 = default, s23 = default;
                Vector<T> s30 = default, s31 = default, s32 = default, s33 = default;
                for (int i = 0; i < rows; i++)
                {
                    ref T ai = ref Unsafe.Add(ref strip, i * width);
                    ref T bi = ref Unsafe.Add(ref b, (nint)i * bStride + c);
                    var x0 = Vector.LoadUnsafe(ref ai);
                    var x1 = Vector.LoadUnsafe(ref ai, (nuint)w);
                    var x2 = Vector.LoadUnsafe(ref ai, (nuint)(2 * w));
                    var x3 = Vector.LoadUnsafe(ref ai, (nuint)(3 * w));
                    var y = new Vector<T>(bi);
                    s00 = Fma(x0, y, s00); s01 = Fma(x1, y, s01); s02 = Fma(x2, y, s02); s03 = Fma(x3, y, s03);
                    y = new Vector<T>(Unsafe.Add(ref bi, 1));
                    s10 = Fma(x0, y, s10); s11 = Fma(x1, y, s11); s12 = Fma(x2, y, s12); s13 = Fma(x3, y, s13);
                    y = new Vector<T>(Unsafe.Add(ref bi, 2));
                    s20 = Fma(x0, y, s20); s21 = Fma(x1, y, s21); s22 = Fma(x2, y, s22); s23 = Fma(x3, y, s23);
                    y = new Vector<T>(Unsafe.Add(ref bi, 3));
                    s30 = Fma(x0, y, s30); s31 = Fma(x1, y, s31); s32 = Fma(x2, y, s32); s33 = Fma(x3, y, s33);
                }
                ref double r = ref Unsafe.Add(ref MemoryMarshal.GetReference(acc), c * accStride + p);
                AddTo(ref r, w, s00, s01, s02, s03);
                AddTo(ref Unsafe.Add(ref r, accStride), w, s10, s11, s12, s13);
                AddTo(ref Unsafe.Add(ref r, 2 * accStride), w, s20, s21, s22, s23);
                AddTo(ref Unsafe.Add(ref r, 3 * accStride), w, s30, s31, s32, s33);
            }
        }
    }

    /// <summary>Columns rounded up to the strip width (four vectors) of <see cref="AddTransposedProducts"/>.</summary>
    public static int StripPadded<T>(int columns) where T : unmanaged, INumber<T>
    {
        int width = 4 * Vector<T>.Count;
        return (columns + width - 1) / width * width;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddTo<T>(ref double r, int w, Vector<T> s0, Vector<T> s1, Vector<T> s2, Vector<T> s3) where T : unmanaged, INumber<T>
    {
        AddTo(ref r, s0);
        AddTo(ref Unsafe.Add(ref r, w), s1);
        AddTo(ref Unsafe.Add(ref r, 2 * w), s2);
        AddTo(ref Unsafe.Add(ref r, 3 * w), s3);
    }

    // r[0 .. Vector<T>.Count) += s, widened to double.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddTo<T>(ref double r, Vector<T> s) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            int h = Vector<double>.Count;
            Vector.Widen(s.As<T, float>(), out var lo, out var hi);
            (Vector.LoadUnsafe(ref r) + lo).StoreUnsafe(ref r);
            (Vector.LoadUnsafe(ref r, (nuint)h) + hi).StoreUnsafe(ref r, (nuint)h);
        }
        else if (typeof(T) == typeof(double))
            (Vector.LoadUnsafe(ref r) + s.As<T, double>()).StoreUnsafe(ref r);
        else
            for (int i = 0; i < Vector<T>.Count; i++) Unsafe.Add(ref r, i) += double.CreateTruncating(s[i]);
    }
}
