namespace AudioCluster.Clustering;

/// <summary>
/// Nearest-centre search over fixed points for k-means. The dot products x.c come from float32
/// register tiles with a bound on their error; a point whose best and second-best centres differ by
/// less than that bound is decided again in double precision, so the labels are those of the
/// double-precision criterion ||c||^2 - 2 x.c (lowest index on ties) at a fraction of its cost.
/// Between the assignments of one Lloyd run, Hamerly's bounds skip the points whose label cannot
/// change: an upper bound on the distance to their centre and a lower bound on the distance to any
/// other, widened by how far the centres moved (and by the float32 error when they were set).
/// </summary>
internal sealed class NearestCenter
{
    // Beyond this scaled magnitude float32 products could overflow: such centres take the double path.
    const double MaxScaledCenter = 1L << 40;
    readonly double[] x;
    readonly int n, d;
    readonly SingleRows rows;
    readonly double[] squaredNorms; // of the scaled points
    // Hamerly's bounds (unscaled distances), valid after an assignment until ForgetBounds.
    readonly double[] upper, lower;
    bool boundsValid;

    public NearestCenter(double[] x, int n, int d, ParallelOptions po)
    {
        this.x = x;
        this.n = n;
        this.d = d;
        rows = new SingleRows(n, d, SingleRows.ScaleFor(SingleRows.MaxAbs(x.AsSpan(0, n * d))));
        squaredNorms = new double[n];
        upper = new double[n];
        lower = new double[n];
        double s2 = rows.Scale * rows.Scale;
        KMeans.ForChunks(n, (long)n * d, po, (start, end) =>
        {
            var span = new ReadOnlySpan<double>(x, start * d, (end - start) * d);
            rows.Fill(span, start);
            for (int i = start; i < end; i++)
            {
                var xi = span.Slice((i - start) * d, d);
                squaredNorms[i] = VectorKernels.Dot(xi, xi) * s2;
            }
        });
    }

    /// <summary>The next assignment starts afresh (a new run, or centres not derived by moving the last ones).</summary>
    public void ForgetBounds() => boundsValid = false;

    /// <summary>Centre j moved by shift[j] (Euclidean) since the last assignment, which gave labels.</summary>
    public void CentersMoved(double[] shift, int[] labels)
    {
        if (!boundsValid) return;
        double most = 0;
        foreach (var v in shift) most = Math.Max(most, v);
        // 1e-12: room for the rounding of the shifts and of these sums.
        for (int i = 0; i < n; i++)
        {
            upper[i] = (upper[i] + shift[labels[i]]) * (1 + 1e-12);
            lower[i] = (lower[i] - most) * (1 - 1e-12);
        }
    }

    /// <summary>Nearest centre of every point (see the class summary).</summary>
    public void Assign(DataMatrix centers, int[] labels, ParallelOptions po)
    {
        bool skip = boundsValid;
        boundsValid = false;
        int k = centers.Rows;
        var c = centers.Data;
        var norms = new double[k];
        for (int j = 0; j < k; j++) norms[j] = VectorKernels.Dot(centers.Row(j), centers.Row(j));
        double scale = rows.Scale, s2 = scale * scale;
        if (SingleRows.MaxAbs(c) * scale > MaxScaledCenter)
        {
            KMeans.ForChunks(n, (long)n * k * d, po, (start, end) =>
            {
                for (int i = start; i < end; i++) labels[i] = Exact(i, c, norms);
            });
            return; // bounds stay invalid
        }
        var cs = new SingleRows(k, d, scale);
        cs.Fill(c);
        var scaledNorms = new double[k];
        double maxNorm = 0;
        for (int j = 0; j < k; j++)
        {
            scaledNorms[j] = norms[j] * s2;
            maxNorm = Math.Max(maxNorm, Math.Sqrt(scaledNorms[j]));
        }
        int m = cs.PaddedRows;
        KMeans.ForChunks(n, (long)n * k * d, po, (start, end) =>
        {
            var dots = new float[SingleRows.Tile * m];
            // Points to compute, gathered four at a time into a tile of their own.
            var tile = new SingleRows(SingleRows.Tile, d, scale);
            var pending = new int[SingleRows.Tile];
            int count = 0;
            for (int i = start; i < end; i++)
            {
                if (skip && upper[i] < lower[i]) continue;
                Array.Copy(rows.Data, (long)i * rows.Stride, tile.Data, count * tile.Stride, rows.Stride);
                pending[count++] = i;
                if (count == SingleRows.Tile)
                {
                    SingleRows.DotTile(tile, 0, cs, dots);
                    for (int r = 0; r < count; r++) Decide(pending[r], dots.AsSpan(r * m, k));
                    count = 0;
                }
            }
            if (count > 0)
            {
                SingleRows.DotTile(tile, 0, cs, dots);
                for (int r = 0; r < count; r++) Decide(pending[r], dots.AsSpan(r * m, k));
            }
        });
        boundsValid = true;

        void Decide(int i, ReadOnlySpan<float> dot)
        {
            int bestJ = 0;
            double best = double.PositiveInfinity, second = double.PositiveInfinity;
            for (int j = 0; j < dot.Length; j++)
            {
                double v = scaledNorms[j] - 2.0 * dot[j];
                if (v < best) { second = best; best = v; bestJ = j; }
                else if (v < second) second = v;
            }
            // Each value is off by at most twice the dot product's error (plus double rounding); the
            // winner is certain when the runner-up trails by more than both errors.
            double error = 2.02 * rows.DotError(Math.Sqrt(squaredNorms[i]), maxNorm) + 1e-14 * (Math.Abs(best) + Math.Abs(second));
            if (second - best > 2 * error)
            {
                labels[i] = bestJ;
                // Squared distances are v + ||x||^2; widen by the error (and the rounding of ||x||^2).
                double slack = error + 1e-12 * squaredNorms[i];
                upper[i] = Math.Sqrt(Math.Max(0, best + squaredNorms[i] + slack) / s2);
                lower[i] = Math.Sqrt(Math.Max(0, second + squaredNorms[i] - slack) / s2);
            }
            else
            {
                labels[i] = Exact(i, c, norms);
                upper[i] = double.PositiveInfinity;
                lower[i] = 0;
            }
        }
    }

    /// <summary>
    /// Fills distances[t * n + i] with min(closest[i], squared distance from point i to point
    /// candidates[t]) where that is certainly closest[i], and with NaN where the double-precision
    /// distance is needed (<see cref="Resolve"/>); [lower, upper] brackets every value. The candidate
    /// certainly does not bring a point closer by the triangle inequality, when it lies more than twice
    /// as far from the point's nearest centre (nearest[i], at distance sqrt(closest[i])) as the point
    /// does, given separation[t * stride + nearest[i]] = distance from candidate t to that centre; or by
    /// the float32 estimate and its error bound.
    /// </summary>
    public void CandidateDistances(int[] candidates, double[] closest, int[] nearest, double[] separation, int stride,
        double[] distances, double[] lower, double[] upper, ParallelOptions po)
    {
        int trials = candidates.Length;
        double s2 = rows.Scale * rows.Scale;
        var cs = new SingleRows(trials, d, rows.Scale);
        for (int t = 0; t < trials; t++)
            rows.Data.AsSpan(candidates[t] * rows.Stride, rows.Stride).CopyTo(cs.Data.AsSpan(t * cs.Stride));
        int m = cs.PaddedRows;
        KMeans.ForChunks(n, (long)n * d * trials, po, (start, end) =>
        {
            var dots = new float[SingleRows.Tile * m];
            var far = new bool[SingleRows.Tile * trials];
            for (int i0 = start; i0 < end; i0 += SingleRows.Tile)
            {
                bool allFar = true;
                for (int r = 0; r < SingleRows.Tile; r++)
                {
                    int i = i0 + r;
                    for (int t = 0; t < trials; t++)
                    {
                        // 1e-7: room for the rounding of both distances.
                        far[r * trials + t] = i >= end || separation[t * stride + nearest[i]] > 2 * Math.Sqrt(closest[i]) * (1 + 1e-7);
                        allFar &= far[r * trials + t];
                    }
                }
                if (!allFar) SingleRows.DotTile(rows, i0, cs, dots);
                for (int r = 0; r < SingleRows.Tile && i0 + r < end; r++)
                {
                    int i = i0 + r;
                    double nx = squaredNorms[i], near = closest[i] * s2;
                    for (int t = 0; t < trials; t++)
                    {
                        int at = t * n + i;
                        distances[at] = lower[at] = upper[at] = closest[i];
                        if (far[r * trials + t]) continue;
                        double nc = squaredNorms[candidates[t]];
                        double estimate = nx + nc - 2.0 * dots[r * m + t];
                        double error = 2.02 * rows.DotError(Math.Sqrt(nx), Math.Sqrt(nc)) + 1e-14 * (nx + nc + near);
                        if (estimate - error > near) continue;
                        distances[at] = double.NaN;
                        lower[at] = Math.Max(0, estimate - error) / s2;
                        upper[at] = Math.Min(closest[i], (estimate + error) / s2);
                    }
                }
            }
        });
    }

    /// <summary>Replaces the NaNs of row t of distances by min(closest[i], the double-precision squared distance to point candidate).</summary>
    public void Resolve(int candidate, double[] closest, double[] distances, int t, ParallelOptions po) =>
        KMeans.ForChunks(n, (long)n * d / 16, po, (start, end) =>
        {
            for (int i = start; i < end; i++)
                if (double.IsNaN(distances[t * n + i]))
                    distances[t * n + i] = Math.Min(closest[i], VectorKernels.SquaredDistance(Row(i), Row(candidate)));
        });

    ReadOnlySpan<double> Row(int i) => new(x, i * d, d);

    // The double-precision criterion over every centre.
    int Exact(int i, double[] c, double[] norms)
    {
        var xi = Row(i);
        int k = norms.Length, bestJ = 0, j = 0;
        double best = double.PositiveInfinity;
        for (; j + 4 <= k; j += 4)
        {
            VectorKernels.Dot4(xi, c.AsSpan(j * d, d), c.AsSpan((j + 1) * d, d), c.AsSpan((j + 2) * d, d), c.AsSpan((j + 3) * d, d),
                out var p0, out var p1, out var p2, out var p3);
            double v0 = norms[j] - 2 * p0, v1 = norms[j + 1] - 2 * p1, v2 = norms[j + 2] - 2 * p2, v3 = norms[j + 3] - 2 * p3;
            if (v0 < best) { best = v0; bestJ = j; }
            if (v1 < best) { best = v1; bestJ = j + 1; }
            if (v2 < best) { best = v2; bestJ = j + 2; }
            if (v3 < best) { best = v3; bestJ = j + 3; }
        }
        for (; j < k; j++)
        {
            double v = norms[j] - 2 * VectorKernels.Dot(xi, c.AsSpan(j * d, d));
            if (v < best) { best = v; bestJ = j; }
        }
        return bestJ;
    }
}
