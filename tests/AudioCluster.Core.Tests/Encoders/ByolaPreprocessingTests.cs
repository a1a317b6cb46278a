using System.Text.Json;
using AudioCluster.Audio;
using AudioCluster.Encoders;
using Xunit.Abstractions;

namespace AudioCluster.Tests.Encoders;

/// <summary>
/// BYOL-A's front end (no libtorch needed) against the normalised log-mel statistics listed in
/// ../shared/reference/byola-d512-fsdd50.json; the embeddings are checked in the PowerShell tests.
/// </summary>
public class ByolaPreprocessingTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void NormalisedLogMelMatchesTheReference()
    {
        var path = SharedData.PathTo("reference/byola-d512-fsdd50.json");
        var recordings = SharedData.PathTo("datasets/fsdd/recordings");
        Skip.If(path == null || recordings == null, "../shared/reference/byola-d512-fsdd50.json or ../shared/datasets/fsdd/recordings is not present");
        using var doc = JsonDocument.Parse(File.ReadAllText(path!));
        var norm = doc.RootElement.GetProperty("header").GetProperty("preprocessing").GetProperty("dataset_normalisation");
        var stats = new NormalizationStats(norm.GetProperty("mean").GetDouble(), norm.GetProperty("std").GetDouble());
        double worst = 0;
        foreach (var f in doc.RootElement.GetProperty("files").EnumerateArray())
        {
            var name = f.GetProperty("name").GetString()!;
            var clip = AudioDecoder.Decode(Path.Combine(recordings!, name), new AudioReadOptions { SampleRate = ByolaEncoder.MelOptions.SampleRate });
            Assert.Equal(f.GetProperty("n_samples_16k").GetInt32(), clip.Samples.Length);
            var s = ByolaEncoder.LogMel(clip.Samples, name);
            Assert.Equal(f.GetProperty("logmel_shape").EnumerateArray().Select(e => e.GetInt32()), new[] { s.Bins, s.Frames });
            Assert.Equal(f.GetProperty("logmel_raw_mean").GetDouble(), s.Data.Average(v => (double)v), 1e-4);
            stats.Apply(s.Data);
            double mean = s.Data.Average(v => (double)v), std = Math.Sqrt(s.Data.Average(v => (v - mean) * (v - mean)));
            worst = Math.Max(worst, Math.Abs(mean - f.GetProperty("logmel_norm_mean").GetDouble()));
            worst = Math.Max(worst, Math.Abs(std - f.GetProperty("logmel_norm_std").GetDouble()));
            foreach (var (bin, key) in new[] { (0, "logmel_norm_bin0_first8"), (32, "logmel_norm_bin32_first8") })
            {
                var values = f.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (int t = 0; t < values.Length; t++) worst = Math.Max(worst, Math.Abs(values[t] - s[bin, t]));
            }
        }
        output.WriteLine($"50 clips: max |diff| of normalised log-mel statistics and listed values {worst:E2}");
        Assert.True(worst <= 1e-5, $"{worst}");
    }

    [Fact]
    public void DatasetStatisticsArePooledOverEveryValue()
    {
        var a = new AudioCluster.Features.Spectrogram("a", null, AudioCluster.Features.SpectrogramKind.LogMel, 1, 2, 16000, 160, [1, 3]);
        var b = new AudioCluster.Features.Spectrogram("b", null, AudioCluster.Features.SpectrogramKind.LogMel, 1, 1, 16000, 160, [5]);
        var s = ByolaEncoder.Statistics([a, b]);
        Assert.Equal(3, s.Mean, 12);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Std, 12);
    }
}
