using AudioCluster.Clustering;

namespace AudioCluster.Reduction;

public enum UmapMetric
{
    Euclidean,
    /// <summary>1 - cosine similarity.</summary>
    Cosine,
}

public enum UmapInit
{
    /// <summary>Eigenvectors of the fuzzy graph's normalised Laplacian (per connected component); random when that fails.</summary>
    Spectral,
    /// <summary>Uniform in [-10, 10] on every axis.</summary>
    Random,
}

/// <summary>Parameters of <see cref="Umap"/>, defaults as umap-learn 0.5's UMAP.</summary>
public sealed record UmapOptions
{
    public int Dimensions { get; init; } = 2;
    /// <summary>Size of the local neighbourhood, the point itself included (n_neighbors).</summary>
    public int Neighbors { get; init; } = 15;
    /// <summary>How tightly points may be packed in the embedding.</summary>
    public double MinDist { get; init; } = 0.1;
    /// <summary>Scale of the embedded points; with MinDist it fixes the curve 1 / (1 + a d^2b).</summary>
    public double Spread { get; init; } = 1.0;
    public UmapMetric Metric { get; init; } = UmapMetric.Euclidean;
    /// <summary>Null: 500 for up to 10,000 points, 200 above, as umap-learn.</summary>
    public int? Epochs { get; init; }
    public double LearningRate { get; init; } = 1.0;
    /// <summary>Negative samples per positive sample.</summary>
    public int NegativeSampleRate { get; init; } = 5;
    /// <summary>Weight of the negative samples (gamma).</summary>
    public double RepulsionStrength { get; init; } = 1.0;
    public UmapInit Init { get; init; } = UmapInit.Spectral;
    public int Seed { get; init; }
    /// <summary>Threads for the neighbour search; -1 uses every core. The optimisation is single-threaded, so results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

public sealed class UmapResult
{
    internal UmapResult(DataMatrix embedding, double a, double b, int epochs, UmapInit init)
    {
        Embedding = embedding; A = a; B = b; Epochs = epochs; InitUsed = init;
    }

    /// <summary>One row per input point.</summary>
    public DataMatrix Embedding { get; }
    /// <summary>The fitted curve 1 / (1 + A d^(2B)).</summary>
    public double A { get; }
    public double B { get; }
    public int Epochs { get; }
    /// <summary>The start that was used: Random when the spectral one was asked for but failed.</summary>
    public UmapInit InitUsed { get; }
}

/// <summary>
/// UMAP as umap-learn 0.5 computes it, with an exact neighbour search: smooth kNN distances (rho,
/// sigma by binary search to log2(k)), fuzzy union of the membership graph, edges below max/epochs
/// dropped, spectral start scaled to [0, 10], then epochs of edge sampling with negative sampling and
/// a linearly decaying learning rate. The optimisation runs on one thread in a fixed order, so the
/// same seed gives the same embedding on every machine.
/// </summary>
public static class Umap
{
    const double SmoothTolerance = 1e-5, MinKDistScale = 1e-3;

    public static UmapResult Fit(DataMatrix data, UmapOptions options, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, dim = options.Dimensions, k = options.Neighbors;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        int epochs = options.Epochs ?? (n <= 10_000 ? 500 : 200);
        var (a, b) = FitAB(options.Spread, options.MinDist);

        var graph = FuzzyGraph(data, k, options.Metric == UmapMetric.Cosine, po);
        cancellationToken.ThrowIfCancellationRequested();
        graph = Prune(graph, epochs);

        var rng = new SeededRandom(options.Seed);
        var init = options.Init;
        double[]? y = null;
        if (init == UmapInit.Spectral)
        {
            y = SpectralLayout.Compute(data, graph, dim, rng, cancellationToken);
            if (y is null) init = UmapInit.Random;
            else
            {
                // umap-learn's noisy_scale_coords: largest coordinate 10, a little noise against ties.
                double max = 0;
                foreach (var v in y) max = Math.Max(max, Math.Abs(v));
                double expansion = max > 0 ? 10.0 / max : 1.0;
                for (int i = 0; i < y.Length; i++) y[i] = (float)(y[i] * expansion) + (float)(1e-4 * rng.NextGaussian());
            }
        }
        if (y is null)
        {
            y = new double[n * dim];
            for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() * 20 - 10);
        }
        ScaleToBox(y, n, dim);

        Optimize(y, n, dim, graph, epochs, a, b, options, rng, progress, cancellationToken);
        progress?.Report(1.0);
        return new UmapResult(new DataMatrix(y, n, dim), a, b, epochs, init);
    }

    static void Validate(DataMatrix data, UmapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DenseOps.CheckData(data, "UMAP", 2);
        int n = data.Rows;
        if (options.Neighbors < 2 || options.Neighbors > n)
            throw new ArgumentException($"Neighbors {options.Neighbors} must be at least 2 and at most the {n} points (it counts the point itself).", nameof(options));
        if (options.Dimensions < 1 || options.Dimensions >= n)
            throw new ArgumentException($"Dimensions {options.Dimensions} must be at least 1 and less than the {n} points.", nameof(options));
        if (!(options.Spread > 0) || double.IsInfinity(options.Spread))
            throw new ArgumentException($"Spread {options.Spread} must be a finite number greater than 0.", nameof(options));
        if (!(options.MinDist >= 0) || options.MinDist > options.Spread)
            throw new ArgumentException($"MinDist {options.MinDist} must be at least 0 and at most Spread ({options.Spread}).", nameof(options));
        if (options.Epochs is int e && e < 1)
            throw new ArgumentException($"Epochs {e} must be at least 1 (or null for the default).", nameof(options));
        if (!(options.LearningRate > 0) || double.IsInfinity(options.LearningRate))
            throw new ArgumentException($"LearningRate {options.LearningRate} must be a finite number greater than 0.", nameof(options));
        if (options.NegativeSampleRate < 0)
            throw new ArgumentException($"NegativeSampleRate {options.NegativeSampleRate} must be 0 or more.", nameof(options));
        if (!(options.RepulsionStrength >= 0) || double.IsInfinity(options.RepulsionStrength))
            throw new ArgumentException($"RepulsionStrength {options.RepulsionStrength} must be a finite number of at least 0.", nameof(options));
        if (!Enum.IsDefined(options.Metric)) throw new ArgumentException($"Unknown metric {options.Metric}.", nameof(options));
        if (!Enum.IsDefined(options.Init)) throw new ArgumentException($"Unknown init {options.Init}.", nameof(options));
        if (options.MaxDegreeOfParallelism == 0 || options.MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism {options.MaxDegreeOfParallelism} must be -1 (all cores) or at least 1.", nameof(options));
    }

    /// <summary>
    /// a and b of 1 / (1 + a x^(2b)) fitted by least squares (Levenberg-Marquardt from a = b = 1, as
    /// scipy's curve_fit) to 1 below MinDist and exp(-(x - MinDist) / Spread) above, on 300 points of [0, 3 Spread].
    /// </summary>
    public static (double A, double B) FitAB(double spread, double minDist)
    {
        const int m = 300;
        var xs = new double[m];
        var ys = new double[m];
        for (int i = 0; i < m; i++)
        {
            xs[i] = spread * 3 * i / (m - 1);
            ys[i] = xs[i] < minDist ? 1.0 : Math.Exp(-(xs[i] - minDist) / spread);
        }
        double Cost(double a, double b)
        {
            double s = 0;
            for (int i = 0; i < m; i++) { double r = 1.0 / (1.0 + a * Math.Pow(xs[i], 2 * b)) - ys[i]; s += r * r; }
            return s;
        }
        double pa = 1, pb = 1, lambda = 1e-3, cost = Cost(pa, pb);
        for (int it = 0; it < 200; it++)
        {
            // Normal equations of the 2-parameter problem.
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 0; i < m; i++)
            {
                double x = xs[i];
                double p = x > 0 ? Math.Pow(x, 2 * pb) : 0.0;
                double den = 1.0 + pa * p;
                double r = 1.0 / den - ys[i];
                double da = -p / (den * den);
                double db = x > 0 ? -pa * p * 2 * Math.Log(x) / (den * den) : 0.0;
                jaa += da * da; jab += da * db; jbb += db * db;
                ga += da * r; gb += db * r;
            }
            bool improved = false;
            while (lambda < 1e12)
            {
                double haa = jaa * (1 + lambda), hbb = jbb * (1 + lambda);
                double det = haa * hbb - jab * jab;
                double stepA = -(hbb * ga - jab * gb) / det, stepB = -(haa * gb - jab * ga) / det;
                double na = pa + stepA, nb = pb + stepB, nc = Cost(na, nb);
                if (nc < cost)
                {
                    double change = Math.Abs(stepA) / Math.Max(Math.Abs(pa), 1e-12) + Math.Abs(stepB) / Math.Max(Math.Abs(pb), 1e-12);
                    pa = na; pb = nb; cost = nc; lambda = Math.Max(lambda / 10, 1e-12);
                    improved = change > 1e-12;
                    break;
                }
                lambda *= 10;
            }
            if (!improved) break;
        }
        return (pa, pb);
    }

    /// <summary>The fuzzy simplicial set: smooth kNN memberships, combined by fuzzy union.</summary>
    static CsrMatrix FuzzyGraph(DataMatrix data, int k, bool cosine, ParallelOptions po)
    {
        int n = data.Rows;
        // The neighbour lists of umap-learn start with the point itself at distance 0.
        var (nbr, dist) = ExactNeighbors.Find(data, k - 1, cosine, po);
        var indices = new int[n * k];
        var distances = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            indices[i * k] = i;
            for (int t = 1; t < k; t++)
            {
                indices[i * k + t] = nbr[i * (k - 1) + t - 1];
                double d = dist[i * (k - 1) + t - 1];
                distances[i * k + t] = cosine ? d : Math.Sqrt(d);
            }
        }
        var (sigma, rho) = SmoothKnnDistances(distances, n, k);
        var weights = new double[n * k];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < k; t++)
            {
                double d = distances[i * k + t];
                weights[i * k + t] = indices[i * k + t] == i ? 0.0
                    : d - rho[i] <= 0 || sigma[i] == 0 ? 1.0
                    : Math.Exp(-(d - rho[i]) / sigma[i]);
            }
        return CsrMatrix.Symmetrize(n, k, indices, weights, fuzzyUnion: true);
    }

    /// <summary>umap-learn's smooth_knn_dist with local_connectivity 1 and bandwidth 1.</summary>
    static (double[] Sigma, double[] Rho) SmoothKnnDistances(double[] distances, int n, int k)
    {
        double target = Math.Log2(k);
        var sigma = new double[n];
        var rho = new double[n];
        double meanAll = 0;
        foreach (var d in distances) meanAll += d;
        meanAll /= distances.Length;
        for (int i = 0; i < n; i++)
        {
            var row = distances.AsSpan(i * k, k);
            // rho: distance to the nearest neighbour at a positive distance.
            foreach (var d in row)
                if (d > 0) { rho[i] = d; break; }
            double lo = 0, hi = double.PositiveInfinity, mid = 1;
            for (int it = 0; it < 64; it++)
            {
                double psum = 0;
                for (int t = 1; t < k; t++)
                {
                    double d = row[t] - rho[i];
                    psum += d > 0 ? Math.Exp(-(d / mid)) : 1.0;
                }
                if (Math.Abs(psum - target) < SmoothTolerance) break;
                if (psum > target) { hi = mid; mid = (lo + hi) / 2; }
                else
                {
                    lo = mid;
                    mid = double.IsPositiveInfinity(hi) ? mid * 2 : (lo + hi) / 2;
                }
            }
            sigma[i] = mid;
            double meanRow = 0;
            foreach (var d in row) meanRow += d;
            meanRow /= k;
            double floor = MinKDistScale * (rho[i] > 0 ? meanRow : meanAll);
            if (sigma[i] < floor) sigma[i] = floor;
        }
        return (sigma, rho);
    }

    /// <summary>Drops edges too weak to be sampled even once in the run (weight below max / epochs).</summary>
    static CsrMatrix Prune(CsrMatrix g, int epochs)
    {
        double max = 0;
        foreach (var v in g.Values) max = Math.Max(max, v);
        double threshold = max / epochs;
        var rowStart = new int[g.Rows + 1];
        var cols = new List<int>(g.Values.Length);
        var vals = new List<double>(g.Values.Length);
        for (int i = 0; i < g.Rows; i++)
        {
            for (int e = g.RowStart[i]; e < g.RowStart[i + 1]; e++)
                if (g.Values[e] >= threshold) { cols.Add(g.Columns[e]); vals.Add(g.Values[e]); }
            rowStart[i + 1] = cols.Count;
        }
        return new CsrMatrix(rowStart, cols.ToArray(), vals.ToArray());
    }

    /// <summary>Every column scaled to [0, 10] (constant columns to 0).</summary>
    static void ScaleToBox(double[] y, int n, int dim)
    {
        for (int c = 0; c < dim; c++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int i = 0; i < n; i++) { min = Math.Min(min, y[i * dim + c]); max = Math.Max(max, y[i * dim + c]); }
            double scale = max > min ? 10.0 / (max - min) : 0.0;
            for (int i = 0; i < n; i++) y[i * dim + c] = (float)((y[i * dim + c] - min) * scale);
        }
    }

    /// <summary>umap-learn's optimize_layout_euclidean (head and tail are the same embedding), one thread, edges in row order.</summary>
    static void Optimize(double[] y, int n, int dim, CsrMatrix graph, int epochs, double a, double b, UmapOptions options,
        SeededRandom rng, IProgress<double>? progress, CancellationToken ct)
    {
        int edges = graph.Values.Length;
        var head = new int[edges];
        for (int i = 0; i < n; i++)
            for (int e = graph.RowStart[i]; e < graph.RowStart[i + 1]; e++) head[e] = i;
        var tail = graph.Columns;
        double maxWeight = 0;
        foreach (var w in graph.Values) maxWeight = Math.Max(maxWeight, w);
        // Epochs between samples of an edge: the strongest edge is sampled every epoch.
        var perSample = new double[edges];
        for (int e = 0; e < edges; e++)
        {
            double samples = epochs * (graph.Values[e] / maxWeight);
            perSample[e] = samples > 0 ? epochs / samples : -1;
        }
        int rate = options.NegativeSampleRate;
        var perNegative = new double[edges];
        var nextSample = (double[])perSample.Clone();
        var nextNegative = new double[edges];
        for (int e = 0; e < edges; e++)
        {
            perNegative[e] = rate > 0 ? perSample[e] / rate : double.PositiveInfinity;
            nextNegative[e] = perNegative[e];
        }
        double gamma = options.RepulsionStrength, alpha0 = options.LearningRate, alpha = alpha0;

        for (int epoch = 0; epoch < epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            for (int e = 0; e < edges; e++)
            {
                if (perSample[e] <= 0 || nextSample[e] > epoch) continue;
                int j = head[e], k = tail[e];
                var cur = y.AsSpan(j * dim, dim);
                var other = y.AsSpan(k * dim, dim);
                double d2 = SquaredDistance(cur, other);
                double coeff = d2 > 0 ? -2.0 * a * b * Math.Pow(d2, b - 1.0) / (a * Math.Pow(d2, b) + 1.0) : 0.0;
                for (int c = 0; c < dim; c++)
                {
                    double g = Clip(coeff * (cur[c] - other[c]));
                    cur[c] += g * alpha;
                    other[c] -= g * alpha;
                }
                nextSample[e] += perSample[e];

                int negatives = rate > 0 ? (int)((epoch - nextNegative[e]) / perNegative[e]) : 0;
                for (int s = 0; s < negatives; s++)
                {
                    int m = rng.NextInt(n);
                    if (m == j) continue;
                    var neg = y.AsSpan(m * dim, dim);
                    d2 = SquaredDistance(cur, neg);
                    if (d2 <= 0) continue; // coincident: no direction to push along
                    coeff = 2.0 * gamma * b / ((0.001 + d2) * (a * Math.Pow(d2, b) + 1.0));
                    for (int c = 0; c < dim; c++) cur[c] += Clip(coeff * (cur[c] - neg[c])) * alpha;
                }
                nextNegative[e] += negatives * perNegative[e];
            }
            alpha = alpha0 * (1.0 - (double)epoch / epochs);
            if ((epoch + 1) % 10 == 0) progress?.Report((epoch + 1) / (double)epochs);
        }
    }

    static double Clip(double v) => v > 4.0 ? 4.0 : v < -4.0 ? -4.0 : v;

    static double SquaredDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) { double t = x[i] - y[i]; s += t * t; }
        return s;
    }
}
