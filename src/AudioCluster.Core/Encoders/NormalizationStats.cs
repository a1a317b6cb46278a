using System.Globalization;

namespace AudioCluster.Encoders;

/// <summary>Scalar statistics for (x - Mean) / Std, the normalisation BYOL-A and many audio models apply to their log-mel input.</summary>
public sealed record NormalizationStats(double Mean, double Std)
{
    /// <summary>No change: mean 0, std 1.</summary>
    public static NormalizationStats Identity { get; } = new(0, 1);

    public void Validate()
    {
        if (!double.IsFinite(Mean)) throw new ArgumentException($"The normalisation mean must be finite, got {Mean}.");
        if (!(Std > 0) || !double.IsFinite(Std)) throw new ArgumentException($"The normalisation std must be positive and finite, got {Std}.");
    }

    /// <summary>x = (x - Mean) / Std in float32, as the reference pipelines compute it.</summary>
    public void Apply(Span<float> x)
    {
        float mean = (float)Mean, std = (float)Std;
        for (int i = 0; i < x.Length; i++) x[i] = (x[i] - mean) / std;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"mean={Mean:R} std={Std:R}");
}

/// <summary>
/// Accumulates the mean and population standard deviation of every value of many arrays (float64 sums),
/// as BYOL-A's calc_norm_stats does over a data set's log-mel spectrograms. Thread-safe.
/// </summary>
public sealed class NormalizationAccumulator
{
    readonly object gate = new();
    double sum, sumSquares;
    long count;

    public long Count { get { lock (gate) return count; } }

    public void Add(ReadOnlySpan<float> values) => Add(Moments(values));

    /// <summary>Adds the sums of one array computed earlier (and kept, say, in a cache): the
    /// result is the same, bit for bit, as adding the array itself.</summary>
    public void Add(ValueMoments moments)
    {
        lock (gate) { sum += moments.Sum; sumSquares += moments.SumOfSquares; count += moments.Count; }
    }

    /// <summary>The float64 sum and sum of squares of one array, as <see cref="Add(ReadOnlySpan{float})"/> adds them.</summary>
    public static ValueMoments Moments(ReadOnlySpan<float> values)
    {
        double s = 0, ss = 0;
        foreach (var v in values) { s += v; ss += (double)v * v; }
        return new ValueMoments(s, ss, values.Length);
    }

    /// <summary>Mean and population std; throws when nothing was added or every value was the same.</summary>
    public NormalizationStats Result()
    {
        lock (gate)
        {
            if (count == 0) throw new InvalidOperationException("No values to compute normalisation statistics from.");
            double mean = sum / count;
            double variance = Math.Max(0, sumSquares / count - mean * mean);
            var stats = new NormalizationStats(mean, Math.Sqrt(variance));
            if (!(stats.Std > 0)) throw new InvalidOperationException("Every value is the same: the standard deviation is 0, so the data cannot be normalised by it.");
            return stats;
        }
    }
}

/// <summary>Sum, sum of squares and count of one array's values: its share of normalisation statistics.</summary>
public readonly record struct ValueMoments(double Sum, double SumOfSquares, long Count);
