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
}
