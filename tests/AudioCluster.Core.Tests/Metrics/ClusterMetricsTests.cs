using AudioCluster.Metrics;

namespace AudioCluster.Tests.Metrics;

public class ClusterMetricsTests
{
    const double Tol = 1e-12;

    static List<string> S(params object[] v) => v.Select(x => x.ToString()!).ToList();

    [Fact]
    public void TableSortsIdsNumericallyThenOrdinally()
    {
        var t = ContingencyTable.Create(S("b", "a", "10", "2", "-1", "a"), S(3, 1, 1, 20, 3, -1));
        Assert.Equal(new[] { "-1", "2", "10", "a", "b" }, t.ClassIds);
        Assert.Equal(new[] { "-1", "1", "3", "20" }, t.ClusterIds);
        Assert.Equal(6, t.N);
        Assert.Equal(new[] { 1, 1, 1, 2, 1 }, t.ClassSizes);
        Assert.Equal(new[] { 1, 2, 2, 1 }, t.ClusterSizes);
        Assert.Equal(1, t[3, 0]);   // "a" in cluster -1
        Assert.Equal(0, t.ClusterIndex("-1"));
        Assert.Equal(-1, t.ClusterIndex("7"));
    }

    [Fact]
    public void EmptyInputIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => ClusterMetrics.Evaluate(new List<string>(), new List<string>()));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void DifferentLengthsAreAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => ClusterMetrics.Evaluate(S(1, 2, 3), S(1, 2)));
        Assert.Contains("same length", ex.Message);
    }

    [Fact]
    public void NullIdIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => ClusterMetrics.Evaluate(new List<string> { "a", null! }, S(1, 2)));
        Assert.Contains("position 1", ex.Message);
    }

    [Fact]
    public void OneClusterForManyClasses()
    {
        var q = ClusterMetrics.Evaluate(S(0, 0, 1, 1, 2, 2), S(5, 5, 5, 5, 5, 5));
        Assert.Equal(0.0, q.NMI);
        Assert.Equal(0.0, q.AMI);
        Assert.Equal(0.0, q.ARI);
        Assert.Equal(0.0, q.Homogeneity);
        Assert.Equal(1.0, q.Completeness);
        Assert.Equal(2.0 / 6, q.Accuracy, Tol);
        Assert.Equal(2.0 / 6, q.Purity, Tol);
        Assert.Equal(1, q.Clusters);
        Assert.Equal(3, q.Classes);
    }

    [Fact]
    public void AllSingletonsOnBothSidesIsAPerfectMatch()
    {
        var ids = Enumerable.Range(0, 50).ToList();
        var q = ClusterMetrics.Evaluate(ids, ids.Select(i => 100 - i).ToList());
        Assert.Equal(1.0, q.NMI, Tol);
        Assert.Equal(1.0, q.AMI);
        Assert.Equal(1.0, q.ARI);
        Assert.Equal(1.0, q.Accuracy);
        Assert.Equal(0.0, q.FowlkesMallows);   // no pair shares a cluster: scikit-learn's 0
    }

    [Fact]
    public void LabelValuesNeverSeenAmongClustersOnlyThePartitionMatters()
    {
        // Classes named by words, clusters by numbers: same partition -> perfect scores.
        var q = ClusterMetrics.Evaluate(S("dog", "dog", "cat", "cat", "owl"), S(7, 7, -3, -3, 0));
        Assert.Equal(1.0, q.NMI, Tol);
        Assert.Equal(1.0, q.AMI);
        Assert.Equal(1.0, q.ARI);
        Assert.Equal(1.0, q.Accuracy);
        Assert.Equal(1.0, q.AccuracyNoiseAsWrong);
    }

    [Fact]
    public void RenamingIdsChangesNothing()
    {
        var rng = new Random(5);
        var t = Enumerable.Range(0, 300).Select(_ => rng.Next(7)).ToList();
        var p = t.Select(v => rng.NextDouble() < 0.3 ? rng.Next(9) : v).ToList();
        var a = ClusterMetrics.Evaluate(t, p);
        var b = ClusterMetrics.Evaluate(t.Select(v => "L" + (13 * v % 7)).ToList(), p.Select(v => (1000 - 37 * v).ToString()).ToList());
        Assert.Equal(a.NMI, b.NMI, Tol);
        Assert.Equal(a.AMI, b.AMI, 1e-10);
        Assert.Equal(a.ARI, b.ARI, Tol);
        Assert.Equal(a.Accuracy, b.Accuracy, Tol);
        Assert.Equal(a.Purity, b.Purity, Tol);
        Assert.Equal(a.VMeasure, b.VMeasure, Tol);
        Assert.Equal(a.FowlkesMallows, b.FowlkesMallows, Tol);
        Assert.Equal(a.RandIndex, b.RandIndex, Tol);
    }

    [Fact]
    public void NoiseClusterIsOrdinaryExceptForNoiseAccuracy()
    {
        // Class x is entirely noise: matching -1 to x gives 5/6; leaving noise unmatched, 3/6.
        var labels = S("x", "x", "y", "y", "z", "z");
        var clusters = S(-1, -1, 0, 0, 1, -1);
        var q = ClusterMetrics.Evaluate(labels, clusters);
        Assert.Equal(5.0 / 6, q.Accuracy, Tol);
        Assert.Equal(3.0 / 6, q.AccuracyNoiseAsWrong, Tol);
        Assert.Equal(2, q.Clusters);
        Assert.Equal(3, q.NoisePoints);
        // -1 as a class label is an ordinary class.
        var r = ClusterMetrics.Evaluate(S(-1, -1, 0, 0), S(4, 4, 5, 5));
        Assert.Equal(1.0, r.Accuracy);
        Assert.Equal(1.0, r.ARI);
        Assert.Equal(0, r.NoisePoints);
    }

    [Fact]
    public void OnlyNoiseClusterGivesZeroNoiseAccuracy()
    {
        var q = ClusterMetrics.Evaluate(S("a", "b", "b"), S(-1, -1, -1));
        Assert.Equal(2.0 / 3, q.Accuracy, Tol);
        Assert.Equal(0.0, q.AccuracyNoiseAsWrong);
        Assert.Equal(0, q.Clusters);
    }

    [Fact]
    public void MoreClustersThanClassesLeavesExtraClustersWrong()
    {
        // Class a split over clusters 0 and 1: only one of them can be matched.
        var q = ClusterMetrics.Evaluate(S("a", "a", "a", "a", "b", "b"), S(0, 0, 0, 1, 2, 2));
        Assert.Equal(5.0 / 6, q.Accuracy, Tol);
        Assert.Equal(1.0, q.Purity);
    }

    [Fact]
    public void ExpectedMutualInformationOfTinyTableByEnumeration()
    {
        // Marginals (2,1) x (1,2), n = 3: average MI over every permutation of the clusters.
        var t = new ContingencyTable(new[,] { { 1, 1 }, { 0, 1 } });
        double expected = BruteForceEmi(new[] { 0, 0, 1 }, new[] { 0, 1, 1 });
        Assert.Equal(expected, ClusterMetrics.ExpectedMutualInformation(t), 1e-14);
    }

    // Mean MI over all permutations of the second labeling.
    static double BruteForceEmi(int[] a, int[] b)
    {
        double sum = 0; int count = 0;
        foreach (var perm in Permutations(b.Length))
        {
            var pb = perm.Select(i => b[i]).ToList();
            sum += ClusterMetrics.MutualInformation(ContingencyTable.Create(a.ToList(), pb));
            count++;
        }
        return sum / count;
    }

    static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0) { yield return Array.Empty<int>(); yield break; }
        foreach (var p in Permutations(n - 1))
            for (int k = 0; k <= p.Length; k++)
            {
                var q = new int[n];
                Array.Copy(p, 0, q, 0, k);
                q[k] = n - 1;
                Array.Copy(p, k, q, k + 1, p.Length - k);
                yield return q;
            }
    }

    [Fact]
    public void ExpectedMutualInformationMatchesEnumerationOnSixPoints()
    {
        var a = new[] { 0, 0, 0, 1, 1, 2 };
        var b = new[] { 0, 1, 1, 2, 2, 2 };
        var t = ContingencyTable.Create(a.ToList(), b.ToList());
        Assert.Equal(BruteForceEmi(a, b), ClusterMetrics.ExpectedMutualInformation(t), 1e-13);
    }

    [Fact]
    public void DenseAndSparseViewsAgree()
    {
        var counts = new[,] { { 3, 0, 1 }, { 0, 2, 0 } };
        var t = new ContingencyTable(counts);
        Assert.Equal(counts, t.ToArray());
        Assert.Equal(new[] { new ContingencyCell(0, 0, 3), new ContingencyCell(0, 2, 1), new ContingencyCell(1, 1, 2) }, t.Cells.ToArray());
        Assert.Equal(0, t[1, 0]);
        Assert.Equal(1, t[0, 2]);
        Assert.Equal(6, t.N);
        Assert.Throws<ArgumentException>(() => new ContingencyTable(new[,] { { 1, 0 } }));   // empty cluster column
    }

    [Fact]
    public void AccuracyMatchesADenseAssignmentOnRandomTables()
    {
        var rng = new Random(11);
        for (int rep = 0; rep < 200; rep++)
        {
            int n = rng.Next(1, 80);
            var a = Enumerable.Range(0, n).Select(_ => rng.Next(1 + rep % 9)).ToList();
            var b = Enumerable.Range(0, n).Select(_ => rng.Next(1 + rep % 13)).ToList();
            var t = ContingencyTable.Create(a, b);
            var dense = t.ToArray();
            var score = new long[t.ClassCount, t.ClusterCount];
            for (int i = 0; i < t.ClassCount; i++)
                for (int j = 0; j < t.ClusterCount; j++) score[i, j] = dense[i, j];
            var m = LinearAssignment.Maximize(score);
            long best = m.Select((j, i) => j >= 0 ? score[i, j] : 0).Sum();
            Assert.Equal((double)best / n, ClusterMetrics.HungarianAccuracy(t), 1e-15);
            var match = ClusterMetrics.MatchClustersToClasses(t);
            Assert.Equal(best, match.Select((i, j) => i >= 0 ? (long)dense[i, j] : 0).Sum());
            Assert.Equal(match.Count(i => i >= 0), match.Where(i => i >= 0).Distinct().Count());
        }
    }

    [Fact]
    public void ManySingletonLabelsStayCheap()
    {
        // 20,000 x 20,000 would be 1.6 GB dense; the sparse table and per-component matching need little.
        int n = 20_000;
        var ids = Enumerable.Range(0, n).Select(i => "clip" + i).ToList();
        var q = ClusterMetrics.Evaluate(ids, Enumerable.Range(0, n).Select(i => (n - i).ToString()).ToList());
        Assert.Equal(1.0, q.Accuracy);
        Assert.Equal(1.0, q.ARI);
        Assert.Equal(1.0, q.AMI);
        var r = ClusterMetrics.Evaluate(ids, Enumerable.Range(0, n).Select(i => (i % 10).ToString()).ToList());
        Assert.Equal(10.0 / n, r.Accuracy, 1e-15);
        Assert.Equal(10, r.Clusters);
    }
}
