namespace AudioCluster.Clustering;

/// <summary>Per-dimension and per-row scaling applied before clustering.</summary>
public static class VectorPreprocessing
{
    /// <summary>
    /// Z-scores every dimension (mean 0, population standard deviation 1, like scikit-learn's
    /// StandardScaler). Dimensions that are constant become 0. Returns a new matrix.
    /// </summary>
    public static DataMatrix Standardize(DataMatrix x) => Standardizer.Fit(x).Apply(x);

    /// <summary>The preprocessing a saved model was fitted with, applied to new raw vectors.</summary>
    public static DataMatrix Apply(DataMatrix raw, int dimensions, Standardizer? standardizer, bool l2Normalize)
    {
        if (raw.Columns != dimensions)
            throw new ArgumentException($"The model was fitted on {dimensions}-dimensional vectors; these have {raw.Columns}.");
        var x = standardizer?.Apply(raw) ?? raw;
        return l2Normalize ? L2Normalize(x) : x;
    }

    /// <summary>Scales every row to unit Euclidean length; all-zero rows stay zero. Returns a new matrix.</summary>
    public static DataMatrix L2Normalize(DataMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = x.Clone();
        for (int i = 0; i < x.Rows; i++)
        {
            var r = result.Row(i);
            double ss = 0;
            foreach (var v in r) ss += v * v;
            if (ss == 0) continue;
            double inv = 1.0 / Math.Sqrt(ss);
            for (int j = 0; j < r.Length; j++) r[j] *= inv;
        }
        return result;
    }

    /// <summary><see cref="Standardize(DataMatrix)"/> for embedding vectors.</summary>
    public static float[][] Standardize(IReadOnlyList<float[]> vectors) => Standardize(DataMatrix.FromRows(vectors)).ToFloatRows();

    /// <summary><see cref="L2Normalize(DataMatrix)"/> for embedding vectors.</summary>
    public static float[][] L2Normalize(IReadOnlyList<float[]> vectors) => L2Normalize(DataMatrix.FromRows(vectors)).ToFloatRows();
}

/// <summary>
/// Z-scores learnt from data: (x - Mean) * Scale per dimension, Scale = 1 / population standard
/// deviation, or 0 for a constant dimension. Kept so new data can be scaled the same way.
/// </summary>
public sealed record Standardizer(double[] Mean, double[] Scale)
{
    public static Standardizer Fit(DataMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Rows, d = x.Columns;
        var mean = new double[d];
        var m2 = new double[d];
        var constant = new bool[d];
        Array.Fill(constant, true);
        if (n == 0) return new Standardizer(mean, new double[d]);
        var first = x.Row(0);
        for (int i = 0; i < n; i++)
        {
            var r = x.Row(i);
            for (int j = 0; j < d; j++)
            {
                mean[j] += r[j];
                if (r[j] != first[j]) constant[j] = false;
            }
        }
        for (int j = 0; j < d; j++) mean[j] /= n;
        // Second pass around the mean: no cancellation from sum of squares.
        for (int i = 0; i < n; i++)
        {
            var r = x.Row(i);
            for (int j = 0; j < d; j++) { double t = r[j] - mean[j]; m2[j] += t * t; }
        }
        var scale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sd = Math.Sqrt(m2[j] / n);
            scale[j] = constant[j] || sd == 0 ? 0.0 : 1.0 / sd;
        }
        return new Standardizer(mean, scale);
    }

    /// <summary>A new matrix of z-scores.</summary>
    public DataMatrix Apply(DataMatrix x)
    {
        if (x.Columns != Mean.Length) throw new ArgumentException($"The scaling was learnt on {Mean.Length} dimensions; the data has {x.Columns}.");
        var result = new DataMatrix(x.Rows, x.Columns);
        for (int i = 0; i < x.Rows; i++)
        {
            var src = x.Row(i);
            var dst = result.Row(i);
            for (int j = 0; j < src.Length; j++) dst[j] = (src[j] - Mean[j]) * Scale[j];
        }
        return result;
    }
}
