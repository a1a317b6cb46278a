using AudioCluster.Clustering;

namespace AudioCluster.Reduction;

public enum TsneMethod
{
    /// <summary>O(n log n) per iteration: the P of the 3 * perplexity nearest neighbours and a quadtree for the repulsion (2-d only).</summary>
    BarnesHut,
    /// <summary>O(n^2) per iteration and memory: every pair.</summary>
    Exact,
}

public enum TsneInit
{
    /// <summary>Randomized PCA of the data, scaled so that the first column has standard deviation 1e-4.</summary>
    Pca,
    /// <summary>Normal deviates with standard deviation 1e-4.</summary>
    Random,
}

/// <summary>
/// Parameters of <see cref="Tsne"/>, defaults as scikit-learn 1.2's TSNE (metric euclidean,
/// learning_rate 'auto', init 'pca').
/// </summary>
public sealed record TsneOptions
{
    public int Dimensions { get; init; } = 2;
    public double Perplexity { get; init; } = 30;
    public double EarlyExaggeration { get; init; } = 12;
    /// <summary>Null is 'auto': max(n / EarlyExaggeration / 4, 50).</summary>
    public double? LearningRate { get; init; }
    /// <summary>Gradient steps in all, the 250 exaggerated ones included (n_iter).</summary>
    public int Iterations { get; init; } = 1000;
    /// <summary>Stop when the error has not improved for this many steps (checked every 50).</summary>
    public int IterationsWithoutProgress { get; init; } = 300;
    /// <summary>Stop when the gradient norm falls to this (checked every 50 steps).</summary>
    public double MinGradientNorm { get; init; } = 1e-7;
    public TsneInit Init { get; init; } = TsneInit.Pca;
    public TsneMethod Method { get; init; } = TsneMethod.BarnesHut;
    /// <summary>Barnes-Hut: a cell summarises its points when its width over its distance is below this.</summary>
    public double Angle { get; init; } = 0.5;
    public int Seed { get; init; }
    /// <summary>Threads for the per-point work; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

public sealed class TsneResult
{
    internal TsneResult(DataMatrix embedding, double kl, int iterations, double learningRate)
    {
        Embedding = embedding; KlDivergence = kl; Iterations = iterations; LearningRate = learningRate;
    }

    /// <summary>One row per input point.</summary>
    public DataMatrix Embedding { get; }
    /// <summary>KL divergence of the final step (Barnes-Hut: its approximation), as scikit-learn's kl_divergence_.</summary>
    public double KlDivergence { get; }
    /// <summary>Gradient steps taken (scikit-learn's n_iter_ is the index of the last one, one less).</summary>
    public int Iterations { get; }
    /// <summary>The learning rate used ('auto' resolved).</summary>
    public double LearningRate { get; }
}

/// <summary>
/// t-SNE as scikit-learn 1.2 runs it: conditional probabilities by a binary search on the
/// perplexity over squared Euclidean distances, symmetrised and normalised; Student-t (one degree of
/// freedom in 2-d) similarities in the embedding; 250 steps with the P exaggerated and momentum 0.5,
/// then momentum 0.8 (update and gains restarted), gains +0.2 / *0.8 with a floor of 0.01.
/// </summary>
public static class Tsne
{
    const int ExplorationIterations = 250;
    const int CheckEvery = 50;
    const double MachineEpsilon = 2.220446049250313e-16; // numpy's finfo(double).eps
    const double Float32Tiny = 1.1754943508222875e-38;
    const int Chunk = 64;

    public static TsneResult Fit(DataMatrix data, TsneOptions options, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, dims = options.Dimensions;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        double learningRate = options.LearningRate ?? Math.Max(n / options.EarlyExaggeration / 4, 50);

        var y = Initial(data, options, po);
        Objective objective = options.Method == TsneMethod.Exact
            ? new ExactObjective(ExactP(data, options.Perplexity, po), n, dims, po)
            : new BarnesHutObjective(SparseP(data, options.Perplexity, po), n, options.Angle, po);
        cancellationToken.ThrowIfCancellationRequested();

        var state = new Descent(n * dims);
        objective.Exaggeration = options.EarlyExaggeration;
        int last = state.Run(objective, y, 0, ExplorationIterations, 0.5, learningRate, ExplorationIterations, options, progress, cancellationToken);
        // As scikit-learn, the second phase starts with fresh update and gains.
        objective.Exaggeration = 1;
        state.Reset();
        last = state.Run(objective, y, last + 1, options.Iterations, 0.8, learningRate, options.IterationsWithoutProgress, options, progress, cancellationToken);
        double kl = state.Error;
        progress?.Report(1.0);
        return new TsneResult(new DataMatrix(y, n, dims), kl, last + 1, learningRate);
    }

    static void Validate(DataMatrix data, TsneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DenseOps.CheckData(data, "t-SNE", 2);
        int n = data.Rows, d = data.Columns;
        if (!(options.Perplexity > 0) || options.Perplexity >= n)
            throw new ArgumentException($"Perplexity {options.Perplexity} must be greater than 0 and less than the {n} points.", nameof(options));
        if (options.Dimensions < 1)
            throw new ArgumentException($"Dimensions {options.Dimensions} must be at least 1.", nameof(options));
        if (options.Method == TsneMethod.BarnesHut && options.Dimensions != 2)
            throw new ArgumentException($"Barnes-Hut t-SNE embeds in 2 dimensions, not {options.Dimensions}; use Method Exact for other sizes.", nameof(options));
        if (options.Init == TsneInit.Pca && options.Dimensions > Math.Min(n, d))
            throw new ArgumentException($"Init Pca needs Dimensions {options.Dimensions} to be at most {Math.Min(n, d)} (the smaller of {n} points and {d} input dimensions); use Init Random.", nameof(options));
        if (!(options.EarlyExaggeration >= 1) || double.IsInfinity(options.EarlyExaggeration))
            throw new ArgumentException($"EarlyExaggeration {options.EarlyExaggeration} must be a finite number of at least 1.", nameof(options));
        if (options.LearningRate is double lr && !(lr > 0 && double.IsFinite(lr)))
            throw new ArgumentException($"LearningRate {lr} must be a finite number greater than 0 (or null for 'auto').", nameof(options));
        if (options.Iterations < ExplorationIterations)
            throw new ArgumentException($"Iterations {options.Iterations} must be at least {ExplorationIterations} (the early exaggeration steps).", nameof(options));
        if (options.IterationsWithoutProgress < 1)
            throw new ArgumentException($"IterationsWithoutProgress {options.IterationsWithoutProgress} must be at least 1.", nameof(options));
        if (!(options.MinGradientNorm >= 0))
            throw new ArgumentException($"MinGradientNorm {options.MinGradientNorm} must be 0 or more.", nameof(options));
        if (!(options.Angle >= 0 && options.Angle <= 1))
            throw new ArgumentException($"Angle {options.Angle} must be between 0 and 1.", nameof(options));
        if (!Enum.IsDefined(options.Method)) throw new ArgumentException($"Unknown method {options.Method}.", nameof(options));
        if (!Enum.IsDefined(options.Init)) throw new ArgumentException($"Unknown init {options.Init}.", nameof(options));
        if (options.MaxDegreeOfParallelism == 0 || options.MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism {options.MaxDegreeOfParallelism} must be -1 (all cores) or at least 1.", nameof(options));
    }

    /// <summary>Start positions, row-major n x dims.</summary>
    static double[] Initial(DataMatrix data, TsneOptions options, ParallelOptions po)
    {
        int n = data.Rows, dims = options.Dimensions;
        var y = new double[n * dims];
        if (options.Init == TsneInit.Random)
        {
            var rng = new SeededRandom(options.Seed);
            for (int i = 0; i < y.Length; i++) y[i] = (float)(1e-4 * rng.NextGaussian());
            return y;
        }
        var pca = Pca.Fit(data, new PcaOptions
        {
            Dimensions = dims, Solver = PcaSolver.Randomized, Seed = options.Seed, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        }, po.CancellationToken);
        var proj = pca.Transform(data).Data;
        // As scikit-learn: cast to float32, then scale so that the first column has standard deviation 1e-4.
        for (int i = 0; i < y.Length; i++) y[i] = (float)proj[i];
        double mean = 0, ss = 0;
        for (int i = 0; i < n; i++) mean += y[i * dims];
        mean /= n;
        for (int i = 0; i < n; i++) ss += (y[i * dims] - mean) * (y[i * dims] - mean);
        double std = Math.Sqrt(ss / n);
        double scale = std > 0 ? 1e-4 / std : 1.0;
        for (int i = 0; i < y.Length; i++) y[i] *= scale;
        return y;
    }

    // ---- P ------------------------------------------------------------------------------------

    /// <summary>
    /// scikit-learn's _binary_search_perplexity for one point: the precision beta whose conditional
    /// distribution over <paramref name="sqDistances"/> has the wanted entropy (tolerance 1e-5, at
    /// most 100 steps). Writes the normalised probabilities to <paramref name="p"/>; the entry at
    /// <paramref name="skip"/> (the point itself, or -1) gets 0.
    /// </summary>
    internal static void ConditionalP(ReadOnlySpan<double> sqDistances, int skip, double perplexity, Span<double> p)
    {
        double desiredEntropy = Math.Log(perplexity);
        double beta = 1, betaMin = double.NegativeInfinity, betaMax = double.PositiveInfinity;
        for (int step = 0; step < 100; step++)
        {
            double sumP = 0;
            for (int j = 0; j < p.Length; j++)
            {
                p[j] = j == skip ? 0.0 : Math.Exp(-sqDistances[j] * beta);
                sumP += p[j];
            }
            if (sumP == 0) sumP = 1e-8;
            double sumDistP = 0;
            for (int j = 0; j < p.Length; j++)
            {
                p[j] /= sumP;
                sumDistP += sqDistances[j] * p[j];
            }
            double entropy = Math.Log(sumP) + beta * sumDistP;
            double diff = entropy - desiredEntropy;
            if (Math.Abs(diff) <= 1e-5) break;
            if (diff > 0)
            {
                betaMin = beta;
                beta = double.IsPositiveInfinity(betaMax) ? beta * 2 : (beta + betaMax) / 2;
            }
            else
            {
                betaMax = beta;
                beta = double.IsNegativeInfinity(betaMin) ? beta / 2 : (beta + betaMin) / 2;
            }
        }
    }

    /// <summary>Dense joint P (n x n, zero diagonal), each pair at least machine epsilon, as _joint_probabilities.</summary>
    static double[] ExactP(DataMatrix x, double perplexity, ParallelOptions po)
    {
        int n = x.Rows;
        var p = new double[(long)n * n];
        Parallel.For(0, (n + Chunk - 1) / Chunk, po, () => new double[n], (c, _, dist) =>
        {
            for (int i = c * Chunk; i < Math.Min(n, (c + 1) * Chunk); i++)
            {
                ReadOnlySpan<double> xi = x.Row(i);
                // scikit-learn searches on float32 distances.
                for (int j = 0; j < n; j++) dist[j] = (float)VectorKernels.SquaredDistance(xi, x.Row(j));
                ConditionalP(dist, i, perplexity, p.AsSpan(i * n, n));
            }
            return dist;
        }, _ => { });
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double s = p[i * n + j] + p[j * n + i];
                p[i * n + j] = p[j * n + i] = s;
                sum += 2 * s;
            }
        // The whole matrix sums to 1 (the condensed pairs scikit-learn keeps sum to 1/2).
        double norm = Math.Max(sum, MachineEpsilon);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                p[i * n + j] = i == j ? 0.0 : Math.Max(p[i * n + j] / norm, MachineEpsilon);
        return p;
    }

    /// <summary>Sparse joint P over the k = min(n - 1, floor(3 * perplexity + 1)) nearest neighbours, symmetrised and normalised (CSR).</summary>
    static CsrMatrix SparseP(DataMatrix x, double perplexity, ParallelOptions po)
    {
        int n = x.Rows;
        int k = Math.Min(n - 1, (int)(3.0 * perplexity + 1));
        var (nbr, dist) = ExactNeighbors.Find(x, k, cosine: false, po);
        for (int i = 0; i < dist.Length; i++) dist[i] = (float)dist[i];
        var cond = new double[dist.Length];
        Parallel.For(0, (n + Chunk - 1) / Chunk, po, c =>
        {
            for (int i = c * Chunk; i < Math.Min(n, (c + 1) * Chunk); i++)
                ConditionalP(dist.AsSpan(i * k, k), -1, perplexity, cond.AsSpan(i * k, k));
        });
        var p = CsrMatrix.Symmetrize(n, k, nbr, cond, fuzzyUnion: false);
        double sum = 0;
        foreach (var v in p.Values) sum += v;
        sum = Math.Max(sum, MachineEpsilon);
        for (int i = 0; i < p.Values.Length; i++) p.Values[i] /= sum;
        return p;
    }

    // ---- Objectives ---------------------------------------------------------------------------

    abstract class Objective
    {
        public double Exaggeration = 1;
        /// <summary>Writes the gradient; returns the KL divergence when asked, NaN otherwise.</summary>
        public abstract double Gradient(double[] y, double[] grad, bool computeError);
    }

    /// <summary>Every pair: scikit-learn's _kl_divergence (Student-t with max(dims - 1, 1) degrees of freedom), with the true gradient for more than 2 dimensions.</summary>
    sealed class ExactObjective(double[] p, int n, int dims, ParallelOptions po) : Objective
    {
        readonly double _dof = Math.Max(dims - 1, 1);
        readonly double[] _rowSum = new double[n];
        readonly double[] _rowError = new double[n];

        double Kernel(double d2) => _dof == 1 ? 1.0 / (1.0 + d2) : Math.Pow(1.0 + d2 / _dof, (_dof + 1) / -2.0);

        double Distance2(double[] y, int i, int j)
        {
            double s = 0;
            for (int a = 0; a < dims; a++) { double t = y[i * dims + a] - y[j * dims + a]; s += t * t; }
            return s;
        }

        public override double Gradient(double[] y, double[] grad, bool computeError)
        {
            int chunks = (n + Chunk - 1) / Chunk;
            Parallel.For(0, chunks, po, c =>
            {
                for (int i = c * Chunk; i < Math.Min(n, (c + 1) * Chunk); i++)
                {
                    double s = 0;
                    for (int j = 0; j < n; j++) if (j != i) s += Kernel(Distance2(y, i, j));
                    _rowSum[i] = s;
                }
            });
            double z = 0;
            foreach (var s in _rowSum) z += s;
            double ex = Exaggeration, c4 = 2.0 * (_dof + 1.0) / _dof;
            Parallel.For(0, chunks, po, c =>
            {
                Span<double> g = stackalloc double[dims];
                for (int i = c * Chunk; i < Math.Min(n, (c + 1) * Chunk); i++)
                {
                    g.Clear();
                    double err = 0;
                    for (int j = 0; j < n; j++)
                    {
                        if (j == i) continue;
                        double d2 = Distance2(y, i, j);
                        double w = Kernel(d2);
                        double q = Math.Max(w / z, MachineEpsilon);
                        double pij = ex * p[(long)i * n + j];
                        // The derivative of the kernel brings (1 + d^2 / dof)^-1. scikit-learn multiplies by the
                        // kernel itself, the same with one degree of freedom (2-d) but not the gradient otherwise.
                        double f = (pij - q) * (_dof == 1 ? w : 1.0 / (1.0 + d2 / _dof));
                        for (int a = 0; a < dims; a++) g[a] += f * (y[i * dims + a] - y[j * dims + a]);
                        if (computeError) err += pij * Math.Log(Math.Max(pij, MachineEpsilon) / q);
                    }
                    for (int a = 0; a < dims; a++) grad[i * dims + a] = c4 * g[a];
                    _rowError[i] = err;
                }
            });
            if (!computeError) return double.NaN;
            double kl = 0;
            foreach (var e in _rowError) kl += e;
            return kl;
        }
    }

    /// <summary>scikit-learn's Barnes-Hut gradient: attraction over the sparse P, repulsion from the quadtree.</summary>
    sealed class BarnesHutObjective : Objective
    {
        readonly CsrMatrix _p;
        readonly int _n;
        readonly double _theta2;
        readonly ParallelOptions _po;
        readonly QuadTree _tree = new();
        readonly double[] _negX, _negY, _sumQ, _rowError;
        readonly int[][] _stacks;

        public BarnesHutObjective(CsrMatrix p, int n, double angle, ParallelOptions po)
        {
            _p = p; _n = n; _theta2 = angle * angle; _po = po;
            _negX = new double[n]; _negY = new double[n]; _sumQ = new double[n]; _rowError = new double[n];
            _stacks = new int[(n + Chunk - 1) / Chunk][];
            for (int i = 0; i < _stacks.Length; i++) _stacks[i] = new int[64];
        }

        public override double Gradient(double[] y, double[] grad, bool computeError)
        {
            int n = _n;
            _tree.Build(y, n);
            int chunks = _stacks.Length;
            Parallel.For(0, chunks, _po, c =>
            {
                if (_stacks[c].Length < _tree.StackSize) _stacks[c] = new int[2 * _tree.StackSize]; // only when the tree deepens
                var stack = _stacks[c];
                var order = _tree.Order;
                // Points in the tree's spatial order: neighbouring points walk the same cells.
                for (int t = c * Chunk; t < Math.Min(n, (c + 1) * Chunk); t++)
                {
                    int i = order[t];
                    _sumQ[i] = _tree.Repulsion(y[2 * i], y[2 * i + 1], _theta2, stack, out _negX[i], out _negY[i]);
                }
            });
            double z = 0;
            foreach (var s in _sumQ) z += s;
            double ex = Exaggeration;
            var rowStart = _p.RowStart; var col = _p.Columns; var val = _p.Values;
            Parallel.For(0, chunks, _po, c =>
            {
                for (int i = c * Chunk; i < Math.Min(n, (c + 1) * Chunk); i++)
                {
                    double xi = y[2 * i], yi = y[2 * i + 1], fx = 0, fy = 0, err = 0;
                    for (int e = rowStart[i]; e < rowStart[i + 1]; e++)
                    {
                        int j = col[e];
                        double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
                        double q = 1.0 / (1.0 + dx * dx + dy * dy);
                        double pij = ex * val[e];
                        double m = pij * q;
                        fx += m * dx;
                        fy += m * dy;
                        if (computeError) err += pij * Math.Log(Math.Max(pij, Float32Tiny) / Math.Max(q / z, Float32Tiny));
                    }
                    // 4 = 2 (dof + 1) / dof with one degree of freedom.
                    grad[2 * i] = 4 * (fx - _negX[i] / z);
                    grad[2 * i + 1] = 4 * (fy - _negY[i] / z);
                    _rowError[i] = err;
                }
            });
            if (!computeError) return double.NaN;
            double kl = 0;
            foreach (var e in _rowError) kl += e;
            return kl;
        }
    }

    // ---- Gradient descent -----------------------------------------------------------------------

    /// <summary>scikit-learn's _gradient_descent with momentum and per-coordinate gains.</summary>
    sealed class Descent(int size)
    {
        readonly double[] _update = new double[size], _gains = new double[size], _grad = new double[size];
        public double Error = double.MaxValue;

        public void Reset()
        {
            Array.Clear(_update);
            Array.Fill(_gains, 1.0);
        }

        /// <summary>Steps <paramref name="start"/> to <paramref name="end"/> - 1; returns the index of the last step taken.</summary>
        public int Run(Objective objective, double[] p, int start, int end, double momentum, double learningRate,
            int withoutProgress, TsneOptions options, IProgress<double>? progress, CancellationToken ct)
        {
            if (start == 0) Reset();
            double bestError = double.MaxValue;
            int bestIter = start, i = start;
            for (; i < end; i++)
            {
                ct.ThrowIfCancellationRequested();
                bool check = (i + 1) % CheckEvery == 0;
                Error = objective.Gradient(p, _grad, check || i == end - 1);
                for (int t = 0; t < p.Length; t++)
                {
                    double g = _grad[t], u = _update[t];
                    double gain = u * g < 0 ? _gains[t] + 0.2 : _gains[t] * 0.8;
                    if (gain < 0.01) gain = 0.01;
                    _gains[t] = gain;
                    g *= gain;
                    _grad[t] = g;
                    u = momentum * u - learningRate * g;
                    _update[t] = u;
                    p[t] += u;
                }
                if (check)
                {
                    progress?.Report((i + 1) / (double)options.Iterations);
                    double norm = 0;
                    foreach (var g in _grad) norm += g * g;
                    norm = Math.Sqrt(norm);
                    if (Error < bestError) { bestError = Error; bestIter = i; }
                    else if (i - bestIter > withoutProgress) break;
                    if (norm <= options.MinGradientNorm) break;
                }
            }
            return Math.Min(i, end - 1);
        }
    }
}
