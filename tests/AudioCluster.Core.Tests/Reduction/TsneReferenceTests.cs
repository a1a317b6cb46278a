using System.Diagnostics;
using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.Reduction;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Reduction;

/// <summary>
/// t-SNE against scikit-learn 1.2.1 (entries tsne_exact and tsne_barnes_hut of clustering-reference.json):
/// not point by point (different random streams and float64 instead of float32), but KL divergence
/// within 5 %, trustworthiness within 0.01 and the blobs kept apart.
/// </summary>
public class TsneReferenceTests(ITestOutputHelper output)
{
    static readonly Lazy<JsonDocument?> Doc = new(() =>
    {
        var path = SharedData.PathTo("reference/clustering-reference.json");
        return path is null ? null : JsonDocument.Parse(File.ReadAllText(path));
    });

    [SkippableTheory]
    [InlineData("tsne_exact", TsneMethod.Exact)]
    [InlineData("tsne_barnes_hut", TsneMethod.BarnesHut)]
    public void MatchesScikitLearnsKlAndTrustworthiness(string id, TsneMethod method)
    {
        Skip.If(Doc.Value is null, "../shared/reference/clustering-reference.json is not present");
        var root = Doc.Value!.RootElement;
        var entry = root.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        var dataset = root.GetProperty("datasets").GetProperty(entry.GetProperty("data").GetString()!);
        var x = DataMatrix.FromRows(PcaReferenceTests.Rows(dataset.GetProperty("X")));
        var truth = dataset.GetProperty("y_true").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var ex = entry.GetProperty("expected");
        double klRef = ex.GetProperty("kl_divergence").GetDouble();
        double trustRef = ex.GetProperty("trustworthiness_5nn").GetDouble();

        var sw = Stopwatch.StartNew();
        var r = Tsne.Fit(x, new TsneOptions { Method = method, Seed = 0 });
        double seconds = sw.Elapsed.TotalSeconds;
        double trust = EmbeddingQuality.Trustworthiness(x, r.Embedding, 5);
        var km = KMeans.Fit(r.Embedding, new KMeansOptions(5, Seed: 0));
        double ari = ClusterMetrics.Evaluate(truth, km.Labels).ARI;
        output.WriteLine($"{id}: KL {r.KlDivergence:F5} (sklearn {klRef:F5}, {(r.KlDivergence - klRef) / klRef:+0.00%;-0.00%}), " +
                         $"trustworthiness {trust:F5} (sklearn {trustRef:F5}, {trust - trustRef:+0.00000;-0.00000}), k-means ARI {ari:F3}, " +
                         $"n_iter {r.Iterations - 1} (sklearn {ex.GetProperty("n_iter").GetInt32()}), learning rate {r.LearningRate} ({seconds:F2} s)");

        Assert.Equal(ex.GetProperty("learning_rate_used").GetDouble(), r.LearningRate);
        Assert.Equal(ex.GetProperty("n_iter").GetInt32(), r.Iterations - 1);
        Assert.True(Math.Abs(r.KlDivergence - klRef) <= 0.05 * klRef, $"KL {r.KlDivergence} vs {klRef}");
        Assert.True(Math.Abs(trust - trustRef) <= 0.01, $"trustworthiness {trust} vs {trustRef}");
        Assert.Equal(ex.GetProperty("kmeans5_on_embedding_ari_vs_y_true").GetDouble(), ari, 2);
    }

    [SkippableFact]
    public void TrustworthinessMatchesScikitLearnOnItsEmbedding()
    {
        Skip.If(Doc.Value is null, "../shared/reference/clustering-reference.json is not present");
        var root = Doc.Value!.RootElement;
        var x = DataMatrix.FromRows(PcaReferenceTests.Rows(root.GetProperty("datasets").GetProperty("blobs_300x20").GetProperty("X")));
        foreach (var id in new[] { "tsne_exact", "tsne_barnes_hut" })
        {
            var ex = root.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id).GetProperty("expected");
            var emb = DataMatrix.FromRows(PcaReferenceTests.Rows(ex.GetProperty("embedding")));
            double t = EmbeddingQuality.Trustworthiness(x, emb, 5);
            output.WriteLine($"{id}: trustworthiness of scikit-learn's embedding {t:R} (sklearn {ex.GetProperty("trustworthiness_5nn").GetDouble():R})");
            Assert.Equal(ex.GetProperty("trustworthiness_5nn").GetDouble(), t, 12);
        }
        // Also the PCA-to-2 baseline the entries give.
        var pca = Pca.Fit(x, new PcaOptions { Dimensions = 2, Solver = PcaSolver.Full }).Transform(x);
        double basis = root.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetString() == "tsne_exact")
            .GetProperty("expected").GetProperty("trustworthiness_5nn_of_pca2").GetDouble();
        Assert.Equal(basis, EmbeddingQuality.Trustworthiness(x, pca, 5), 9);
    }
}
