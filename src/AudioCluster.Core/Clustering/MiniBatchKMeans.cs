namespace AudioCluster.Clustering;

/// <summary>
/// Parameters of <see cref="MiniBatchKMeans"/>, named after scikit-learn 1.2's MiniBatchKMeans:
/// MaxIterations is max_iter (passes over the data), Restarts is n_init (k-means++ starts, the one
/// with the lowest inertia on a held-out sample is kept), Tolerance is tol (relative, times the mean
/// per-dimension variance; 0 turns the centre-movement test off), MaxNoImprovement is
/// max_no_improvement (0 turns the smoothed-inertia test off), InitSize is init_size (0: 3 x BatchSize),
/// ReassignmentRatio is reassignment_ratio.
/// </summary>
public sealed record MiniBatchKMeansOptions(
    int ClusterCount,
    int BatchSize = 1024,
    int MaxIterations = 100,
    int Restarts = 3,
    double Tolerance = 0.0,
    int MaxNoImprovement = 10,
    int InitSize = 0,
    double ReassignmentRatio = 0.01,
    int Seed = 0)
{
    /// <summary>Threads for the per-point work; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>
/// Mini-batch k-means as scikit-learn 1.2 runs it: k-means++ on random subsamples, each scored on one
/// held-out sample; then steps on random batches (drawn with replacement), each centre moving to the
/// running mean of every point it has been given (learning rate 1 / count); centres whose count falls
/// below ReassignmentRatio x the largest are moved to random batch points now and then; the run stops
/// when an exponentially weighted average of the batch inertia has not improved for MaxNoImprovement
/// steps, when the centres move less than Tolerance, or after MaxIterations passes. The labels and
/// inertia of the result come from one full assignment pass at the end.
/// Its result is a <see cref="KMeansResult"/>: Iterations counts passes over the data (scikit-learn's
/// n_iter_), Converged says the run stopped early, BestRestart is the initialisation kept.
/// </summary>
public static class MiniBatchKMeans
{
    public static KMeansResult Fit(DataMatrix data, MiniBatchKMeansOptions options, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, d = data.Columns, k = options.ClusterCount;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        int batch = Math.Min(options.BatchSize, n);
        int initSize = options.InitSize > 0 ? options.InitSize : 3 * batch;
        if (initSize < k) initSize = 3 * k;
        initSize = Math.Min(initSize, n);
        double tolerance = AbsoluteTolerance(data, options.Tolerance);
        var rng = new SeededRandom(options.Seed);

        // Initialisations are compared on one random sample of the data.
        var valid = Gather(data, Draw(rng, n, initSize));
        var validLabels = new int[initSize];
        var validDist = new double[initSize];
        DataMatrix? centers = null;
        double bestInertia = double.PositiveInfinity;
        int bestRestart = 0;
        for (int r = 0; r < options.Restarts; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sample = Gather(data, Draw(rng, n, initSize));
            var init = KMeans.PlusPlus(sample, k, rng, po);
            KMeans.Assign(valid.Data, initSize, init, validLabels, po);
            KMeans.SquaredDistances(valid.Data, initSize, init, validLabels, validDist, po);
            double inertia = validDist.Sum();
            if (inertia < bestInertia) { bestInertia = inertia; centers = init; bestRestart = r; }
        }

        var centersNew = new DataMatrix(k, d);
        var counts = new double[k];
        var batchData = new DataMatrix(batch, d);
        var batchIndex = new int[batch];
        var batchLabels = new int[batch];
        var batchDist = new double[batch];
        var batchCounts = new double[k];
        double? ewa = null, ewaMin = null;
        int noImprovement = 0, sinceReassign = 0;
        long steps = (long)options.MaxIterations * n / batch;
        long step = 0;
        bool converged = false;
        for (; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int b = 0; b < batch; b++) batchIndex[b] = rng.NextInt(n);
            for (int b = 0; b < batch; b++) data.Row(batchIndex[b]).CopyTo(batchData.Row(b));

            // Reassignment is due while some centre has no points yet, or every 10 k points seen.
            sinceReassign += batch;
            bool reassign = false;
            if (Array.IndexOf(counts, 0.0) >= 0 || sinceReassign >= 10 * k) { sinceReassign = 0; reassign = true; }

            KMeans.Assign(batchData.Data, batch, centers!, batchLabels, po);
            KMeans.SquaredDistances(batchData.Data, batch, centers!, batchLabels, batchDist, po);
            double batchInertia = 0;
            for (int b = 0; b < batch; b++) batchInertia += batchDist[b];

            // Each centre becomes the mean of all points it has been given so far.
            Array.Clear(batchCounts);
            for (int b = 0; b < batch; b++) batchCounts[batchLabels[b]]++;
            for (int c = 0; c < k; c++)
            {
                var dst = centersNew.Row(c);
                centers!.Row(c).CopyTo(dst);
                if (batchCounts[c] == 0) continue;
                for (int t = 0; t < d; t++) dst[t] *= counts[c];
            }
            for (int b = 0; b < batch; b++)
                VectorKernels.Add(batchData.Row(b), centersNew.Row(batchLabels[b]));
            for (int c = 0; c < k; c++)
            {
                if (batchCounts[c] == 0) continue;
                counts[c] += batchCounts[c];
                var dst = centersNew.Row(c);
                for (int t = 0; t < d; t++) dst[t] /= counts[c];
            }
            if (reassign && options.ReassignmentRatio > 0) Reassign(batchData, centersNew, counts, options.ReassignmentRatio, rng);

            double shift = 0;
            if (tolerance > 0)
                for (int c = 0; c < k; c++) shift += VectorKernels.SquaredDistance(centersNew.Row(c), centers!.Row(c));
            (centers, centersNew) = (centersNew, centers!);

            // Early stop on the smoothed batch inertia (the first step is ignored).
            if (step == 0) continue;
            double mean = batchInertia / batch;
            double alpha = Math.Min(1.0, batch * 2.0 / (n + 1));
            ewa = ewa is null ? mean : ewa * (1 - alpha) + mean * alpha;
            if (tolerance > 0 && shift <= tolerance) { converged = true; break; }
            if (ewaMin is null || ewa < ewaMin) { noImprovement = 0; ewaMin = ewa; }
            else noImprovement++;
            if (options.MaxNoImprovement > 0 && noImprovement >= options.MaxNoImprovement) { converged = true; break; }
        }
        long done = Math.Min(step + 1, Math.Max(steps, 1));
        int passes = (int)((done * batch + n - 1) / n);

        var labels = new int[n];
        var sq = new double[n];
        KMeans.Assign(data.Data, n, centers!, labels, po);
        KMeans.SquaredDistances(data.Data, n, centers!, labels, sq, po);
        double total = 0;
        var distances = new double[n];
        for (int i = 0; i < n; i++) { total += sq[i]; distances[i] = Math.Sqrt(sq[i]); }
        return new KMeansResult(labels, centers!, total, passes, converged, bestRestart, distances);
    }

    // Centres with a count below ratio x the largest (at most half a batch of them, the smallest
    // first) move to distinct random points of the batch, with the smallest remaining count.
    static void Reassign(DataMatrix batch, DataMatrix centers, double[] counts, double ratio, SeededRandom rng)
    {
        int k = counts.Length, b = batch.Rows;
        double limit = ratio * counts.Max();
        var move = new bool[k];
        int count = 0;
        for (int c = 0; c < k; c++) if (counts[c] < limit) { move[c] = true; count++; }
        if (count > b / 2)
        {
            var order = Enumerable.Range(0, k).OrderBy(c => counts[c]).ThenBy(c => c).ToArray();
            for (int p = b / 2; p < k; p++) move[order[p]] = false;
            count = b / 2;
        }
        if (count == 0) return;
        double keepMin = double.PositiveInfinity;
        for (int c = 0; c < k; c++) if (!move[c]) keepMin = Math.Min(keepMin, counts[c]);
        // Distinct batch points: a partial Fisher-Yates shuffle.
        var pick = Enumerable.Range(0, b).ToArray();
        int next = 0;
        for (int c = 0; c < k; c++)
        {
            if (!move[c]) continue;
            int j = next + rng.NextInt(b - next);
            (pick[next], pick[j]) = (pick[j], pick[next]);
            batch.Row(pick[next++]).CopyTo(centers.Row(c));
            counts[c] = keepMin;
        }
    }

    static int[] Draw(SeededRandom rng, int n, int count)
    {
        var idx = new int[count];
        for (int i = 0; i < count; i++) idx[i] = rng.NextInt(n);
        return idx;
    }

    static DataMatrix Gather(DataMatrix data, int[] rows)
    {
        var m = new DataMatrix(rows.Length, data.Columns);
        for (int i = 0; i < rows.Length; i++) data.Row(rows[i]).CopyTo(m.Row(i));
        return m;
    }

    // scikit-learn: tol times the mean over dimensions of the variance.
    static double AbsoluteTolerance(DataMatrix x, double tol)
    {
        if (tol == 0) return 0;
        int n = x.Rows, d = x.Columns;
        var mean = new double[d];
        for (int i = 0; i < n; i++) VectorKernels.Add(x.Row(i), mean);
        for (int j = 0; j < d; j++) mean[j] /= n;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += VectorKernels.SquaredDistance(x.Row(i), mean);
        return sum / n / d * tol;
    }

    static void Validate(DataMatrix data, MiniBatchKMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.ClusterCount;
        if (data.Rows == 0) throw new ArgumentException("Mini-batch k-means needs at least one point; the data is empty.", nameof(data));
        if (data.Columns == 0) throw new ArgumentException("The vectors have no dimensions.", nameof(data));
        if (k < 1) throw new ArgumentException($"ClusterCount must be at least 1 (got {k}).", nameof(options));
        if (k > data.Rows) throw new ArgumentException($"ClusterCount ({k}) must not exceed the number of points ({data.Rows}).", nameof(options));
        if (options.BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1 (got {options.BatchSize}).", nameof(options));
        if (options.MaxIterations < 1) throw new ArgumentException($"MaxIterations must be at least 1 (got {options.MaxIterations}).", nameof(options));
        if (options.Restarts < 1) throw new ArgumentException($"Restarts must be at least 1 (got {options.Restarts}).", nameof(options));
        if (!(options.Tolerance >= 0) || double.IsInfinity(options.Tolerance))
            throw new ArgumentException($"Tolerance must be a finite number >= 0 (got {options.Tolerance}).", nameof(options));
        if (options.MaxNoImprovement < 0) throw new ArgumentException($"MaxNoImprovement must be >= 0, 0 turning it off (got {options.MaxNoImprovement}).", nameof(options));
        if (options.InitSize < 0) throw new ArgumentException($"InitSize must be >= 0, 0 meaning 3 x BatchSize (got {options.InitSize}).", nameof(options));
        if (!(options.ReassignmentRatio >= 0) || double.IsInfinity(options.ReassignmentRatio))
            throw new ArgumentException($"ReassignmentRatio must be a finite number >= 0 (got {options.ReassignmentRatio}).", nameof(options));
        if (options.MaxDegreeOfParallelism == 0 || options.MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism must be -1 (all cores) or positive (got {options.MaxDegreeOfParallelism}).", nameof(options));
        KMeans.CheckFinite(data, nameof(data));
    }
}
