using System.Diagnostics;
using System.Globalization;
using System.Text;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.Reduction;

namespace AudioCluster.Reporting;

public enum GridReducer { None, Pca, Umap, Tsne }

public enum GridNormalization { None, Standardize, L2Normalize }

/// <summary>One cell of the grid: an encoder's vectors, reduced, normalised and clustered one way; means over the seeds.</summary>
public sealed record BenchmarkCell
{
    public required string Encoder { get; init; }
    public required GridReducer Reducer { get; init; }
    public required GridNormalization Normalization { get; init; }
    public required ClusteringMethod Method { get; init; }
    public double NMI { get; init; }
    public double NMIStd { get; init; }
    public double NMIGeometric { get; init; }
    public double ARI { get; init; }
    public double Accuracy { get; init; }
    public double Clusters { get; init; }
    public double Seconds { get; init; }
    public int Seeds { get; init; }
    /// <summary>Why the cell has no result (a method that refused the data), else null.</summary>
    public string? Error { get; init; }
}

public sealed record BenchmarkGridOptions
{
    public IReadOnlyList<GridReducer> Reducers { get; init; } = new[] { GridReducer.None };
    public IReadOnlyList<GridNormalization> Normalizations { get; init; } = new[] { GridNormalization.Standardize, GridNormalization.L2Normalize };
    public IReadOnlyList<ClusteringMethod> Methods { get; init; } = new[] { ClusteringMethod.KMeans, ClusteringMethod.Agglomerative };
    /// <summary>Cluster count for the methods that need one (the number of classes by default).</summary>
    public int? ClusterCount { get; init; }
    public IReadOnlyList<int> Seeds { get; init; } = new[] { 0 };
    public int PcaDimensions { get; init; } = 32;
    public int UmapDimensions { get; init; } = 10;
}

/// <summary>
/// The benchmark grid: every encoder's vectors (computed once by the caller) through every reducer,
/// normalisation and clustering method, scored against the labels.
/// </summary>
public static class BenchmarkGrid
{
    public static IEnumerable<BenchmarkCell> Run(string encoder, DataMatrix vectors, IReadOnlyList<string> labels, BenchmarkGridOptions options,
        CancellationToken ct = default)
    {
        if (vectors.Rows != labels.Count) throw new ArgumentException($"{vectors.Rows} vectors but {labels.Count} labels.");
        int classes = labels.Distinct().Count();
        int k = options.ClusterCount ?? classes;
        foreach (var reducer in options.Reducers)
            foreach (var normalization in options.Normalizations)
            {
                var runs = options.Seeds.Select(seed => Prepare(vectors, reducer, normalization, options, seed, ct)).ToList();
                foreach (var method in options.Methods)
                {
                    ct.ThrowIfCancellationRequested();
                    yield return Cell(encoder, reducer, normalization, method, runs, labels, k, options.Seeds, ct);
                }
            }
    }

    static (DataMatrix Data, double Seconds) Prepare(DataMatrix x, GridReducer reducer, GridNormalization normalization, BenchmarkGridOptions o, int seed, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var data = normalization switch
        {
            GridNormalization.Standardize => VectorPreprocessing.Standardize(x),
            GridNormalization.L2Normalize => VectorPreprocessing.L2Normalize(x),
            _ => x,
        };
        data = reducer switch
        {
            GridReducer.Pca => Pca.FitTransform(data, new PcaOptions { Dimensions = Math.Min(o.PcaDimensions, Math.Min(data.Rows, data.Columns)), Seed = seed }, out _, ct),
            GridReducer.Umap => Umap.Fit(data, new UmapOptions { Dimensions = o.UmapDimensions, Seed = seed }, null, ct).Embedding,
            GridReducer.Tsne => Tsne.Fit(data, new TsneOptions { Seed = seed }, null, ct).Embedding,
            _ => data,
        };
        return (data, clock.Elapsed.TotalSeconds);
    }

    static BenchmarkCell Cell(string encoder, GridReducer reducer, GridNormalization normalization, ClusteringMethod method,
        List<(DataMatrix Data, double Seconds)> runs, IReadOnlyList<string> labels, int k, IReadOnlyList<int> seeds, CancellationToken ct)
    {
        var scores = new List<(ClusterQuality Q, double Geometric, int Clusters, double Seconds)>();
        try
        {
            for (int s = 0; s < seeds.Count; s++)
            {
                var clock = Stopwatch.StartNew();
                var request = new ClusteringRequest { Method = method, Seed = seeds[s] };
                if (request.NeedsClusterCount) request = request with { ClusterCount = k };
                var outcome = ClusterMethods.Run(runs[s].Data, request, ct);
                double seconds = runs[s].Seconds + clock.Elapsed.TotalSeconds;
                var clusters = outcome.Labels.Select(l => l.ToString(CultureInfo.InvariantCulture)).ToList();
                var q = ClusterMetrics.Evaluate(labels, clusters);
                var geometric = ClusterMetrics.NormalizedMutualInformation(ContingencyTable.Create(labels, clusters), NmiAverage.Geometric);
                scores.Add((q, geometric, outcome.ClusterCount, seconds));
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new BenchmarkCell { Encoder = encoder, Reducer = reducer, Normalization = normalization, Method = method, Seeds = seeds.Count,
                                       NMI = double.NaN, NMIGeometric = double.NaN, ARI = double.NaN, Accuracy = double.NaN, Clusters = double.NaN, Error = e.Message };
        }
        double mean = scores.Average(x => x.Q.NMI);
        return new BenchmarkCell
        {
            Encoder = encoder, Reducer = reducer, Normalization = normalization, Method = method, Seeds = scores.Count,
            NMI = mean,
            NMIStd = scores.Count > 1 ? Math.Sqrt(scores.Sum(x => (x.Q.NMI - mean) * (x.Q.NMI - mean)) / (scores.Count - 1)) : 0,
            NMIGeometric = scores.Average(x => x.Geometric),
            ARI = scores.Average(x => x.Q.ARI),
            Accuracy = scores.Average(x => x.Q.Accuracy),
            Clusters = scores.Average(x => x.Clusters),
            Seconds = scores.Average(x => x.Seconds),
        };
    }

    /// <summary>
    /// The grid as a markdown table: a row per encoder, reducer and normalisation, a column per
    /// method, each cell "NMI (ARI)" with the standard deviation over seeds when there are several.
    /// </summary>
    public static string ToMarkdown(IReadOnlyList<BenchmarkCell> cells)
    {
        var methods = cells.Select(c => c.Method).Distinct().ToList();
        var sb = new StringBuilder();
        sb.Append("| Encoder | Reducer | Normalization |");
        foreach (var m in methods) sb.Append(' ').Append(m).Append(" NMI (ARI) |");
        sb.AppendLine();
        sb.Append("|---|---|---|").Append(string.Concat(methods.Select(_ => "---:|"))).AppendLine();
        foreach (var row in cells.GroupBy(c => (c.Encoder, c.Reducer, c.Normalization)))
        {
            sb.Append($"| {row.Key.Encoder} | {row.Key.Reducer} | {row.Key.Normalization} |");
            foreach (var m in methods)
            {
                var c = row.FirstOrDefault(x => x.Method == m);
                string text = c == null || c.Error != null || double.IsNaN(c.NMI) ? "n/a"
                    : c.Seeds > 1 ? string.Format(CultureInfo.InvariantCulture, "{0:0.000} ± {1:0.000} ({2:0.000})", c.NMI, c.NMIStd, c.ARI)
                    : string.Format(CultureInfo.InvariantCulture, "{0:0.000} ({1:0.000})", c.NMI, c.ARI);
                sb.Append(' ').Append(text).Append(" |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
