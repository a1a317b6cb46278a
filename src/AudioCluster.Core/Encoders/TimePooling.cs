namespace AudioCluster.Encoders;

/// <summary>How a sequence of frame vectors becomes one vector.</summary>
public enum TimePooling
{
    /// <summary>Mean over frames.</summary>
    Mean,
    /// <summary>Maximum over frames, per dimension.</summary>
    Max,
    /// <summary>Maximum plus mean over frames (summed, as BYOL-A and PANNs pool; the width stays the same).</summary>
    MeanMax,
    /// <summary>The first frame (the class token of transformer models).</summary>
    None,
}

/// <summary>Pooling of a frames x dims row-major matrix.</summary>
public static class TimePoolingMath
{
    public static float[] Pool(ReadOnlySpan<float> frames, int count, int dims, TimePooling pooling)
    {
        if (count < 1) throw new ArgumentException("There are no frames to pool.");
        if (frames.Length != count * dims) throw new ArgumentException($"Expected {count} x {dims} values, got {frames.Length}.");
        var v = new float[dims];
        if (pooling == TimePooling.None)
        {
            frames[..dims].CopyTo(v);
            return v;
        }
        var sum = new double[dims];
        var max = new float[dims];
        max.AsSpan().Fill(float.NegativeInfinity);
        for (int t = 0; t < count; t++)
        {
            var row = frames.Slice(t * dims, dims);
            for (int d = 0; d < dims; d++)
            {
                sum[d] += row[d];
                if (row[d] > max[d] || float.IsNaN(row[d])) max[d] = row[d];
            }
        }
        for (int d = 0; d < dims; d++)
        {
            float mean = (float)(sum[d] / count);
            v[d] = pooling switch { TimePooling.Mean => mean, TimePooling.Max => max[d], _ => max[d] + mean };
        }
        return v;
    }
}
