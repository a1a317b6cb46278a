namespace AudioCluster.Clustering;

public enum KMeansInit
{
    /// <summary>Greedy k-means++ (2 + floor(ln k) candidates per centre), seeded.</summary>
    KMeansPlusPlus,
    /// <summary>Start from <see cref="KMeansOptions.InitialCenters"/>; one run, no restarts.</summary>
    Explicit,
}

/// <summary>What Lloyd's iterations do with a cluster that lost all its points.</summary>
public enum KMeansEmptyClusters
{
    /// <summary>It takes the point farthest from its centre (scikit-learn).</summary>
    Farthest,
    /// <summary>
    /// It takes a slightly perturbed copy of the centre of a non-empty cluster (chosen with probability proportional
    /// to its size less one), whose points the next assignment then splits between the two (DeepCluster, via faiss).
    /// </summary>
    SplitPerturbed,
}

/// <summary>
/// Parameters of <see cref="KMeans"/>, named after scikit-learn's KMeans: Restarts is n_init,
/// Tolerance is relative (multiplied by the mean per-dimension variance of the data).
/// </summary>
public sealed record KMeansOptions(
    int ClusterCount,
    int Restarts = 10,
    int MaxIterations = 300,
    double Tolerance = 1e-4,
    int Seed = 0,
    KMeansInit Init = KMeansInit.KMeansPlusPlus,
    DataMatrix? InitialCenters = null)
{
    /// <summary>Threads for the per-point work; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
    public KMeansEmptyClusters EmptyClusters { get; init; } = KMeansEmptyClusters.Farthest;
}

/// <summary>A fitted k-means model: the partition of the training data and the centres.</summary>
public sealed class KMeansResult
{
    internal KMeansResult(int[] labels, DataMatrix centers, double inertia, int iterations, bool converged, int bestRestart, double[] distances)
    {
        Labels = labels; Centers = centers; Inertia = inertia; Iterations = iterations;
        Converged = converged; BestRestart = bestRestart; Distances = distances;
    }

    /// <summary>Cluster of every training point, 0-based; clusters are numbered as the centres.</summary>
    public int[] Labels { get; }
    /// <summary>Centres, one row per cluster, in the input's coordinates.</summary>
    public DataMatrix Centers { get; }
    /// <summary>Sum of squared distances of the points to their centres.</summary>
    public double Inertia { get; }
    /// <summary>Lloyd iterations of the chosen run (as scikit-learn's n_iter_).</summary>
    public int Iterations { get; }
    /// <summary>False when the chosen run stopped at MaxIterations.</summary>
    public bool Converged { get; }
    /// <summary>0-based index of the restart that was kept.</summary>
    public int BestRestart { get; }
    /// <summary>Euclidean distance of every training point to its centre.</summary>
    public double[] Distances { get; }
    public int ClusterCount => Centers.Rows;

    /// <summary>Nearest centre for each row of <paramref name="x"/>.</summary>
    public int[] Predict(DataMatrix x) => Predict(x, out _);

    /// <summary>Nearest centre for each row, with the Euclidean distance to it.</summary>
    public int[] Predict(DataMatrix x, out double[] distances)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Columns != Centers.Columns)
            throw new ArgumentException($"The model was fitted on {Centers.Columns}-dimensional vectors; these have {x.Columns}.", nameof(x));
        KMeans.CheckFinite(x, nameof(x));
        var po = new ParallelOptions();
        var labels = new int[x.Rows];
        KMeans.Assign(x.Data, x.Rows, Centers, labels, po);
        var sq = new double[x.Rows];
        KMeans.SquaredDistances(x.Data, x.Rows, Centers, labels, sq, po);
        distances = new double[x.Rows];
        for (int i = 0; i < sq.Length; i++) distances[i] = Math.Sqrt(sq[i]);
        return labels;
    }
}

/// <summary>
/// Lloyd's k-means as scikit-learn 1.2 runs it (algorithm="lloyd"): data centred on its mean,
/// k-means++ or explicit starts, strict or tolerance convergence, empty clusters moved to the
/// points farthest from their centres, best restart by inertia. The per-point work runs on all
/// cores in fixed chunks, and sums are taken in point order, so results do not depend on the thread count.
/// </summary>
public static class KMeans
{
    const int Chunk = 256;
    // Below this many multiply-adds per pass, threads cost more than they save.
    const long ParallelWork = 200_000;

    public static KMeansResult Fit(DataMatrix data, KMeansOptions options, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, d = data.Columns, k = options.ClusterCount;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };

        // Centre the data: distances via ||c||^2 - 2 x.c lose less precision near the origin.
        var mean = new double[d];
        for (int i = 0; i < n; i++) VectorKernels.Add(data.Row(i), mean);
        for (int j = 0; j < d; j++) mean[j] /= n;
        var x = new DataMatrix(n, d);
        for (int i = 0; i < n; i++)
        {
            var src = data.Row(i);
            var dst = x.Row(i);
            for (int j = 0; j < d; j++) dst[j] = src[j] - mean[j];
        }
        double tolerance = AbsoluteTolerance(x, options.Tolerance);

        var rng = new SeededRandom(options.Seed);
        int restarts = options.Init == KMeansInit.Explicit ? 1 : options.Restarts;
        var work = new LloydWorkspace(n, d, k);
        var search = new NearestCenter(x.Data, n, d, po);
        Run? best = null;
        int bestRestart = 0;
        for (int r = 0; r < restarts; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DataMatrix init;
            if (options.Init == KMeansInit.Explicit)
            {
                init = options.InitialCenters!.Clone();
                for (int c = 0; c < k; c++)
                {
                    var row = init.Row(c);
                    for (int j = 0; j < d; j++) row[j] -= mean[j];
                }
            }
            else init = PlusPlus(x, k, rng, po, search);

            var run = Lloyd(x, init, options.MaxIterations, tolerance, work, search, po, options.EmptyClusters == KMeansEmptyClusters.SplitPerturbed ? rng : null);
            // As scikit-learn: a lower inertia only wins when it is a different partition.
            if (best is null || (run.Inertia < best.Inertia && !SameClustering(run.Labels, best.Labels, k)))
            {
                best = run;
                bestRestart = r;
            }
        }

        var centers = best!.Centers;
        for (int c = 0; c < k; c++)
        {
            var row = centers.Row(c);
            for (int j = 0; j < d; j++) row[j] += mean[j];
        }
        var distances = new double[n];
        for (int i = 0; i < n; i++) distances[i] = Math.Sqrt(best.SquaredDistances[i]);
        return new KMeansResult(best.Labels, centers, best.Inertia, best.Iterations, best.Converged, bestRestart, distances);
    }

    static void Validate(DataMatrix data, KMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.ClusterCount;
        if (data.Rows == 0) throw new ArgumentException("k-means needs at least one point; the data is empty.", nameof(data));
        if (data.Columns == 0) throw new ArgumentException("The vectors have no dimensions.", nameof(data));
        if (k < 1) throw new ArgumentException($"ClusterCount must be at least 1 (got {k}).", nameof(options));
        if (k > data.Rows) throw new ArgumentException($"ClusterCount ({k}) must not exceed the number of points ({data.Rows}).", nameof(options));
        if (options.Restarts < 1) throw new ArgumentException($"Restarts must be at least 1 (got {options.Restarts}).", nameof(options));
        if (options.MaxIterations < 1) throw new ArgumentException($"MaxIterations must be at least 1 (got {options.MaxIterations}).", nameof(options));
        if (!(options.Tolerance >= 0) || double.IsInfinity(options.Tolerance))
            throw new ArgumentException($"Tolerance must be a finite number >= 0 (got {options.Tolerance}).", nameof(options));
        if (options.MaxDegreeOfParallelism == 0 || options.MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism must be -1 (all cores) or positive (got {options.MaxDegreeOfParallelism}).", nameof(options));
        if (!Enum.IsDefined(options.Init)) throw new ArgumentException($"Unknown Init {options.Init}.", nameof(options));
        if (options.Init == KMeansInit.Explicit)
        {
            var c = options.InitialCenters ?? throw new ArgumentException("Init is Explicit but InitialCenters is not given.", nameof(options));
            if (c.Rows != k || c.Columns != data.Columns)
                throw new ArgumentException($"InitialCenters must be {k} x {data.Columns} (ClusterCount x dimensions); got {c.Rows} x {c.Columns}.", nameof(options));
            CheckFinite(c, "InitialCenters");
        }
        else if (options.InitialCenters is not null)
            throw new ArgumentException("InitialCenters is given but Init is not Explicit.", nameof(options));
        CheckFinite(data, nameof(data));
    }

    internal static void CheckFinite(DataMatrix m, string name)
    {
        if (m.FindNonFinite() is var (row, col))
            throw new ArgumentException($"{name} contains a non-finite value ({m[row, col]}) at row {row}, dimension {col}.", name);
    }

    // scikit-learn: tol * mean over dimensions of the variance; x is already centred.
    static double AbsoluteTolerance(DataMatrix x, double tol)
    {
        if (tol == 0) return 0;
        int n = x.Rows, d = x.Columns;
        var ss = new double[d];
        for (int i = 0; i < n; i++)
        {
            var r = x.Row(i);
            for (int j = 0; j < d; j++) ss[j] += r[j] * r[j];
        }
        double sum = 0;
        for (int j = 0; j < d; j++) sum += ss[j] / n;
        return sum / d * tol;
    }

    sealed record Run(int[] Labels, DataMatrix Centers, double Inertia, int Iterations, bool Converged, double[] SquaredDistances);

    // Scratch reused across restarts so that iterations allocate nothing per point.
    sealed class LloydWorkspace(int n, int d, int k)
    {
        public readonly int[] LabelsOld = new int[n];
        public readonly int[] Order = new int[n];
        public readonly int[] Offsets = new int[k + 1];
        public readonly double[] Weights = new double[k];
        public readonly double[] Shift = new double[k];
        public readonly double[] Scratch = new double[n];
        public readonly double[] CentersNew = new double[k * d];
        // Per-cluster sums and sizes for LabelsOld, carried from one iteration to the next.
        public readonly double[] Sums = new double[k * d];
        public readonly int[] Counts = new int[k];
        public bool SumsValid;
    }

    // splitRng: empty clusters split a non-empty one (SplitPerturbed) instead of taking the farthest point.
    static Run Lloyd(DataMatrix x, DataMatrix init, int maxIterations, double tolerance, LloydWorkspace w, NearestCenter search, ParallelOptions po, SeededRandom? splitRng)
    {
        int n = x.Rows, d = x.Columns, k = init.Rows;
        var centers = init.Clone();
        var centersNew = new DataMatrix(k, d);
        var labels = new int[n];
        Array.Fill(labels, -1);
        Array.Fill(w.LabelsOld, -1);
        w.SumsValid = false;
        search.ForgetBounds();
        bool strict = false, converged = false;
        int iteration = 0;
        for (; iteration < maxIterations; iteration++)
        {
            po.CancellationToken.ThrowIfCancellationRequested();
            search.Assign(centers, labels, po);
            UpdateCenters(x, labels, centers, centersNew, w, po, splitRng);
            search.CentersMoved(w.Shift, labels);
            (centers, centersNew) = (centersNew, centers);
            if (labels.AsSpan().SequenceEqual(w.LabelsOld))
            {
                strict = converged = true;
                break;
            }
            double shiftTotal = 0;
            for (int c = 0; c < k; c++) shiftTotal += w.Shift[c] * w.Shift[c];
            if (shiftTotal <= tolerance)
            {
                converged = true;
                break;
            }
            labels.CopyTo(w.LabelsOld, 0);
        }
        // Stopped by tolerance or the limit: labels must match the final centres.
        if (!strict) search.Assign(centers, labels, po);
        var sq = new double[n];
        SquaredDistances(x.Data, n, centers, labels, sq, po);
        double inertia = 0;
        for (int i = 0; i < n; i++) inertia += sq[i];
        return new Run(labels, centers, inertia, Math.Min(iteration + 1, maxIterations), converged, sq);
    }

    /// <summary>Nearest centre of every point, by ||c||^2 - 2 x.c (scikit-learn's criterion; lowest index wins ties).</summary>
    internal static void Assign(double[] x, int n, DataMatrix centers, int[] labels, ParallelOptions po) =>
        new NearestCenter(x, n, centers.Columns, po).Assign(centers, labels, po);

    internal static void SquaredDistances(double[] x, int n, DataMatrix centers, int[] labels, double[] result, ParallelOptions po)
    {
        int d = centers.Columns;
        var c = centers.Data;
        ForChunks(n, (long)n * d, po, (start, end) =>
        {
            for (int i = start; i < end; i++)
                result[i] = VectorKernels.SquaredDistance(new ReadOnlySpan<double>(x, i * d, d), c.AsSpan(labels[i] * d, d));
        });
    }

    // M-step: mean of each cluster's points. The sums are taken afresh in point order when many labels
    // changed, else moved by the points that changed cluster (in point order): either way independent
    // of the thread count, and a late iteration reads a few points instead of all of them.
    static void UpdateCenters(DataMatrix x, int[] labels, DataMatrix centersOld, DataMatrix centersNew, LloydWorkspace w, ParallelOptions po, SeededRandom? splitRng)
    {
        int n = x.Rows, d = x.Columns, k = centersOld.Rows;
        var sums = w.Sums;
        var xd = x.Data;
        int changed = 0;
        if (w.SumsValid)
            for (int i = 0; i < n; i++)
                if (labels[i] != w.LabelsOld[i]) changed++;
        if (!w.SumsValid || changed > n / 8) SumClusters(x, labels, w, po);
        else
            for (int i = 0; i < n; i++)
            {
                int from = w.LabelsOld[i], to = labels[i];
                if (from == to) continue;
                var xi = new ReadOnlySpan<double>(xd, i * d, d);
                DenseSubtract(sums.AsSpan(from * d, d), xi);
                VectorKernels.Add(xi, sums.AsSpan(to * d, d));
                w.Counts[from]--;
                w.Counts[to]++;
            }
        w.SumsValid = true;
        sums.CopyTo(centersNew.Data, 0);
        for (int j = 0; j < k; j++) w.Weights[j] = w.Counts[j];

        if (splitRng == null) RelocateEmptyClusters(x, labels, centersOld, centersNew, w, po);

        for (int j = 0; j < k; j++)
        {
            if (w.Weights[j] <= 0) continue;
            double alpha = 1.0 / w.Weights[j];
            var row = centersNew.Row(j);
            for (int t = 0; t < d; t++) row[t] *= alpha;
        }
        if (splitRng != null) SplitForEmptyClusters(centersNew, w, splitRng);
        for (int j = 0; j < k; j++)
            w.Shift[j] = Math.Sqrt(VectorKernels.SquaredDistance(centersOld.Row(j), centersNew.Row(j)));
    }

    static void SumClusters(DataMatrix x, int[] labels, LloydWorkspace w, ParallelOptions po)
    {
        int n = x.Rows, d = x.Columns, k = w.Counts.Length;
        var off = w.Offsets;
        Array.Clear(off);
        for (int i = 0; i < n; i++) off[labels[i] + 1]++;
        for (int j = 0; j < k; j++) off[j + 1] += off[j];
        var fill = w.Offsets.AsSpan(0, k).ToArray();   // k ints per iteration, not per point
        for (int i = 0; i < n; i++) w.Order[fill[labels[i]]++] = i;

        var sums = w.Sums;
        Array.Clear(sums);
        var order = w.Order;
        var xd = x.Data;
        Action<int> sumCluster = j =>
        {
            var dst = sums.AsSpan(j * d, d);
            for (int p = off[j]; p < off[j + 1]; p++)
                VectorKernels.Add(new ReadOnlySpan<double>(xd, order[p] * d, d), dst);
        };
        if (po.MaxDegreeOfParallelism == 1 || (long)n * d < ParallelWork) for (int j = 0; j < k; j++) sumCluster(j);
        else Parallel.For(0, k, po, sumCluster);
        for (int j = 0; j < k; j++) w.Counts[j] = off[j + 1] - off[j];
    }

    // y -= x
    static void DenseSubtract(Span<double> y, ReadOnlySpan<double> x)
    {
        for (int t = 0; t < y.Length; t++) y[t] -= x[t];
    }

    // An empty cluster takes the point farthest from its current centre (farthest first, one
    // point per empty cluster), as scikit-learn does; labels are left for the next assignment.
    static void RelocateEmptyClusters(DataMatrix x, int[] labels, DataMatrix centersOld, DataMatrix centersNew, LloydWorkspace w, ParallelOptions po)
    {
        int k = centersOld.Rows, n = x.Rows;
        var empty = new List<int>();
        for (int j = 0; j < k; j++) if (w.Weights[j] == 0) empty.Add(j);
        if (empty.Count == 0) return;
        var dist = w.Scratch;
        SquaredDistances(x.Data, n, centersOld, labels, dist, po);
        var idx = Enumerable.Range(0, n).ToArray();
        Array.Sort(idx, (a, b) => dist[a] != dist[b] ? dist[b].CompareTo(dist[a]) : a.CompareTo(b));
        for (int e = 0; e < empty.Count; e++)
        {
            int newId = empty[e], far = idx[e], oldId = labels[far];
            var xf = x.Row(far);
            var oldRow = centersNew.Row(oldId);
            var newRow = centersNew.Row(newId);
            for (int t = 0; t < xf.Length; t++)
            {
                oldRow[t] -= xf[t];
                newRow[t] = xf[t];
            }
            w.Weights[newId] = 1;
            w.Weights[oldId] -= 1;
        }
    }

    // DeepCluster's rule (faiss's): an empty cluster copies the centre of a cluster drawn with probability
    // proportional to its size less one, both moved apart by 1/1024 of each coordinate in opposite directions.
    static void SplitForEmptyClusters(DataMatrix centers, LloydWorkspace w, SeededRandom rng)
    {
        const double Eps = 1.0 / 1024;
        int k = centers.Rows, d = centers.Columns;
        for (int empty = 0; empty < k; empty++)
        {
            if (w.Weights[empty] > 0) continue;
            double spare = 0;
            for (int c = 0; c < k; c++) spare += Math.Max(0, w.Weights[c] - 1);
            if (spare <= 0) return;   // every point is alone in its cluster: nothing to split
            double r = rng.NextDouble() * spare;
            int donor = 0;
            for (; donor < k - 1; donor++)
            {
                r -= Math.Max(0, w.Weights[donor] - 1);
                if (r < 0 && w.Weights[donor] > 1) break;
            }
            var from = centers.Row(donor);
            var to = centers.Row(empty);
            for (int t = 0; t < d; t++)
            {
                double sign = t % 2 == 0 ? 1 : -1;
                to[t] = from[t] * (1 + sign * Eps);
                from[t] *= 1 - sign * Eps;
            }
            w.Weights[empty] = Math.Floor(w.Weights[donor] / 2);
            w.Weights[donor] -= w.Weights[empty];
        }
    }

    // Greedy k-means++: each new centre is the best (lowest potential) of 2 + floor(ln k)
    // candidates drawn with probability proportional to the squared distance to the nearest centre.
    internal static DataMatrix PlusPlus(DataMatrix x, int k, SeededRandom rng, ParallelOptions po) =>
        PlusPlus(x, k, rng, po, new NearestCenter(x.Data, x.Rows, x.Columns, po));

    static DataMatrix PlusPlus(DataMatrix x, int k, SeededRandom rng, ParallelOptions po, NearestCenter search)
    {
        int n = x.Rows, d = x.Columns;
        int trials = 2 + (int)Math.Log(k);
        var centers = new DataMatrix(k, d);
        var xd = x.Data;

        int first = rng.NextInt(n);
        x.Row(first).CopyTo(centers.Row(0));
        var closest = new double[n];
        ForChunks(n, (long)n * d, po, (s, e) =>
        {
            for (int i = s; i < e; i++) closest[i] = VectorKernels.SquaredDistance(new ReadOnlySpan<double>(xd, i * d, d), x.Row(first));
        });
        double pot = 0;
        for (int i = 0; i < n; i++) pot += closest[i];

        var cumulative = new double[n];
        var candidates = new int[trials];
        var candDist = new double[trials * n];
        var candPot = new double[trials];
        var nearest = new int[n];                    // the centre that gives closest[i]
        var separation = new double[trials * k];     // candidate t to centre a, for the triangle inequality
        var lower = new double[trials * n];
        var upper = new double[trials * n];
        var potLow = new double[trials];
        var potHigh = new double[trials];
        for (int c = 1; c < k; c++)
        {
            double run = 0;
            for (int i = 0; i < n; i++) cumulative[i] = run += closest[i];
            for (int t = 0; t < trials; t++)
            {
                double r = rng.NextDouble() * pot;
                // First index whose cumulative sum reaches r (numpy searchsorted, side="left").
                int pos = Array.BinarySearch(cumulative, r);
                if (pos < 0) pos = ~pos;
                else while (pos > 0 && cumulative[pos - 1] == r) pos--;
                candidates[t] = Math.Min(pos, n - 1);
            }
            for (int t = 0; t < trials; t++)
                for (int a = 0; a < c; a++)
                    separation[t * k + a] = Math.Sqrt(VectorKernels.SquaredDistance(x.Row(candidates[t]), centers.Row(a)));
            search.CandidateDistances(candidates, closest, nearest, separation, k, candDist, lower, upper, po);
            // Bracket every candidate's potential; when one is certainly the lowest, only its distances
            // are needed exactly. Otherwise all are resolved and compared as they are.
            int best = 0;
            for (int t = 0; t < trials; t++)
            {
                double lo = 0, hi = 0;
                for (int i = 0; i < n; i++) { lo += lower[t * n + i]; hi += upper[t * n + i]; }
                potLow[t] = lo;
                potHigh[t] = hi;
                if (hi < potHigh[best]) best = t;
            }
            bool certain = true;
            for (int t = 0; t < trials; t++)
                if (t != best && !(potLow[t] > potHigh[best] * (1 + 1e-9))) certain = false;
            for (int t = 0; t < trials; t++)
            {
                if (certain && t != best) continue;
                search.Resolve(candidates[t], closest, candDist, t, po);
                double sum = 0;
                for (int i = 0; i < n; i++) sum += candDist[t * n + i];
                candPot[t] = sum;
            }
            if (!certain)
            {
                best = 0;
                for (int t = 1; t < trials; t++)
                    if (candPot[t] < candPot[best]) best = t;
            }
            pot = candPot[best];
            for (int i = 0; i < n; i++)
                if (candDist[best * n + i] < closest[i]) nearest[i] = c;
            Array.Copy(candDist, best * n, closest, 0, n);
            x.Row(candidates[best]).CopyTo(centers.Row(c));
        }
        return centers;
    }

    // True when labels a determine labels b (scikit-learn's _is_same_clustering).
    static bool SameClustering(int[] a, int[] b, int k)
    {
        var map = new int[k];
        Array.Fill(map, -1);
        for (int i = 0; i < a.Length; i++)
        {
            if (map[a[i]] == -1) map[a[i]] = b[i];
            else if (map[a[i]] != b[i]) return false;
        }
        return true;
    }

    // Runs body over fixed chunks of points: the split never depends on the thread count.
    internal static void ForChunks(int n, long work, ParallelOptions po, Action<int, int> body)
    {
        int chunks = (n + Chunk - 1) / Chunk;
        if (chunks <= 1 || po.MaxDegreeOfParallelism == 1 || work < ParallelWork)
        {
            body(0, n);
            return;
        }
        Parallel.For(0, chunks, po, c => body(c * Chunk, Math.Min(n, (c + 1) * Chunk)));
    }
}
