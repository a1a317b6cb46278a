using System.Diagnostics;
using AudioCluster.Clustering;
using Xunit.Abstractions;
using static AudioCluster.Tests.Clustering.ClusteringTestData;

namespace AudioCluster.Tests.Clustering;

public class AgglomerativeTests(ITestOutputHelper output)
{
    static HashSet<(int, int)> MergeSet(IEnumerable<(int A, int B)> pairs) => pairs.Select(p => (Math.Min(p.A, p.B), Math.Max(p.A, p.B))).ToHashSet();

    [SkippableTheory]
    [InlineData("agglomerative_ward_k4", Linkage.Ward)]
    [InlineData("agglomerative_average_k4", Linkage.Average)]
    [InlineData("agglomerative_complete_k4", Linkage.Complete)]
    [InlineData("agglomerative_single_k4", Linkage.Single)]
    public void MatchesScikitLearnsTreeAndPartition(string id, Linkage linkage)
    {
        var e = ClusteringReference.Entry(id);
        var x = ClusteringReference.Data(e);
        var ex = e.GetProperty("expected");
        var r = Agglomerative.Fit(x, new AgglomerativeOptions(ex.GetProperty("n_clusters").GetInt32(), Linkage: linkage));

        var heights = Doubles(ex.GetProperty("merge_heights_sorted"));
        double rel = MaxRelative(heights, r.Distances);
        output.WriteLine($"{id}: ARI {Ari(Ints(ex.GetProperty("labels")), r.Labels)}, max relative height difference {rel:E2}");
        Assert.Equal(1.0, Ari(Ints(ex.GetProperty("labels")), r.Labels));
        Assert.Equal(4, r.ClusterCount);
        Assert.True(rel <= 1e-9, $"heights differ by {rel:E2} relative");
        // No ties here, so the merges are the same set of node pairs.
        var children = ex.GetProperty("children").EnumerateArray().Select(c => (c[0].GetInt32(), c[1].GetInt32()));
        Assert.True(MergeSet(children).SetEquals(MergeSet(r.Children)));
        Assert.Equal(Enumerable.Range(0, 119).Select(i => r.Counts[i]), r.Children.Select(c => Size(c.Left) + Size(c.Right)));
        Assert.Equal(120, r.Counts[^1]);

        int Size(int node) => node < 120 ? 1 : r.Counts[node - 120];
    }

    [SkippableTheory]
    [InlineData("agglomerative_ward_threshold", Linkage.Ward)]
    [InlineData("agglomerative_average_threshold", Linkage.Average)]
    public void DistanceThresholdGivesScikitLearnsClusterCount(string id, Linkage linkage)
    {
        var e = ClusteringReference.Entry(id);
        var x = ClusteringReference.Data(e);
        var ex = e.GetProperty("expected");
        double threshold = e.GetProperty("params").GetProperty("distance_threshold").GetDouble();
        var r = Agglomerative.Fit(x, new AgglomerativeOptions(DistanceThreshold: threshold, Linkage: linkage));
        Assert.Equal(ex.GetProperty("n_clusters").GetInt32(), r.ClusterCount);
        Assert.Equal(r.ClusterCount, r.Labels.Max() + 1);
        Assert.Equal(1.0, Ari(Ints(ex.GetProperty("labels")), r.Labels));
    }

    [Fact]
    public void WardMatchesTheShippedScikitLearnExcerpt()
    {
        var f = ClusteringReference.Fixture("agglomerative_ward_k4");
        var r = Agglomerative.Fit(Matrix(f.GetProperty("X")), new AgglomerativeOptions(4));
        Assert.Equal(1.0, Ari(Ints(f.GetProperty("labels")), r.Labels));
        Assert.True(MaxRelative(Doubles(f.GetProperty("merge_heights_sorted")), r.Distances) <= 1e-9);
    }

    // Greedy merging straight from the definitions, O(n^3): the closest pair of clusters each step.
    static (List<double> Heights, Dictionary<int, int[]> Labels) NaiveMerge(DataMatrix x, Linkage linkage, ClusteringMetric metric)
    {
        int n = x.Rows, d = x.Columns;
        double Dist(int i, int j)
        {
            double dot = 0, ni = 0, nj = 0, sq = 0;
            for (int t = 0; t < d; t++) { dot += x[i, t] * x[j, t]; ni += x[i, t] * x[i, t]; nj += x[j, t] * x[j, t]; sq += (x[i, t] - x[j, t]) * (x[i, t] - x[j, t]); }
            return metric == ClusteringMetric.Euclidean ? Math.Sqrt(sq) : 1 - dot / Math.Sqrt(ni * nj);
        }
        double Between(List<int> a, List<int> b)
        {
            if (linkage == Linkage.Ward)
            {
                double sq = 0;
                for (int t = 0; t < d; t++)
                {
                    double ca = a.Average(i => x[i, t]), cb = b.Average(i => x[i, t]);
                    sq += (ca - cb) * (ca - cb);
                }
                return Math.Sqrt(2.0 * a.Count * b.Count / (a.Count + b.Count) * sq);
            }
            var all = a.SelectMany(i => b.Select(j => Dist(i, j))).ToList();
            return linkage switch { Linkage.Single => all.Min(), Linkage.Complete => all.Max(), _ => all.Average() };
        }
        var clusters = Enumerable.Range(0, n).Select(i => new List<int> { i }).ToList();
        var heights = new List<double>();
        var labels = new Dictionary<int, int[]>();
        while (clusters.Count > 1)
        {
            labels[clusters.Count] = Numbered(clusters, n);
            double best = double.PositiveInfinity;
            int ba = 0, bb = 0;
            for (int a = 0; a < clusters.Count; a++)
                for (int b = a + 1; b < clusters.Count; b++)
                {
                    double v = Between(clusters[a], clusters[b]);
                    if (v < best) { best = v; ba = a; bb = b; }
                }
            clusters[ba].AddRange(clusters[bb]);
            clusters.RemoveAt(bb);
            heights.Add(best);
        }
        labels[1] = new int[n];
        return (heights, labels);
    }

    // Labels numbered by first appearance, as the fit numbers them.
    static int[] Numbered(List<List<int>> clusters, int n)
    {
        var raw = new int[n];
        for (int c = 0; c < clusters.Count; c++) foreach (var i in clusters[c]) raw[i] = c;
        var map = new Dictionary<int, int>();
        return raw.Select(c => map.TryGetValue(c, out var v) ? v : map[c] = map.Count).ToArray();
    }

    [Theory]
    [InlineData(Linkage.Ward, ClusteringMetric.Euclidean)]
    [InlineData(Linkage.Average, ClusteringMetric.Euclidean)]
    [InlineData(Linkage.Complete, ClusteringMetric.Euclidean)]
    [InlineData(Linkage.Single, ClusteringMetric.Euclidean)]
    [InlineData(Linkage.Average, ClusteringMetric.Cosine)]
    [InlineData(Linkage.Complete, ClusteringMetric.Cosine)]
    [InlineData(Linkage.Single, ClusteringMetric.Cosine)]
    public void EveryCutEqualsGreedyMergingFromTheDefinitions(Linkage linkage, ClusteringMetric metric)
    {
        var x = Uniform(36, 5, -3, 3, 11);
        var (heights, labels) = NaiveMerge(x, linkage, metric);
        var r = Agglomerative.Fit(x, new AgglomerativeOptions(1, Linkage: linkage, Metric: metric));
        var sorted = heights.OrderBy(h => h).ToArray();
        for (int i = 0; i < sorted.Length; i++)
            Assert.True(Math.Abs(r.Distances[i] - sorted[i]) <= 1e-12 + 1e-9 * sorted[i], $"merge {i}: {r.Distances[i]:R} vs {sorted[i]:R}");
        for (int k = 1; k <= x.Rows; k++) Assert.Equal(labels[k], r.Cut(k));
    }

    [Fact]
    public void ThresholdCountsTheMergesAtOrAboveIt()
    {
        // Single-linkage heights on a line: 1 (0-1), 2 (1-3), 4 (3-7).
        var x = DataMatrix.FromRows(new[] { new[] { 0.0 }, new[] { 1.0 }, new[] { 3.0 }, new[] { 7.0 } });
        var r = Agglomerative.Fit(x, new AgglomerativeOptions(DistanceThreshold: 2, Linkage: Linkage.Single));
        Assert.Equal(new[] { 1.0, 2.0, 4.0 }, r.Distances);
        Assert.Equal(3, r.ClusterCount);
        Assert.Equal(new[] { 0, 0, 1, 2 }, r.Labels);
        Assert.Equal(2, r.ClusterCountAt(2.5));
        Assert.Equal(4, r.ClusterCountAt(0));
        Assert.Equal(1, r.ClusterCountAt(4.5));
        Assert.Equal(new[] { (0, 1), (2, 4), (3, 5) }, r.Children.Select(c => (c.Left, c.Right)));
        Assert.Equal(new[] { 2, 3, 4 }, r.Counts);
    }

    [Fact]
    public void TiesAndDuplicatesKeepTheTreeConsistent()
    {
        // A 6 x 6 integer grid (many equal distances) plus ten copies of one corner.
        var rows = new List<double[]>();
        for (int i = 0; i < 36; i++) rows.Add([i % 6, i / 6]);
        for (int i = 0; i < 10; i++) rows.Add([0, 0]);
        var x = DataMatrix.FromRows(rows);
        foreach (var linkage in Enum.GetValues<Linkage>())
        {
            var r = Agglomerative.Fit(x, new AgglomerativeOptions(4, Linkage: linkage));
            Assert.Equal(45, r.Distances.Length);
            for (int i = 1; i < 45; i++) Assert.True(r.Distances[i] >= r.Distances[i - 1]);
            Assert.Equal(46, r.Counts[^1]);
            Assert.Equal(Enumerable.Range(0, 4), r.Labels.Distinct().Order());
            Assert.Equal(0, r.Distances[0]);
            if (linkage == Linkage.Single)
                Assert.Equal(Enumerable.Repeat(0.0, 10).Concat(Enumerable.Repeat(1.0, 35)), r.Distances);
        }
    }

    [Fact]
    public void OneAndTwoPoints()
    {
        var one = Agglomerative.Fit(DataMatrix.FromRows(new[] { new[] { 1.0, 2.0 } }), new AgglomerativeOptions(1));
        Assert.Equal(new[] { 0 }, one.Labels);
        Assert.Empty(one.Children);
        var two = Agglomerative.Fit(DataMatrix.FromRows(new[] { new[] { 0.0, 0.0 }, new[] { 3.0, 4.0 } }), new AgglomerativeOptions(2, Linkage: Linkage.Average));
        Assert.Equal(new[] { 0, 1 }, two.Labels);
        Assert.Equal(new[] { 5.0 }, two.Distances);
    }

    [Fact]
    public void Float32MatrixGivesTheSamePartition()
    {
        var (x, truth) = Blobs(300, 6, 5, 2.0, 4);
        var exact = Agglomerative.Fit(x, new AgglomerativeOptions(5));
        // A limit below the float64 matrix (300^2 x 8 bytes) but above float32 forces single precision.
        var small = Agglomerative.Fit(x, new AgglomerativeOptions(5) { MaxMatrixBytes = 300 * 300 * 4 });
        Assert.False(exact.SinglePrecision);
        Assert.True(small.SinglePrecision);
        Assert.Equal(1.0, Ari(truth, exact.Labels));
        Assert.Equal(exact.Labels, small.Labels);
        double rel = MaxRelative(exact.Distances, small.Distances);
        output.WriteLine($"float32 heights: max relative difference {rel:E2}");
        Assert.True(rel < 1e-5);
    }

    [Fact]
    public void TooLargeAMatrixFailsSayingWhatFits()
    {
        var x = new DataMatrix(1000, 2);
        var ex = Assert.Throws<ArgumentException>(() => Agglomerative.Fit(x, new AgglomerativeOptions(3, Linkage: Linkage.Average) { MaxMatrixBytes = 1_000_000 }));
        Assert.Contains("at most 500 points fit", ex.Message);
        // Single linkage needs no matrix.
        Assert.Equal(3, Agglomerative.Fit(x, new AgglomerativeOptions(3, Linkage: Linkage.Single) { MaxMatrixBytes = 1_000_000 }).ClusterCount);
    }

    [Theory]
    [InlineData(null, null, Linkage.Ward, ClusteringMetric.Euclidean, "exactly one of ClusterCount and DistanceThreshold")]
    [InlineData(3, 1.0, Linkage.Ward, ClusteringMetric.Euclidean, "exactly one of ClusterCount and DistanceThreshold")]
    [InlineData(0, null, Linkage.Ward, ClusteringMetric.Euclidean, "ClusterCount must be at least 1")]
    [InlineData(50, null, Linkage.Ward, ClusteringMetric.Euclidean, "ClusterCount=50 is more than the 30 points")]
    [InlineData(null, -1.0, Linkage.Average, ClusteringMetric.Euclidean, "DistanceThreshold must be a finite distance >= 0")]
    [InlineData(null, double.NaN, Linkage.Average, ClusteringMetric.Euclidean, "DistanceThreshold must be a finite distance >= 0")]
    [InlineData(3, null, Linkage.Ward, ClusteringMetric.Cosine, "Ward linkage works only with the Euclidean metric")]
    [InlineData(3, null, (Linkage)7, ClusteringMetric.Euclidean, "Unknown Linkage")]
    [InlineData(3, null, Linkage.Single, (ClusteringMetric)7, "Unknown Metric")]
    public void BadOptionsFailBeforeAnyWork(int? k, double? threshold, Linkage linkage, ClusteringMetric metric, string message)
    {
        var x = Uniform(30, 3, 0, 1, 1);
        var ex = Assert.Throws<ArgumentException>(() => Agglomerative.Fit(x, new AgglomerativeOptions(k, threshold, linkage, metric)));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void BadDataAndSettingsAreRejected()
    {
        var x = Uniform(10, 2, 0, 1, 1);
        x[4, 1] = double.NaN;
        Assert.Contains("non-finite", Assert.Throws<ArgumentException>(() => Agglomerative.Fit(x, new AgglomerativeOptions(2))).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => Agglomerative.Fit(new DataMatrix(0, 3), new AgglomerativeOptions(1))).Message);
        Assert.Contains("MaxDegreeOfParallelism", Assert.Throws<ArgumentException>(() =>
            Agglomerative.Fit(Uniform(10, 2, 0, 1, 1), new AgglomerativeOptions(2) { MaxDegreeOfParallelism = 0 })).Message);
        Assert.Contains("MaxMatrixBytes", Assert.Throws<ArgumentException>(() =>
            Agglomerative.Fit(Uniform(10, 2, 0, 1, 1), new AgglomerativeOptions(2) { MaxMatrixBytes = 0 })).Message);
        var r = Agglomerative.Fit(Uniform(10, 2, 0, 1, 1), new AgglomerativeOptions(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Cut(11));
    }

    [Fact]
    public void SameTreeWhateverTheThreadCount()
    {
        // Large enough for the parallel paths (matrix fill, Prim's chunks).
        var (x, _) = Blobs(900, 64, 8, 20.0, 5);
        foreach (var linkage in Enum.GetValues<Linkage>())
        {
            var a = Agglomerative.Fit(x, new AgglomerativeOptions(8, Linkage: linkage));
            var b = Agglomerative.Fit(x, new AgglomerativeOptions(8, Linkage: linkage) { MaxDegreeOfParallelism = 1 });
            var c = Agglomerative.Fit(x, new AgglomerativeOptions(8, Linkage: linkage) { MaxDegreeOfParallelism = 3 });
            foreach (var o in new[] { b, c })
            {
                Assert.Equal(a.Labels, o.Labels);
                Assert.Equal(a.Children, o.Children);
                Assert.Equal(a.Distances, o.Distances);
            }
        }
    }

    [Fact]
    public void CancellationStopsTheFit()
    {
        var (x, _) = Blobs(500, 8, 4, 1.0, 6);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        foreach (var linkage in new[] { Linkage.Ward, Linkage.Single })
            Assert.ThrowsAny<OperationCanceledException>(() => Agglomerative.Fit(x, new AgglomerativeOptions(3, Linkage: linkage), cts.Token));
    }

    [Fact]
    public void PrintsWardTimingOn5000x512()
    {
        var x = Uniform(5000, 512, -1, 1, 7);
        var sw = Stopwatch.StartNew();
        var r = Agglomerative.Fit(x, new AgglomerativeOptions(10));
        output.WriteLine($"Ward, 5000 x 512 random points, {Environment.ProcessorCount} cores: {sw.Elapsed.TotalSeconds:F2} s (clusters {r.ClusterCount}, top merge {r.Distances[^1]:F3})");
        Assert.Equal(4999, r.Distances.Length);
    }
}
