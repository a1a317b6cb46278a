namespace AudioCluster.Reduction;

/// <summary>A square sparse matrix in compressed rows, columns sorted within each row.</summary>
internal sealed class CsrMatrix(int[] rowStart, int[] columns, double[] values)
{
    public int[] RowStart { get; } = rowStart;
    public int[] Columns { get; } = columns;
    public double[] Values { get; } = values;
    public int Rows => RowStart.Length - 1;

    /// <summary>
    /// From n rows of k (column, value) pairs A, the symmetric A + A^T, or with
    /// <paramref name="fuzzyUnion"/> A + A^T - A * A^T (elementwise; UMAP's fuzzy set union).
    /// Zero results are dropped.
    /// </summary>
    public static CsrMatrix Symmetrize(int n, int k, int[] neighbours, double[] values, bool fuzzyUnion)
    {
        // Every entry (i, j, v) goes to row i as a forward value and to row j as a backward one.
        var count = new int[n + 1];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < k; t++)
            {
                count[i + 1]++;
                count[neighbours[i * k + t] + 1]++;
            }
        for (int i = 0; i < n; i++) count[i + 1] += count[i];
        int total = count[n];
        var col = new int[total];
        var fwd = new double[total];
        var bwd = new double[total];
        var fill = (int[])count.Clone();
        for (int i = 0; i < n; i++)
            for (int t = 0; t < k; t++)
            {
                int j = neighbours[i * k + t];
                double v = values[i * k + t];
                int a = fill[i]++;
                col[a] = j; fwd[a] = v;
                int b = fill[j]++;
                col[b] = i; bwd[b] = v;
            }

        // Sort each row by column and merge the two halves of a pair.
        var rowStart = new int[n + 1];
        var outCol = new List<int>(total);
        var outVal = new List<double>(total);
        var order = new int[total];
        for (int i = 0; i < total; i++) order[i] = i;
        for (int i = 0; i < n; i++)
        {
            int s = count[i], e = count[i + 1];
            Array.Sort(col, order, s, e - s);
            int at = s;
            while (at < e)
            {
                int c = col[at];
                double f = 0, b = 0;
                for (; at < e && col[at] == c; at++) { f += fwd[order[at]]; b += bwd[order[at]]; }
                double v = fuzzyUnion ? f + b - f * b : f + b;
                if (v != 0 && c != i) { outCol.Add(c); outVal.Add(v); }
            }
            rowStart[i + 1] = outCol.Count;
        }
        return new CsrMatrix(rowStart, outCol.ToArray(), outVal.ToArray());
    }
}
