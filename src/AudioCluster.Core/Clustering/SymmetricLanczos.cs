using MathNet.Numerics.LinearAlgebra;

namespace AudioCluster.Clustering;

/// <summary>
/// Largest eigenpairs of a symmetric operator given only as a product y = A x: thick-restart
/// Lanczos (Krylov-Schur for symmetric matrices) with full re-orthogonalisation (classical
/// Gram-Schmidt, twice). Memory is one basis of at most BasisSize vectors; time is dominated by the
/// products and O(BasisSize^2 n) orthogonalisation per restart. Dot products and updates are summed in
/// a fixed order, so results do not depend on the thread count.
/// </summary>
internal static class SymmetricLanczos
{
    const int MaxRestarts = 2000;
    const int Chunk = 4096;

    /// <summary>
    /// The <paramref name="count"/> largest eigenvalues (descending) and unit eigenvectors of the
    /// n x n symmetric operator <paramref name="apply"/>(x, y) (y = A x), converged until each
    /// residual ||A u - theta u|| is at most <paramref name="tolerance"/>.
    /// </summary>
    public static (double[] Values, double[][] Vectors) Largest(int n, int count, Action<double[], double[]> apply,
        double tolerance, SeededRandom rng, ParallelOptions po)
    {
        if (count < 1 || count > n) throw new ArgumentOutOfRangeException(nameof(count));
        int m = Math.Min(n, Math.Max(2 * count + 20, 40));
        if (m == n) return Dense(n, count, apply);
        int keep = (m + count) / 2;

        var v = new double[m + 1][];
        for (int i = 0; i <= m; i++) v[i] = new double[n];
        var h = new double[m + 1, m];
        var w = new double[n];
        var coef = new double[m + 1];

        for (int e = 0; e < n; e++) v[0][e] = rng.NextDouble() * 2 - 1;   // ARPACK-like uniform start
        Normalize(v[0]);
        int start = 0;
        for (int cycle = 0; cycle < MaxRestarts; cycle++)
        {
            for (int j = start; j < m; j++)
            {
                po.CancellationToken.ThrowIfCancellationRequested();
                apply(v[j], w);
                for (int pass = 0; pass < 2; pass++)
                {
                    Orthogonalize(v, j + 1, w, coef, po);
                    for (int i = 0; i <= j; i++) h[i, j] += coef[i];
                }
                double beta = Math.Sqrt(VectorKernels.Dot(w, w));
                // An invariant subspace: go on from a random direction outside it (coupling 0).
                if (beta <= 1e-12 * (1 + Math.Abs(h[j, j])))
                {
                    for (int e = 0; e < n; e++) w[e] = rng.NextDouble() * 2 - 1;
                    for (int pass = 0; pass < 2; pass++) Orthogonalize(v, j + 1, w, coef, po);
                    Normalize(w);
                    beta = 0;
                }
                else for (int e = 0; e < n; e++) w[e] /= beta;
                h[j + 1, j] = beta;
                Array.Copy(w, v[j + 1], n);
            }

            // Ritz pairs of the projected matrix (symmetric up to rounding).
            var t = Matrix<double>.Build.Dense(m, m, (r, c) => 0.5 * (h[r, c] + h[c, r]));
            var evd = t.Evd(Symmetricity.Symmetric);
            var order = Enumerable.Range(0, m).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
            var y = evd.EigenVectors;
            double last = h[m, m - 1];
            bool done = true;
            for (int i = 0; i < count; i++)
                if (Math.Abs(last * y[m - 1, order[i]]) > tolerance) { done = false; break; }
            int kept = done ? count : keep;

            // New basis: the kept Ritz vectors, then the residual direction v[m].
            var ritz = new double[kept][];
            for (int i = 0; i < kept; i++)
            {
                var u = ritz[i] = new double[n];
                int col = order[i];
                PairwiseKernels.ForChunks(n, Chunk, (long)n * m, po, (s, e) =>
                {
                    for (int b = 0; b < m; b++)
                    {
                        double yb = y[b, col];
                        var vb = v[b];
                        for (int q = s; q < e; q++) u[q] += yb * vb[q];
                    }
                });
            }
            if (done)
            {
                var values = new double[count];
                for (int i = 0; i < count; i++) values[i] = evd.EigenValues[order[i]].Real;
                return (values, ritz);
            }

            Array.Copy(v[m], v[kept], n);
            for (int i = 0; i < kept; i++) Array.Copy(ritz[i], v[i], n);
            Array.Clear(h);
            for (int i = 0; i < kept; i++)
            {
                h[i, i] = evd.EigenValues[order[i]].Real;
                h[kept, i] = last * y[m - 1, order[i]];   // A u_i = theta_i u_i + (this) v_kept
            }
            start = kept;
        }
        throw new InvalidOperationException($"The eigenvalue solver did not converge in {MaxRestarts} restarts.");
    }

    // w -= sum_i (v_i . w) v_i over the first `count` basis vectors; coefficients into coef.
    static void Orthogonalize(double[][] v, int count, double[] w, double[] coef, ParallelOptions po)
    {
        int n = w.Length;
        if (po.MaxDegreeOfParallelism == 1 || (long)count * n < 200_000)
            for (int i = 0; i < count; i++) coef[i] = VectorKernels.Dot(v[i], w);
        else Parallel.For(0, count, po, i => coef[i] = VectorKernels.Dot(v[i], w));
        PairwiseKernels.ForChunks(n, Chunk, (long)count * n, po, (s, e) =>
        {
            for (int i = 0; i < count; i++)
            {
                double c = coef[i];
                var vi = v[i];
                for (int q = s; q < e; q++) w[q] -= c * vi[q];
            }
        });
    }

    static void Normalize(double[] x)
    {
        double norm = Math.Sqrt(VectorKernels.Dot(x, x));
        for (int i = 0; i < x.Length; i++) x[i] /= norm;
    }

    // Small operators: build the matrix column by column and solve it directly.
    static (double[] Values, double[][] Vectors) Dense(int n, int count, Action<double[], double[]> apply)
    {
        var a = Matrix<double>.Build.Dense(n, n);
        var e = new double[n];
        var col = new double[n];
        for (int j = 0; j < n; j++)
        {
            e[j] = 1;
            apply(e, col);
            e[j] = 0;
            for (int i = 0; i < n; i++) a[i, j] = col[i];
        }
        a = 0.5 * (a + a.Transpose());
        var evd = a.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderByDescending(i => evd.EigenValues[i].Real).Take(count).ToArray();
        return (order.Select(i => evd.EigenValues[i].Real).ToArray(),
            order.Select(i => evd.EigenVectors.Column(i).ToArray()).ToArray());
    }
}
