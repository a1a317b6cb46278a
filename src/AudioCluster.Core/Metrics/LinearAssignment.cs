namespace AudioCluster.Metrics;

/// <summary>
/// Optimal one-to-one assignment of rows to columns of a rectangular cost matrix
/// (the Hungarian method with row/column potentials and shortest augmenting paths, O(r^2 c)).
/// Integer costs keep every step exact.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// Minimises the total cost. Returns, for each row, its column, or -1 where the row is
    /// left unmatched (only when there are more rows than columns).
    /// </summary>
    public static int[] Minimize(long[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        var result = new int[rows];
        Array.Fill(result, -1);
        if (rows == 0 || cols == 0) return result;

        if (rows <= cols)
        {
            var colOfRow = Solve(cost, rows, cols, transpose: false);
            for (int i = 0; i < rows; i++) result[i] = colOfRow[i];
        }
        else
        {
            // The method needs rows <= columns: solve the transpose and invert the matching.
            var rowOfCol = Solve(cost, cols, rows, transpose: true);
            for (int j = 0; j < cols; j++) result[rowOfCol[j]] = j;
        }
        return result;
    }

    /// <summary>Maximises the total; same return convention as <see cref="Minimize"/>.</summary>
    public static int[] Maximize(long[,] score)
    {
        ArgumentNullException.ThrowIfNull(score);
        int rows = score.GetLength(0), cols = score.GetLength(1);
        var neg = new long[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                neg[i, j] = -score[i, j];
        return Minimize(neg);
    }

    // n <= m. Returns the column (0-based) matched to each of the n rows.
    static int[] Solve(long[,] cost, int n, int m, bool transpose)
    {
        long C(int i, int j) => transpose ? cost[j, i] : cost[i, j];
        const long Inf = long.MaxValue / 4;
        // 1-based with a virtual column 0 that holds the row being inserted.
        var u = new long[n + 1];
        var v = new long[m + 1];
        var rowOfCol = new int[m + 1];   // 0 = free
        var way = new int[m + 1];
        var minv = new long[m + 1];
        var used = new bool[m + 1];

        for (int i = 1; i <= n; i++)
        {
            rowOfCol[0] = i;
            int j0 = 0;
            Array.Fill(minv, Inf);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = rowOfCol[j0], j1 = 0;
                long delta = Inf;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    long cur = C(i0 - 1, j - 1) - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[rowOfCol[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (rowOfCol[j0] != 0);
            // Flip the augmenting path back to column 0.
            do
            {
                int j1 = way[j0];
                rowOfCol[j0] = rowOfCol[j1];
                j0 = j1;
            } while (j0 != 0);
        }

        var colOfRow = new int[n];
        for (int j = 1; j <= m; j++)
            if (rowOfCol[j] != 0) colOfRow[rowOfCol[j] - 1] = j - 1;
        return colOfRow;
    }
}
