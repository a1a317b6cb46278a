using System.Diagnostics;
using AudioCluster.Audio;

namespace AudioCluster.Tests.Audio;

/// <summary>Tests that read or change AUDIOCLUSTER_FFMPEG run alone, so they cannot disturb each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FfmpegEnvironment
{
    public const string Name = "ffmpeg environment";
}

internal static class AudioTestUtil
{
    /// <summary>Deterministic test signal: two tones plus a little noise, peak about 0.8.</summary>
    public static float[] Signal(int frames, int sampleRate, int channels = 1, int seed = 1)
    {
        var rng = new Random(seed);
        var x = new float[frames * channels];
        for (int f = 0; f < frames; f++)
            for (int c = 0; c < channels; c++)
            {
                double t = (double)f / sampleRate;
                x[f * channels + c] = (float)(0.5 * Math.Sin(2 * Math.PI * (440 + 110 * c) * t)
                    + 0.25 * Math.Sin(2 * Math.PI * 1234 * t + c) + 0.05 * (rng.NextDouble() * 2 - 1));
            }
        return x;
    }

    public static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = Math.Min(a.Length, b.Length);
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
        ma /= n; mb /= n;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            ab += da * db; aa += da * da; bb += db * db;
        }
        return ab / Math.Sqrt(aa * bb);
    }

    /// <summary>Best correlation of b delayed by 0..maxLag samples against a (codecs add a start delay).</summary>
    public static (double Correlation, int Lag) BestLagCorrelation(float[] reference, float[] decoded, int maxLag)
    {
        (double, int) best = (-1, 0);
        for (int lag = 0; lag <= maxLag && lag < decoded.Length; lag++)
        {
            double c = Correlation(reference, decoded.AsSpan(lag));
            if (c > best.Item1) best = (c, lag);
        }
        return best;
    }

    /// <summary>Runs ffmpeg to convert a file; returns its stderr on failure.</summary>
    public static void RunFfmpeg(string ffmpeg, params string[] args)
    {
        var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffmpeg {string.Join(' ', args)} failed: {err.Result}");
    }

    /// <summary>Sets an environment variable for the lifetime of the returned object.</summary>
    public static IDisposable SetEnvironment(string name, string? value)
    {
        var old = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return new Restore(() => Environment.SetEnvironmentVariable(name, old));
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    public const string NoFfmpeg = "ffmpeg is not installed (or AUDIOCLUSTER_FFMPEG disables it); install it (apt-get install ffmpeg) to test this path";
}
