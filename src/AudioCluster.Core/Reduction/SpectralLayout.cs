using AudioCluster.Clustering;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace AudioCluster.Reduction;

/// <summary>
/// UMAP's spectral start: the eigenvectors of the 2nd to (dim+1)-th smallest eigenvalues of the
/// normalised Laplacian I - D^-1/2 W D^-1/2, found as the largest of D^-1/2 W D^-1/2 (dense for small
/// graphs, Lanczos with full reorthogonalisation otherwise). A graph in several pieces is laid out
/// as umap-learn does: each component's own layout, scaled, around its own anchor.
/// </summary>
internal static class SpectralLayout
{
    const int DenseLimit = 400;
    const int MaxLanczos = 300;
    const double Tolerance = 1e-6;

    /// <summary>n x dim coordinates (row-major), or null when the eigenproblem gave nothing usable.</summary>
    public static double[]? Compute(DataMatrix data, CsrMatrix graph, int dim, SeededRandom rng, CancellationToken ct)
    {
        int n = graph.Rows;
        var (label, count) = Components(graph);
        var result = new double[n * dim];
        if (count == 1)
        {
            var emb = Embed(graph, dim, rng, ct);
            if (emb is null) return null;
            emb.CopyTo(result, 0);
            return AllFinite(result) ? result : null;
        }

        var anchors = Anchors(data, label, count, dim);
        var members = new List<int>[count];
        for (int c = 0; c < count; c++) members[c] = [];
        for (int i = 0; i < n; i++) members[label[i]].Add(i);
        for (int c = 0; c < count; c++)
        {
            ct.ThrowIfCancellationRequested();
            // Half the distance to the nearest other anchor.
            double range = double.PositiveInfinity;
            for (int o = 0; o < count; o++)
            {
                if (o == c) continue;
                double d = 0;
                for (int t = 0; t < dim; t++) { double u = anchors[c * dim + t] - anchors[o * dim + t]; d += u * u; }
                if (d > 0) range = Math.Min(range, Math.Sqrt(d));
            }
            range = double.IsPositiveInfinity(range) ? 1.0 : range / 2;
            var idx = members[c];
            double[]? emb = null;
            if (idx.Count >= 2 * dim && idx.Count > dim + 1)
            {
                emb = Embed(Subgraph(graph, idx, label, c), dim, rng, ct);
                if (emb is not null)
                {
                    double max = 0;
                    foreach (var v in emb) max = Math.Max(max, Math.Abs(v));
                    if (!(max > 0) || !AllFinite(emb)) emb = null;
                    else for (int t = 0; t < emb.Length; t++) emb[t] *= range / max;
                }
            }
            for (int m = 0; m < idx.Count; m++)
                for (int t = 0; t < dim; t++)
                    result[idx[m] * dim + t] = anchors[c * dim + t] + (emb is null ? rng.NextDouble() * 2 * range - range : emb[m * dim + t]);
        }
        return AllFinite(result) ? result : null;
    }

    static bool AllFinite(double[] v)
    {
        foreach (var x in v) if (!double.IsFinite(x)) return false;
        return true;
    }

    /// <summary>
    /// Component anchors: +-unit vectors when there are at most 2 dim components (umap-learn's choice);
    /// otherwise the components' centroids projected by PCA and scaled to at most 1.
    /// </summary>
    static double[] Anchors(DataMatrix data, int[] label, int count, int dim)
    {
        var anchors = new double[count * dim];
        if (count <= 2 * dim)
        {
            int half = (count + 1) / 2;
            for (int c = 0; c < count; c++) anchors[c * dim + c % half] = c < half ? 1.0 : -1.0;
            return anchors;
        }
        int d = data.Columns;
        var centroids = new DataMatrix(count, d);
        var sizes = new int[count];
        for (int i = 0; i < data.Rows; i++) { VectorKernels.Add(data.Row(i), centroids.Row(label[i])); sizes[label[i]]++; }
        for (int c = 0; c < count; c++)
        {
            var row = centroids.Row(c);
            for (int j = 0; j < d; j++) row[j] /= sizes[c];
        }
        int k = Math.Min(dim, Math.Min(count, d));
        var proj = Pca.Fit(centroids, new PcaOptions { Dimensions = k, Solver = PcaSolver.Full }).Transform(centroids);
        double max = 0;
        foreach (var v in proj.Data) max = Math.Max(max, Math.Abs(v));
        for (int c = 0; c < count; c++)
            for (int t = 0; t < k; t++) anchors[c * dim + t] = max > 0 ? proj[c, t] / max : 0.0;
        return anchors;
    }

    static (int[] Label, int Count) Components(CsrMatrix g)
    {
        int n = g.Rows, count = 0;
        var label = new int[n];
        Array.Fill(label, -1);
        var queue = new int[n];
        for (int s = 0; s < n; s++)
        {
            if (label[s] >= 0) continue;
            int head = 0, tail = 0;
            queue[tail++] = s;
            label[s] = count;
            while (head < tail)
            {
                int i = queue[head++];
                for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++)
                {
                    int j = g.Columns[e];
                    if (label[j] < 0) { label[j] = count; queue[tail++] = j; }
                }
            }
            count++;
        }
        return (label, count);
    }

    static CsrMatrix Subgraph(CsrMatrix g, List<int> members, int[] label, int component)
    {
        var local = new Dictionary<int, int>(members.Count);
        for (int m = 0; m < members.Count; m++) local[members[m]] = m;
        var rowStart = new int[members.Count + 1];
        var cols = new List<int>();
        var vals = new List<double>();
        for (int m = 0; m < members.Count; m++)
        {
            int i = members[m];
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++)
                if (label[g.Columns[e]] == component) { cols.Add(local[g.Columns[e]]); vals.Add(g.Values[e]); }
            rowStart[m + 1] = cols.Count;
        }
        return new CsrMatrix(rowStart, cols.ToArray(), vals.ToArray());
    }

    /// <summary>Eigenvectors 2..dim+1 (by decreasing eigenvalue of D^-1/2 W D^-1/2) of a connected graph, n x dim.</summary>
    static double[]? Embed(CsrMatrix g, int dim, SeededRandom rng, CancellationToken ct)
    {
        int n = g.Rows;
        if (n <= dim + 1) return null;
        var dinv = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++) s += g.Values[e];
            if (!(s > 0)) return null;
            dinv[i] = 1.0 / Math.Sqrt(s);
        }
        return n <= DenseLimit ? Dense(g, dinv, dim) : Lanczos(g, dinv, dim, rng, ct);
    }

    static double[] Dense(CsrMatrix g, double[] dinv, int dim)
    {
        int n = g.Rows;
        var m = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++) m[i, g.Columns[e]] = dinv[i] * g.Values[e] * dinv[g.Columns[e]];
        var evd = m.Evd(Symmetricity.Symmetric);
        var result = new double[n * dim];
        // Ascending eigenvalues: the last is the trivial one.
        for (int t = 0; t < dim; t++)
        {
            int col = n - 2 - t;
            for (int i = 0; i < n; i++) result[i * dim + t] = evd.EigenVectors[i, col];
        }
        return result;
    }

    /// <summary>Lanczos on the operator restricted to the complement of the trivial eigenvector sqrt(degree).</summary>
    static double[]? Lanczos(CsrMatrix g, double[] dinv, int dim, SeededRandom rng, CancellationToken ct)
    {
        int n = g.Rows;
        var trivial = new double[n];
        for (int i = 0; i < n; i++) trivial[i] = 1.0 / dinv[i];
        Normalize(trivial);
        int maxSteps = Math.Min(MaxLanczos, n - 1);
        var q = new List<double[]>();
        var alpha = new List<double>();
        var beta = new List<double>();
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.NextGaussian();
        Orthogonalize(v, trivial, q);
        if (Normalize(v) == 0) return null;
        var w = new double[n];
        Evd<double>? ritz = null;
        for (int step = 0; step < maxSteps; step++)
        {
            ct.ThrowIfCancellationRequested();
            q.Add((double[])v.Clone());
            Apply(g, dinv, v, w);
            double a = VectorKernels.Dot(w, v);
            alpha.Add(a);
            Orthogonalize(w, trivial, q);
            double bnorm = Math.Sqrt(VectorKernels.Dot(w, w));
            int size = q.Count;
            bool done = bnorm < 1e-10 || size == maxSteps;
            if (!done && size >= dim + 1 && size % 10 == 0)
            {
                ritz = Tridiagonal(alpha, beta).Evd(Symmetricity.Symmetric);
                // Residual of a Ritz pair: |beta_m| times the last entry of its eigenvector.
                done = true;
                for (int t = 0; t < dim; t++)
                    if (Math.Abs(bnorm * ritz.EigenVectors[size - 1, size - 1 - t]) > Tolerance) { done = false; break; }
            }
            if (done)
            {
                if (ritz is null || ritz.EigenValues.Count != size) ritz = Tridiagonal(alpha, beta).Evd(Symmetricity.Symmetric);
                if (size < dim) return null;
                var result = new double[n * dim];
                for (int t = 0; t < dim; t++)
                {
                    int col = size - 1 - t; // largest Ritz values
                    for (int j = 0; j < size; j++)
                    {
                        double s = ritz.EigenVectors[j, col];
                        var qj = q[j];
                        for (int i = 0; i < n; i++) result[i * dim + t] += s * qj[i];
                    }
                }
                return result;
            }
            beta.Add(bnorm);
            for (int i = 0; i < n; i++) v[i] = w[i] / bnorm;
            ritz = null;
        }
        return null;
    }

    static Matrix<double> Tridiagonal(List<double> alpha, List<double> beta)
    {
        int m = alpha.Count;
        var t = Matrix<double>.Build.Dense(m, m);
        for (int i = 0; i < m; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < m) t[i, i + 1] = t[i + 1, i] = beta[i];
        }
        return t;
    }

    // y = D^-1/2 W D^-1/2 x
    static void Apply(CsrMatrix g, double[] dinv, double[] x, double[] y)
    {
        for (int i = 0; i < g.Rows; i++)
        {
            double s = 0;
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++) s += g.Values[e] * dinv[g.Columns[e]] * x[g.Columns[e]];
            y[i] = dinv[i] * s;
        }
    }

    // Full reorthogonalisation (twice) against the trivial vector and every Lanczos vector.
    static void Orthogonalize(double[] w, double[] trivial, List<double[]> q)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            DenseOps.AddScaled(w, trivial, -VectorKernels.Dot(w, trivial));
            foreach (var qi in q) DenseOps.AddScaled(w, qi, -VectorKernels.Dot(w, qi));
        }
    }

    static double Normalize(double[] v)
    {
        double norm = Math.Sqrt(VectorKernels.Dot(v, v));
        if (norm > 0) for (int i = 0; i < v.Length; i++) v[i] /= norm;
        return norm;
    }
}
