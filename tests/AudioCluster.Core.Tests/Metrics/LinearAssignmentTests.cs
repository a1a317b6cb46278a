using AudioCluster.Metrics;

namespace AudioCluster.Tests.Metrics;

public class LinearAssignmentTests
{
    [Fact]
    public void SquareMinimum()
    {
        var cost = new long[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        var a = LinearAssignment.Minimize(cost);
        Assert.Equal(5, Total(cost, a));
        Assert.Equal(new[] { 1, 0, 2 }, a);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(7, 3)]
    [InlineData(5, 5)]
    [InlineData(6, 4)]
    [InlineData(2, 8)]
    public void RandomRectangularMatchesBruteForce(int rows, int cols)
    {
        var rng = new Random(rows * 31 + cols);
        for (int rep = 0; rep < 30; rep++)
        {
            var m = new long[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    m[i, j] = rng.Next(-20, 50);
            var min = LinearAssignment.Minimize(m);
            var max = LinearAssignment.Maximize(m);
            AssertValid(min, rows, cols);
            AssertValid(max, rows, cols);
            Assert.Equal(BruteForce(m, minimize: true), Total(m, min));
            Assert.Equal(BruteForce(m, minimize: false), Total(m, max));
        }
    }

    [Fact]
    public void EmptyMatrixGivesNoMatches()
    {
        Assert.Empty(LinearAssignment.Minimize(new long[0, 3]));
        Assert.Equal(new[] { -1, -1 }, LinearAssignment.Minimize(new long[2, 0]));
    }

    static void AssertValid(int[] a, int rows, int cols)
    {
        Assert.Equal(rows, a.Length);
        Assert.Equal(Math.Min(rows, cols), a.Count(j => j >= 0));
        Assert.Equal(a.Count(j => j >= 0), a.Where(j => j >= 0).Distinct().Count());
    }

    static long Total(long[,] m, int[] a) => a.Select((j, i) => j >= 0 ? m[i, j] : 0).Sum();

    static long BruteForce(long[,] m, bool minimize)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        long best = minimize ? long.MaxValue : long.MinValue;
        var usedCol = new bool[cols];
        var usedRow = new bool[rows];
        // Match the smaller side completely; recurse over its elements.
        void Go(int k, long sum)
        {
            if (k == Math.Min(rows, cols)) { best = minimize ? Math.Min(best, sum) : Math.Max(best, sum); return; }
            if (rows <= cols)
            {
                for (int j = 0; j < cols; j++)
                    if (!usedCol[j]) { usedCol[j] = true; Go(k + 1, sum + m[k, j]); usedCol[j] = false; }
            }
            else
            {
                for (int i = 0; i < rows; i++)
                    if (!usedRow[i]) { usedRow[i] = true; Go(k + 1, sum + m[i, k]); usedRow[i] = false; }
            }
        }
        Go(0, 0);
        return best;
    }
}
