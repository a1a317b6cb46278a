using AudioCluster.Clustering;
using AudioCluster.Reduction;

namespace AudioCluster.Reporting;

/// <summary>How the report places clips on its 2-D map when their vectors have more dimensions.</summary>
public enum ReportMapMethod { Pca, Tsne, Umap }

/// <summary>Two coordinates per clip for the report's map.</summary>
public static class ReportMap
{
    /// <summary>
    /// Row i of the result is clip i's position. 2-D vectors are used as they are; others are
    /// reduced by <paramref name="method"/>. <paramref name="description"/> says what was done.
    /// </summary>
    public static DataMatrix Project(DataMatrix data, ReportMapMethod method, int seed, out string description,
                                     IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Rows, d = data.Columns;
        if (d == 2)
        {
            description = "the 2-D vectors as given";
            return data;
        }
        // Too few points or dimensions for a projection: the first coordinates (zeros where missing).
        if (d < 2 || n < 3)
        {
            description = d < 2 ? "the 1-D vectors (along x)" : "the first two vector dimensions";
            var plain = new DataMatrix(n, 2);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < Math.Min(2, d); j++) plain[i, j] = data[i, j];
            return plain;
        }
        switch (method)
        {
            case ReportMapMethod.Tsne:
            {
                // scikit-learn requires perplexity < n; small sets get a smaller one.
                double perplexity = Math.Min(30.0, (n - 1) / 3.0);
                var result = Tsne.Fit(data, new TsneOptions { Perplexity = perplexity, Seed = seed }, progress, cancellationToken);
                description = $"t-SNE of the {d}-D vectors (perplexity {perplexity:0.#})";
                return result.Embedding;
            }
            case ReportMapMethod.Umap:
            {
                int neighbors = Math.Min(15, n - 1);
                var result = Umap.Fit(data, new UmapOptions { Neighbors = neighbors, Seed = seed }, progress, cancellationToken);
                description = $"UMAP of the {d}-D vectors ({neighbors} neighbours)";
                return result.Embedding;
            }
            default:
            {
                var reduced = Pca.FitTransform(data, new PcaOptions { Dimensions = 2, Seed = seed }, out var model, cancellationToken);
                description = $"PCA of the {d}-D vectors ({model.ExplainedVarianceRatio.Sum():P0} of the variance)";
                progress?.Report(1);
                return reduced;
            }
        }
    }
}
