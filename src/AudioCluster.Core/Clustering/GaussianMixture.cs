using MathNet.Numerics.LinearAlgebra;

namespace AudioCluster.Clustering;

/// <summary>Shape of each mixture component's covariance.</summary>
public enum CovarianceType
{
    /// <summary>Each component has its own general covariance matrix.</summary>
    Full,
    /// <summary>Each component has its own diagonal covariance (a variance per dimension).</summary>
    Diagonal,
}

/// <summary>
/// Parameters of <see cref="GaussianMixture"/>, as scikit-learn 1.2's GaussianMixture with
/// init_params="kmeans": Restarts is n_init, Tolerance is tol on the change of the lower bound
/// (mean log-likelihood per point), CovarianceRegularization is reg_covar.
/// </summary>
public sealed record GaussianMixtureOptions(
    int ClusterCount,
    CovarianceType CovarianceType = CovarianceType.Full,
    int Restarts = 1,
    int MaxIterations = 100,
    double Tolerance = 1e-3,
    double CovarianceRegularization = 1e-6,
    int Seed = 0)
{
    /// <summary>Threads for the per-point work; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>A fitted Gaussian mixture: the soft partition of the training data and the components.</summary>
public sealed class GaussianMixtureResult
{
    readonly GaussianMixture.Components _model;

    internal GaussianMixture.Components Model => _model;

    internal GaussianMixtureResult(GaussianMixture.Components model, int[] labels, DataMatrix probabilities, double meanLogLikelihood,
        double lowerBound, int iterations, bool converged, int bestRestart)
    {
        _model = model;
        Labels = labels; Probabilities = probabilities; MeanLogLikelihood = meanLogLikelihood;
        LowerBound = lowerBound; Iterations = iterations; Converged = converged; BestRestart = bestRestart;
        int n = labels.Length;
        Confidence = new double[n];
        for (int i = 0; i < n; i++) Confidence[i] = probabilities[i, labels[i]];
        Bic = -2 * meanLogLikelihood * n + ParameterCount * Math.Log(n);
        Aic = -2 * meanLogLikelihood * n + 2 * ParameterCount;
    }

    /// <summary>Most probable component of every training point, 0-based.</summary>
    public int[] Labels { get; }
    /// <summary>Responsibilities: n x ClusterCount, each row sums to 1.</summary>
    public DataMatrix Probabilities { get; }
    /// <summary>Probability of the chosen component of every point (the row maximum of <see cref="Probabilities"/>).</summary>
    public double[] Confidence { get; }
    public CovarianceType CovarianceType => _model.Type;
    public int ClusterCount => _model.K;
    /// <summary>Component means, ClusterCount x dimensions.</summary>
    public DataMatrix Means => _model.Means.Clone();
    /// <summary>Mixing weights, summing to 1.</summary>
    public double[] Weights => (double[])_model.Weights.Clone();
    /// <summary>Covariance of every component as a d x d matrix (diagonal matrices for <see cref="CovarianceType.Diagonal"/>), regularisation included.</summary>
    public DataMatrix[] Covariances => _model.CovarianceMatrices();
    /// <summary>False when the kept run stopped at MaxIterations.</summary>
    public bool Converged { get; }
    /// <summary>EM iterations of the kept run (scikit-learn's n_iter_).</summary>
    public int Iterations { get; }
    /// <summary>Lower bound of the kept run at its last iteration (scikit-learn's lower_bound_).</summary>
    public double LowerBound { get; }
    /// <summary>Mean log-likelihood per training point under the final parameters (scikit-learn's score(X)).</summary>
    public double MeanLogLikelihood { get; }
    /// <summary>Bayesian information criterion on the training data; lower is better.</summary>
    public double Bic { get; }
    /// <summary>Akaike information criterion on the training data; lower is better.</summary>
    public double Aic { get; }
    /// <summary>Free parameters: means, covariances and ClusterCount - 1 weights.</summary>
    public int ParameterCount => _model.ParameterCount;
    /// <summary>0-based index of the restart that was kept.</summary>
    public int BestRestart { get; }

    /// <summary>Most probable component for each row of <paramref name="x"/>.</summary>
    public int[] Predict(DataMatrix x) => Argmax(PredictProbability(x));

    /// <summary>Responsibilities of the components for each row of <paramref name="x"/> (rows sum to 1).</summary>
    public DataMatrix PredictProbability(DataMatrix x)
    {
        Check(x);
        var logResp = new DataMatrix(x.Rows, ClusterCount);
        _model.EStep(x, logResp, new ParallelOptions());
        GaussianMixture.Exp(logResp);
        return logResp;
    }

    /// <summary>Mean log-likelihood per row of <paramref name="x"/> under the model.</summary>
    public double Score(DataMatrix x)
    {
        Check(x);
        return _model.EStep(x, new DataMatrix(x.Rows, ClusterCount), new ParallelOptions());
    }

    void Check(DataMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns != _model.D)
            throw new ArgumentException($"The model was fitted on {_model.D}-dimensional vectors; these have {x.Columns}.", nameof(x));
        KMeans.CheckFinite(x, nameof(x));
    }

    internal static int[] Argmax(DataMatrix m)
    {
        var labels = new int[m.Rows];
        for (int i = 0; i < m.Rows; i++)
        {
            var row = m.Row(i);
            int best = 0;
            for (int c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
            labels[i] = best;
        }
        return labels;
    }
}

/// <summary>
/// Gaussian mixture fitted by expectation-maximisation as scikit-learn 1.2 does it: responsibilities
/// start one-hot from k-means labels (one k-means++ run seeded by Seed + restart), then an M-step;
/// E- and M-steps alternate until the mean log-likelihood changes by less than Tolerance; the restart
/// with the highest lower bound is kept, and a final E-step gives the labels. Log-densities come from
/// the Cholesky factors of the covariances. Per-point work runs on all cores in fixed chunks, and
/// every sum is taken in point order, so results do not depend on the thread count.
/// </summary>
public static class GaussianMixture
{
    const int Chunk = 256;
    // numpy's float64 eps: scikit-learn adds 10 eps to every component's weight so none is 0.
    const double Eps = 2.220446049250313e-16;
    static readonly double Log2Pi = Math.Log(2 * Math.PI);

    public static GaussianMixtureResult Fit(DataMatrix data, GaussianMixtureOptions options, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, k = options.ClusterCount;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        var logResp = new DataMatrix(n, k);
        Components? best = null;
        double bestBound = double.NegativeInfinity;
        int bestIterations = 0, bestRestart = 0;
        bool bestConverged = false;
        for (int r = 0; r < options.Restarts; r++)
        {
            var km = KMeans.Fit(data, new KMeansOptions(k, Restarts: 1, Seed: unchecked(options.Seed + r))
                { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, cancellationToken);
            Array.Clear(logResp.Data);
            for (int i = 0; i < n; i++) logResp[i, km.Labels[i]] = 1;
            var model = Components.Estimate(data, logResp, options.CovarianceType, options.CovarianceRegularization, po);
            for (int c = 0; c < k; c++) model.Weights[c] /= n;

            double bound = double.NegativeInfinity;
            bool converged = false;
            int iteration = 1;
            for (; iteration <= options.MaxIterations; iteration++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double previous = bound;
                bound = model.EStep(data, logResp, po);
                Exp(logResp);
                model = Components.Estimate(data, logResp, options.CovarianceType, options.CovarianceRegularization, po);
                double sum = 0;
                foreach (var w in model.Weights) sum += w;
                for (int c = 0; c < k; c++) model.Weights[c] /= sum;
                if (Math.Abs(bound - previous) < options.Tolerance)
                {
                    converged = true;
                    break;
                }
            }
            if (best is null || bound > bestBound)
            {
                best = model; bestBound = bound; bestRestart = r;
                bestIterations = Math.Min(iteration, options.MaxIterations); bestConverged = converged;
            }
        }

        // A final E-step, so that the labels are those Predict gives for the training data.
        double score = best!.EStep(data, logResp, po);
        Exp(logResp);
        var labels = GaussianMixtureResult.Argmax(logResp);
        return new GaussianMixtureResult(best, labels, logResp, score, bestBound, bestIterations, bestConverged, bestRestart);
    }

    static void Validate(DataMatrix data, GaussianMixtureOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.ClusterCount;
        if (data.Rows == 0) throw new ArgumentException("A Gaussian mixture needs at least one point; the data is empty.", nameof(data));
        if (data.Columns == 0) throw new ArgumentException("The vectors have no dimensions.", nameof(data));
        if (k < 1) throw new ArgumentException($"ClusterCount must be at least 1 (got {k}).", nameof(options));
        if (k > data.Rows) throw new ArgumentException($"ClusterCount ({k}) must not exceed the number of points ({data.Rows}).", nameof(options));
        if (!Enum.IsDefined(options.CovarianceType))
            throw new ArgumentException($"Unknown CovarianceType {options.CovarianceType}; use Full or Diagonal.", nameof(options));
        if (options.Restarts < 1) throw new ArgumentException($"Restarts must be at least 1 (got {options.Restarts}).", nameof(options));
        if (options.MaxIterations < 1) throw new ArgumentException($"MaxIterations must be at least 1 (got {options.MaxIterations}).", nameof(options));
        if (!(options.Tolerance >= 0) || double.IsInfinity(options.Tolerance))
            throw new ArgumentException($"Tolerance must be a finite number >= 0 (got {options.Tolerance}).", nameof(options));
        if (!(options.CovarianceRegularization >= 0) || double.IsInfinity(options.CovarianceRegularization))
            throw new ArgumentException($"CovarianceRegularization must be a finite number >= 0 (got {options.CovarianceRegularization}).", nameof(options));
        if (options.MaxDegreeOfParallelism == 0 || options.MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism must be -1 (all cores) or positive (got {options.MaxDegreeOfParallelism}).", nameof(options));
        long full = (long)k * data.Columns * data.Columns;
        if (options.CovarianceType == CovarianceType.Full && full > Array.MaxLength)
            throw new ArgumentException($"{k} full {data.Columns} x {data.Columns} covariances do not fit in memory; use CovarianceType Diagonal or reduce the dimensions first.", nameof(options));
        KMeans.CheckFinite(data, nameof(data));
    }

    /// <summary>In place: log-responsibilities to responsibilities.</summary>
    internal static void Exp(DataMatrix m)
    {
        var a = m.Data;
        for (int i = 0; i < a.Length; i++) a[i] = Math.Exp(a[i]);
    }

    /// <summary>
    /// Means, weights and the Cholesky factors of the precisions. For Full, PrecisionFactor holds
    /// inv(L) (lower triangular, d x d per component) with covariance = L L^T, so the Mahalanobis
    /// distance is ||inv(L)(x - mean)||^2; for Diagonal it holds 1 / standard deviation per dimension.
    /// </summary>
    internal sealed class Components
    {
        public required CovarianceType Type { get; init; }
        public required int K { get; init; }
        public required int D { get; init; }
        public required DataMatrix Means { get; init; }
        public required double[] Weights { get; init; }
        public required double[] Covariance { get; init; }   // Full: K d x d blocks; Diagonal: K x d
        public required double[] PrecisionFactor { get; init; }
        public required double[] LogDetPrecisionFactor { get; init; }

        public int ParameterCount => K * D + (Type == CovarianceType.Full ? K * D * (D + 1) / 2 : K * D) + K - 1;

        public DataMatrix[] CovarianceMatrices()
        {
            var result = new DataMatrix[K];
            for (int c = 0; c < K; c++)
            {
                var m = result[c] = new DataMatrix(D, D);
                if (Type == CovarianceType.Full) Covariance.AsSpan(c * D * D, D * D).CopyTo(m.Data);
                else for (int a = 0; a < D; a++) m[a, a] = Covariance[c * D + a];
            }
            return result;
        }

        /// <summary>
        /// M-step from responsibilities <paramref name="resp"/> (n x K): unnormalised weights (the
        /// component sizes plus 10 eps), means and regularised covariances, and their factors.
        /// </summary>
        public static Components Estimate(DataMatrix x, DataMatrix resp, CovarianceType type, double reg, ParallelOptions po)
        {
            int n = x.Rows, d = x.Columns, k = resp.Columns;
            var nk = new double[k];
            for (int i = 0; i < n; i++)
            {
                var r = resp.Row(i);
                for (int c = 0; c < k; c++) nk[c] += r[c];
            }
            for (int c = 0; c < k; c++) nk[c] += 10 * Eps;

            var means = new DataMatrix(k, d);
            var cov = new double[type == CovarianceType.Full ? k * d * d : k * d];
            var xd = x.Data;
            var rd = resp.Data;
            // One component per task; each sums over the points in order.
            Action<int> component = c =>
            {
                var mean = means.Row(c);
                for (int i = 0; i < n; i++)
                {
                    double r = rd[i * k + c];
                    if (r == 0) continue;
                    var xi = new ReadOnlySpan<double>(xd, i * d, d);
                    for (int a = 0; a < d; a++) mean[a] += r * xi[a];
                }
                for (int a = 0; a < d; a++) mean[a] /= nk[c];

                var diff = new double[d];
                if (type == CovarianceType.Full)
                {
                    var s = cov.AsSpan(c * d * d, d * d);
                    for (int i = 0; i < n; i++)
                    {
                        double r = rd[i * k + c];
                        if (r == 0) continue;
                        for (int a = 0; a < d; a++) diff[a] = xd[i * d + a] - mean[a];
                        // Lower triangle only: row a gains r diff[a] diff[0..a].
                        for (int a = 0; a < d; a++) Axpy(r * diff[a], diff.AsSpan(0, a + 1), s.Slice(a * d, a + 1));
                    }
                    for (int a = 0; a < d; a++)
                    {
                        for (int b = 0; b <= a; b++) s[a * d + b] /= nk[c];
                        s[a * d + a] += reg;
                        for (int b = 0; b < a; b++) s[b * d + a] = s[a * d + b];
                    }
                }
                else
                {
                    var s = cov.AsSpan(c * d, d);
                    for (int i = 0; i < n; i++)
                    {
                        double r = rd[i * k + c];
                        if (r == 0) continue;
                        for (int a = 0; a < d; a++) { double t = xd[i * d + a] - mean[a]; s[a] += r * t * t; }
                    }
                    for (int a = 0; a < d; a++) s[a] = s[a] / nk[c] + reg;
                }
            };
            if (po.MaxDegreeOfParallelism == 1 || k == 1 || (long)n * d * (type == CovarianceType.Full ? d : 1) < 100_000)
                for (int c = 0; c < k; c++) component(c);
            else Parallel.For(0, k, po, component);

            return Build(type, means, nk, cov);
        }

        /// <summary>Components from their parameters: the precision factors follow from the covariances.</summary>
        public static Components Build(CovarianceType type, DataMatrix means, double[] weights, double[] cov)
        {
            int k = means.Rows, d = means.Columns;
            var factor = new double[cov.Length];
            var logDet = new double[k];
            for (int c = 0; c < k; c++)
            {
                if (type == CovarianceType.Full) logDet[c] = InvertedCholesky(cov.AsSpan(c * d * d, d * d), d, factor.AsSpan(c * d * d, d * d));
                else
                {
                    for (int a = 0; a < d; a++)
                    {
                        double v = cov[c * d + a];
                        if (!(v > 0)) throw IllDefined();
                        factor[c * d + a] = 1 / Math.Sqrt(v);
                        logDet[c] += Math.Log(factor[c * d + a]);
                    }
                }
            }
            return new Components
            {
                Type = type, K = k, D = d, Means = means, Weights = weights, Covariance = cov,
                PrecisionFactor = factor, LogDetPrecisionFactor = logDet,
            };
        }

        static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
        }

        static InvalidOperationException IllDefined() => new(
            "Fitting the Gaussian mixture failed: a component has an ill-defined covariance (for instance from a single point or " +
            "collapsed points). Use fewer components, or a larger CovarianceRegularization.");

        // Writes inv(L) for covariance = L L^T into result; returns log det inv(L) = -sum log L_aa.
        static double InvertedCholesky(ReadOnlySpan<double> covariance, int d, Span<double> result)
        {
            Matrix<double> l;
            try
            {
                l = Matrix<double>.Build.DenseOfRowMajor(d, d, covariance.ToArray()).Cholesky().Factor;
            }
            catch (ArgumentException)
            {
                throw IllDefined();
            }
            // Forward substitution, one column of the identity at a time.
            result.Clear();
            double logDet = 0;
            for (int j = 0; j < d; j++)
            {
                for (int a = j; a < d; a++)
                {
                    double s = a == j ? 1 : 0;
                    for (int b = j; b < a; b++) s -= l[a, b] * result[b * d + j];
                    result[a * d + j] = s / l[a, a];
                }
                logDet -= Math.Log(l[j, j]);
            }
            return logDet;
        }

        /// <summary>
        /// Writes log responsibilities (n x K) into <paramref name="logResp"/> and returns the mean over
        /// points of log sum_c w_c N(x | c), the per-point log-likelihood.
        /// </summary>
        public double EStep(DataMatrix x, DataMatrix logResp, ParallelOptions po)
        {
            int n = x.Rows, d = D, k = K;
            var logNorm = new double[n];
            var logWeights = new double[k];
            for (int c = 0; c < k; c++) logWeights[c] = Math.Log(Weights[c]);
            var xd = x.Data;
            var mu = Means.Data;
            var p = PrecisionFactor;
            long work = (long)n * k * d * (Type == CovarianceType.Full ? d : 1);
            PairwiseKernels.ForChunks(n, Chunk, work, po, (start, end) =>
            {
                var diff = new double[d];
                for (int i = start; i < end; i++)
                {
                    var row = logResp.Row(i);
                    for (int c = 0; c < k; c++)
                    {
                        double maha = 0;
                        if (Type == CovarianceType.Full)
                        {
                            for (int a = 0; a < d; a++) diff[a] = xd[i * d + a] - mu[c * d + a];
                            int off = c * d * d;
                            for (int a = 0; a < d; a++)
                            {
                                double z = VectorKernels.Dot(p.AsSpan(off + a * d, a + 1), diff.AsSpan(0, a + 1));
                                maha += z * z;
                            }
                        }
                        else
                        {
                            for (int a = 0; a < d; a++)
                            {
                                double z = (xd[i * d + a] - mu[c * d + a]) * p[c * d + a];
                                maha += z * z;
                            }
                        }
                        row[c] = -0.5 * (d * Log2Pi + maha) + LogDetPrecisionFactor[c] + logWeights[c];
                    }
                    double max = double.NegativeInfinity;
                    for (int c = 0; c < k; c++) max = Math.Max(max, row[c]);
                    double sum = 0;
                    for (int c = 0; c < k; c++) sum += Math.Exp(row[c] - max);
                    double lse = max + Math.Log(sum);
                    for (int c = 0; c < k; c++) row[c] -= lse;
                    logNorm[i] = lse;
                }
            });
            double total = 0;
            for (int i = 0; i < n; i++) total += logNorm[i];
            return total / n;
        }
    }
}
