using AudioCluster.Clustering;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace AudioCluster.Reduction;

public enum PcaSolver
{
    /// <summary>As scikit-learn's "auto": Full when the larger side is at most 500 or when most
    /// components are kept (at least 80 % of the smaller side), Randomized otherwise.</summary>
    Auto,
    /// <summary>Exact: eigendecomposition of the smaller Gram matrix (d x d or n x n).</summary>
    Full,
    /// <summary>Randomized range finder with power iterations (Halko et al.), as scikit-learn's randomized_svd.</summary>
    Randomized,
}

/// <summary>
/// Parameters of <see cref="Pca"/>, named after scikit-learn's PCA. Set at most one of
/// <see cref="Dimensions"/> (n_components as an integer) and <see cref="VarianceShare"/>
/// (n_components as a fraction); with neither, min(n, d) components are kept.
/// </summary>
public sealed record PcaOptions
{
    /// <summary>Components to keep, 1 to min(points, dimensions).</summary>
    public int? Dimensions { get; init; }
    /// <summary>Keep the fewest components whose explained variance ratios add up to at least this share (0 &lt; share &lt; 1; Full solver).</summary>
    public double? VarianceShare { get; init; }
    /// <summary>Divide the projections by the square root of the explained variance, so that every output column has unit variance.</summary>
    public bool Whiten { get; init; }
    public PcaSolver Solver { get; init; } = PcaSolver.Auto;
    /// <summary>Randomized solver: extra random directions beyond Dimensions (n_oversamples).</summary>
    public int Oversamples { get; init; } = 10;
    /// <summary>Randomized solver: power iterations; null is scikit-learn's 'auto' (7 when Dimensions &lt; 0.1 min(n, d), else 4).</summary>
    public int? PowerIterations { get; init; }
    public int Seed { get; init; }
    /// <summary>
    /// Randomized solver: run the power iterations on the d x d Gram matrix (true) or by passes over the
    /// rows (false); null takes the cheaper one. The same iterates up to rounding (tests compare them).
    /// </summary>
    internal bool? GramPowerIterations { get; init; }
    /// <summary>Threads for the products; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>
/// Principal component analysis as scikit-learn 1.2 computes it: data centred on the column means,
/// explained variance s^2 / (n - 1), component signs fixed as svd_flip does (in each column of U the
/// entry of largest magnitude is positive, i.e. every component's largest projection of a training
/// point is positive).
/// </summary>
public static class Pca
{
    public static PcaModel Fit(DataMatrix data, PcaOptions options, CancellationToken cancellationToken = default) =>
        Fit(data, options, cancellationToken, out _);

    // Also returns the projections of the training data (unwhitened): svd_flip needs them anyway.
    static PcaModel Fit(DataMatrix data, PcaOptions options, CancellationToken cancellationToken, out DataMatrix projections)
    {
        var solver = Validate(data, options);
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        int n = data.Rows, d = data.Columns, r = Math.Min(n, d);
        var mean = DenseOps.ColumnMeans(data, po, out double maxAbs);
        // A NaN or an infinity anywhere shows in the sums: only then is the data searched for it.
        if (mean.Any(v => !double.IsFinite(v)))
        {
            DenseOps.CheckData(data, "PCA", 2);
            throw new ArgumentException($"The values are too large to average (largest magnitude {maxAbs}).", nameof(data));
        }
        cancellationToken.ThrowIfCancellationRequested();

        double[] singular;
        double[][] components;
        double totalVariance, noise;
        int k;
        if (solver == PcaSolver.Full)
        {
            (singular, components, double trace) = FullSvd(DenseOps.Centered(data, mean, po), options, po);
            var allVariance = singular.Select(s => s * s / (n - 1)).ToArray();
            totalVariance = trace / (n - 1);
            k = options.VarianceShare is double share ? ComponentsForShare(allVariance, totalVariance, share) : options.Dimensions ?? r;
            noise = k < r ? allVariance.Skip(k).Average() : 0.0;
        }
        else
        {
            k = options.Dimensions ?? r;
            // The power iterations read a centred float32 copy (written by their first pass); the double
            // products fold the centring in: (x - mean) w = x w - mean w.
            var (xs, fillRows) = DenseOps.CenteredSingle(data, mean, maxAbs, out var rowSquaredNorms);
            (singular, components) = RandomizedSvd(data, mean, xs, fillRows, k, options, po);
            totalVariance = rowSquaredNorms.Sum() / (n - 1);
            double kept = singular.Take(k).Sum(s => s * s / (n - 1));
            noise = k < r ? (totalVariance - kept) / (r - k) : 0.0;
        }
        cancellationToken.ThrowIfCancellationRequested();

        components = components.Take(k).ToArray();
        singular = singular.Take(k).ToArray();
        projections = PcaModel.Project(data, components, mean, po);
        FlipSigns(projections, components, po);
        var variance = singular.Select(s => s * s / (n - 1)).ToArray();
        var ratio = variance.Select(v => totalVariance > 0 ? v / totalVariance : 0.0).ToArray();
        var matrix = new DataMatrix(k, d);
        for (int c = 0; c < k; c++) components[c].CopyTo(matrix.Row(c));
        return new PcaModel(mean, matrix, variance, ratio, singular, noise, options.Whiten, n, solver);
    }

    /// <summary>Fits and returns the projections of the training data.</summary>
    public static DataMatrix FitTransform(DataMatrix data, PcaOptions options, out PcaModel model, CancellationToken cancellationToken = default)
    {
        model = Fit(data, options, cancellationToken, out var projections);
        // The same numbers as model.Transform(data): negating a component negates its products exactly.
        model.ApplyWhitening(projections);
        return projections;
    }

    static PcaSolver Validate(DataMatrix data, PcaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DenseOps.CheckData(data, "PCA", 2, checkFinite: false); // finiteness: from the column sums in Fit
        int n = data.Rows, d = data.Columns, r = Math.Min(n, d);
        if (options.Dimensions is not null && options.VarianceShare is not null)
            throw new ArgumentException("Set either Dimensions or VarianceShare, not both.", nameof(options));
        if (options.Dimensions is int k && (k < 1 || k > r))
            throw new ArgumentException($"Dimensions {k} must be between 1 and {r} (the smaller of {n} points and {d} dimensions).", nameof(options));
        if (options.VarianceShare is double share && !(share > 0 && share < 1))
            throw new ArgumentException($"VarianceShare {share} must be greater than 0 and less than 1.", nameof(options));
        if (options.Oversamples < 0)
            throw new ArgumentException($"Oversamples {options.Oversamples} must be 0 or more.", nameof(options));
        if (options.PowerIterations is int q && q < 0)
            throw new ArgumentException($"PowerIterations {q} must be 0 or more.", nameof(options));
        if (options.MaxDegreeOfParallelism == 0 || options.MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism {options.MaxDegreeOfParallelism} must be -1 (all cores) or at least 1.", nameof(options));
        if (!Enum.IsDefined(options.Solver))
            throw new ArgumentException($"Unknown solver {options.Solver}.", nameof(options));

        var solver = options.Solver;
        if (solver == PcaSolver.Auto)
        {
            int kk = options.Dimensions ?? r;
            solver = Math.Max(n, d) <= 500 || options.VarianceShare is not null || kk >= 0.8 * r ? PcaSolver.Full : PcaSolver.Randomized;
        }
        if (solver == PcaSolver.Randomized && options.VarianceShare is not null)
            throw new ArgumentException("VarianceShare needs every singular value: use Solver Full (or Auto).", nameof(options));
        return solver;
    }

    // Fewest components whose ratios add up to at least the share (cumulative sum in order, as scikit-learn's stable_cumsum).
    static int ComponentsForShare(double[] variance, double total, double share)
    {
        double sum = 0;
        for (int k = 0; k < variance.Length; k++)
        {
            sum += variance[k] / total;
            if (sum >= share) return k + 1;
        }
        return variance.Length;
    }

    /// <summary>Every singular value (descending) and right singular vector of the centred data, and the trace of its Gram matrix.</summary>
    static (double[] Singular, double[][] Components, double Trace) FullSvd(DataMatrix xc, PcaOptions options, ParallelOptions po)
    {
        int n = xc.Rows, d = xc.Columns, r = Math.Min(n, d);
        // The Gram matrix of the shorter side is small; its eigenvalues are the squared singular values.
        bool tall = n >= d;
        int m = tall ? d : n;
        var g = tall ? DenseOps.GramColumns(xc, po) : DenseOps.GramRows(xc, po);
        double trace = 0;
        for (int i = 0; i < m; i++) trace += g[(long)i * m + i];
        po.CancellationToken.ThrowIfCancellationRequested();
        var evd = Matrix<double>.Build.DenseOfColumnMajor(m, m, g).Evd(Symmetricity.Symmetric);
        var vectors = evd.EigenVectors;
        var values = evd.EigenValues;
        var singular = new double[r];
        var basis = new double[r][];
        for (int c = 0; c < r; c++)
        {
            int col = m - 1 - c; // ascending order from the solver
            singular[c] = Math.Sqrt(Math.Max(values[col].Real, 0));
            basis[c] = vectors.Column(col).ToArray();
        }
        if (tall) return (singular, basis, trace);

        // Wide data: right singular vectors v = X^T u / s.
        var components = new double[r][];
        for (int c = 0; c < r; c++) components[c] = new double[d];
        DenseOps.MultiplyTransposed(xc, basis, components, po);
        // Vectors of zero singular values are arbitrary: orthonormalisation completes the basis.
        DenseOps.Orthonormalize(components, new SeededRandom(options.Seed));
        return (singular, components, trace);
    }

    /// <summary>The leading singular values and right singular vectors (at least k) by a randomized range finder.</summary>
    static (double[] Singular, double[][] Components) RandomizedSvd(DataMatrix data, double[] mean, SingleRows xs, Action<int, int>? fillRows,
        int k, PcaOptions options, ParallelOptions po)
    {
        int n = data.Rows, d = data.Columns, r = Math.Min(n, d);
        int l = Math.Min(k + options.Oversamples, r);
        int iterations = options.PowerIterations ?? (k < 0.1 * r ? 7 : 4);
        var rng = new SeededRandom(options.Seed);
        var omega = NewVectors(l, d);
        foreach (var v in omega)
            for (int j = 0; j < d; j++) v[j] = rng.NextGaussian();
        double[][]? y = null; // Y = X omega^T as columns, only where the one-pass steps decline
        // Power iterations, orthonormalising after every product so that small directions survive.
        // They only look for the subspace, so their products run in float32; B below is exact.
        // X^T (X omega^T) = G omega^T with G = X^T X: one pass for G (n d^2 / 2 multiply-adds, its upper
        // triangle) and d^2 l per iteration replace a pass per iteration (2 n d l) when that is cheaper
        // (tall, narrow data); all divided by d below.
        bool gramRoute = iterations > 0 && (options.GramPowerIterations ??
            (DenseOps.GramSingleRunsInParallel(d) && (double)n * d / 2 + (double)iterations * d * l < 2.0 * iterations * n * l));
        if (gramRoute)
        {
            var g = DenseOps.GramSingle(xs, po, fillRows); // the first pass: writes the float32 copy
            fillRows = null;
            for (int it = 0; it < iterations; it++)
            {
                DenseOps.MultiplySymmetric(g, omega, po);
                DenseOps.Orthonormalize(omega, rng);
            }
        }
        else for (int it = 0; it < iterations; it++)
        {
            // The first pass writes the float32 copy as it goes (whether or not the step succeeds).
            bool stepped = DenseOps.PowerStepSingle(xs, omega, po, fillRows);
            fillRows = null;
            if (!stepped)
            {
                y ??= NewVectors(l, n);
                DenseOps.MultiplyRowsSingle(xs, omega, y, po);
                // Only the span matters here (scikit-learn takes an LU factor): one Cholesky QR pass.
                DenseOps.OrthonormalizeTall(y, rng, po, passes: 1);
                CenteredTransposedProduct(data, mean, y, omega, po);
            }
            DenseOps.Orthonormalize(omega, rng);
        }
        // B = Q^T X (l x d), Q an orthonormal basis of X omega^T; its SVD through a QR of B^T:
        // B^T = Qb R, R = Ur S W^T, so B's right vectors are Qb Ur.
        var b = NewVectors(l, d);
        if (!DenseOps.ProjectOntoRange(xs, omega, data, mean, b, po, fillRows))
        {
            y ??= NewVectors(l, n);
            DenseOps.MultiplyRowsSingle(xs, omega, y, po);
            DenseOps.OrthonormalizeTall(y, rng, po);
            CenteredTransposedProduct(data, mean, y, b, po);
        }
        var qb = b.Select(v => (double[])v.Clone()).ToArray();
        DenseOps.Orthonormalize(qb, rng);
        var rMatrix = Matrix<double>.Build.Dense(l, l, (i, j) => Clustering.VectorKernels.Dot(qb[i], b[j]));
        var svd = rMatrix.Svd(true);
        var singular = svd.S.ToArray();
        var components = new double[l][];
        for (int c = 0; c < l; c++)
        {
            var v = components[c] = new double[d];
            for (int j = 0; j < l; j++) DenseOps.AddScaled(v, qb[j], svd.U[j, c]);
        }
        return (singular, components);
    }

    /// <summary>result[c] = (X - mean)^T y_c = X^T y_c - (sum of y_c) mean, without a centred copy of X.</summary>
    static void CenteredTransposedProduct(DataMatrix data, double[] mean, double[][] y, double[][] result, ParallelOptions po)
    {
        DenseOps.MultiplyTransposed(data, y, result, po);
        for (int c = 0; c < y.Length; c++) DenseOps.AddScaled(result[c], mean, -y[c].Sum());
    }

    /// <summary>
    /// svd_flip on U: the projection of largest magnitude (first one on ties) becomes positive; the
    /// component and its column of projections change sign together.
    /// </summary>
    static void FlipSigns(DataMatrix projections, double[][] components, ParallelOptions po)
    {
        int n = projections.Rows, k = components.Length;
        var p = projections.Data;
        // Each fixed part of the rows finds its first largest entry per column in one pass over its rows;
        // the parts are compared in order, so the first one on ties wins on any thread count.
        int parts = Math.Min(16, Math.Max(1, n / 4096));
        var bestParts = new int[parts][];
        Parallel.For(0, parts, po, part =>
        {
            int start = (int)((long)n * part / parts), end = (int)((long)n * (part + 1) / parts);
            var best = bestParts[part] = new int[k];
            Array.Fill(best, start);
            for (int i = start + 1; i < end; i++)
                for (int c = 0; c < k; c++)
                    if (Math.Abs(p[i * k + c]) > Math.Abs(p[best[c] * k + c])) best[c] = i;
        });
        var negate = new bool[k];
        for (int c = 0; c < k; c++)
        {
            int best = bestParts[0][c];
            foreach (var partBest in bestParts)
                if (Math.Abs(p[partBest[c] * k + c]) > Math.Abs(p[best * k + c])) best = partBest[c];
            negate[c] = p[best * k + c] < 0;
        }
        if (!negate.Contains(true)) return;
        for (int c = 0; c < k; c++)
            if (negate[c])
                for (int j = 0; j < components[c].Length; j++) components[c][j] = -components[c][j];
        Parallel.For(0, (n + 1023) / 1024, po, b =>
        {
            int end = Math.Min(n, (b + 1) * 1024);
            for (int i = b * 1024; i < end; i++)
                for (int c = 0; c < k; c++)
                    if (negate[c]) p[i * k + c] = -p[i * k + c];
        });
    }

    static double[][] NewVectors(int count, int length)
    {
        var v = new double[count][];
        for (int i = 0; i < count; i++) v[i] = new double[length];
        return v;
    }
}
