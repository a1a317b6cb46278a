using AudioCluster.Clustering;

namespace AudioCluster.Tests.Clustering;

public class VectorPreprocessingTests
{
    [Fact]
    public void StandardizeGivesZeroMeanUnitVarianceAndZeroForConstantDims()
    {
        var x = DataMatrix.FromRows(new[] { new[] { 1.0, 5, 0.1 }, new[] { 2.0, 5, 0.1 }, new[] { 6.0, 5, 0.1 } });
        var z = VectorPreprocessing.Standardize(x);
        double mean = 3, sd = Math.Sqrt(((1 - 3) * (1 - 3) + 1 + 9) / 3.0);
        Assert.Equal((1 - mean) / sd, z[0, 0], 1e-14);
        Assert.Equal((6 - mean) / sd, z[2, 0], 1e-14);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0.0, z[i, 1]);
            Assert.Equal(0.0, z[i, 2]);   // 0.1 is inexact: the mean could be off by an ulp
        }
        Assert.Equal(1.0, x[0, 0]);   // input untouched
    }

    [Fact]
    public void L2NormalizeMakesUnitRowsAndKeepsZeroRows()
    {
        var v = VectorPreprocessing.L2Normalize(new[] { new float[] { 3, 4 }, new float[] { 0, 0 }, new float[] { 0, -2 } });
        Assert.Equal(new float[] { 0.6f, 0.8f }, v[0]);
        Assert.Equal(new float[] { 0, 0 }, v[1]);
        Assert.Equal(new float[] { 0, -1 }, v[2]);
    }

    [Fact]
    public void FloatRowsRoundTrip()
    {
        var rows = new[] { new float[] { 1, 2, 3 }, new float[] { 4, 5, 6 } };
        var m = DataMatrix.FromRows(rows);
        Assert.Equal(2, m.Rows);
        Assert.Equal(3, m.Columns);
        Assert.Equal(6.0, m[1, 2]);
        Assert.Equal(rows, m.ToFloatRows());
        var z = VectorPreprocessing.Standardize(rows);
        Assert.Equal(new float[] { -1, -1, -1 }, z[0]);
    }

    [Fact]
    public void RaggedRowsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => DataMatrix.FromRows(new[] { new float[] { 1, 2 }, new float[] { 1 } }));
        Assert.Contains("row 1 has 1", ex.Message);
    }
}
