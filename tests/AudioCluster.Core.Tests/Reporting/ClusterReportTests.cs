using System.Text.Json;
using System.Text.RegularExpressions;
using AudioCluster.Audio;
using AudioCluster.Clustering;
using AudioCluster.Reporting;

namespace AudioCluster.Tests.Reporting;

public class ClusterReportTests
{
    static ReportClip Clip(string source, string? label, string cluster, double? confidence = null, float[]? vector = null, params string[] tags) =>
        new(source, label, cluster, confidence, null, tags, vector ?? new float[] { 0, 0 });

    static JsonElement DataOf(string html)
    {
        var m = Regex.Match(html, "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(m.Success, "the page has no data block");
        return JsonDocument.Parse(m.Groups[1].Value).RootElement;
    }

    static DataMatrix Positions(int n)
    {
        var xy = new DataMatrix(n, 2);
        for (int i = 0; i < n; i++) { xy[i, 0] = i; xy[i, 1] = i % 3; }
        return xy;
    }

    [Fact]
    public void ConfusionColumnsPutEachLabelsMatchedClusterOnTheDiagonal()
    {
        // Cluster 7 holds the cats, 2 the dogs, 5 the birds; -1 is noise.
        var clips = new List<ReportClip>();
        for (int i = 0; i < 6; i++) clips.Add(Clip($"c{i}", "cat", "7"));
        for (int i = 0; i < 5; i++) clips.Add(Clip($"d{i}", "dog", "2"));
        for (int i = 0; i < 4; i++) clips.Add(Clip($"b{i}", "bird", "5"));
        clips.Add(Clip("b4", "bird", "-1"));
        clips.Add(Clip("d5", "dog", "7"));
        var html = ClusterReport.Build(clips, Positions(clips.Count), new ClusterReportOptions(), out _);
        var data = DataOf(html);
        var clusters = data.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { "2", "5", "7", "-1" }, clusters);
        var confusion = data.GetProperty("confusion");
        Assert.Equal(new[] { "bird", "cat", "dog" }, confusion.GetProperty("rows").EnumerateArray().Select(r => r.GetString()));
        // Columns: bird's cluster 5, cat's 7, dog's 2, then noise.
        var columns = confusion.GetProperty("cols").EnumerateArray().Select(c => clusters[c.GetInt32()]).ToList();
        Assert.Equal(new[] { "5", "7", "2", "-1" }, columns);
        Assert.Equal(new[] { 0, 1, 2, -1 }, confusion.GetProperty("matched").EnumerateArray().Select(m => m.GetInt32()));
        var counts = confusion.GetProperty("counts").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(new[] { 4, 0, 0, 1 }, counts[0]);
        Assert.Equal(new[] { 0, 6, 0, 0 }, counts[1]);
        Assert.Equal(new[] { 0, 1, 5, 0 }, counts[2]);
        Assert.True(data.GetProperty("clusters")[3].GetProperty("noise").GetBoolean());
    }

    [Fact]
    public void ExamplesAreTheMostConfidentAndTagsAreCounted()
    {
        var clips = new[]
        {
            Clip("a", null, "0", 0.2, null, "Dog", "Bark"),
            Clip("b", null, "0", 0.9, null, "Dog"),
            Clip("c", null, "0", 0.5, null, "Cat"),
            Clip("d", null, "1", null, null),
        };
        var data = DataOf(ClusterReport.Build(clips, Positions(4), new ClusterReportOptions { ExamplesPerCluster = 2 }, out _));
        var first = data.GetProperty("clusters")[0];
        Assert.Equal(new[] { 1, 2 }, first.GetProperty("examples").EnumerateArray().Select(e => e.GetInt32()));
        var tags = first.GetProperty("tags").EnumerateArray().Select(t => $"{t[0].GetString()}:{t[1].GetInt32()}").ToList();
        Assert.Equal(new[] { "Dog:2", "Bark:1", "Cat:1" }, tags);
        // No labels: no confusion matrix, no label metrics.
        Assert.Equal(JsonValueKind.Null, data.GetProperty("confusion").ValueKind);
        Assert.DoesNotContain(data.GetProperty("quality").EnumerateArray(), row => row[0].GetString() == "NMI");
    }

    [Fact]
    public void PageIsSelfContainedAndUserTextCannotBreakOutOfIt()
    {
        var clips = new[] { Clip("/x/a.wav", "</script><script>alert(1)</script>", "0"), Clip("/x/b<!--.wav", "{{DATA}}", "1") };
        var html = ClusterReport.Build(clips, Positions(2), new ClusterReportOptions { Title = "<b>{{TITLE}}</b>" }, out _);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;b&gt;{{TITLE}}&lt;/b&gt;", html);
        Assert.Equal(3, Regex.Matches(html, "<script").Count);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        Assert.DoesNotContain("{{CSS}}", html);
        Assert.DoesNotContain("{{JS}}", html);
        var data = DataOf(html);
        Assert.Equal("</script><script>alert(1)</script>", data.GetProperty("labels")[0].GetString());
        Assert.Equal("b<!--.wav", data.GetProperty("name")[1].GetString());
        Assert.Equal("{{DATA}}", data.GetProperty("labels")[1].GetString());
        Assert.DoesNotContain("<!--", html);
    }

    [Fact]
    public void SmallSetsEmbedTheAudioLargeOnesLinkRelativeToTheReport()
    {
        using var temp = new TempDir();
        var folder = Path.Combine(temp.Path, "my clips");
        SyntheticAudioSet.Generate(folder, 2, 2, seed: 1, seconds: 0.3);
        var files = Directory.GetFiles(folder).Order().ToArray();
        var clips = files.Select((f, i) => Clip(f, Path.GetFileName(f).Split('_')[0], (i / 2).ToString(), 1.0 - 0.1 * i)).ToList();
        var options = new ClusterReportOptions { OutputDirectory = temp.Path };

        var embedded = DataOf(ClusterReport.Build(clips, Positions(4), options, out var warnings));
        Assert.Empty(warnings);
        var source = embedded.GetProperty("audioSources")[0].GetString()!;
        Assert.StartsWith("data:audio/wav;base64,", source);
        Assert.Equal(File.ReadAllBytes(files[0]), Convert.FromBase64String(source["data:audio/wav;base64,".Length..]));
        // Every cluster gets its mean spectrogram.
        Assert.All(embedded.GetProperty("clusters").EnumerateArray(), c => Assert.StartsWith("data:image/png;base64,", c.GetProperty("thumb").GetString()));

        var linked = DataOf(ClusterReport.Build(clips, Positions(4), options with { EmbedAudio = EmbedAudioMode.Auto, EmbedLimitBytes = 1000 }, out _));
        Assert.Equal("my%20clips/" + Uri.EscapeDataString(Path.GetFileName(files[0])), linked.GetProperty("audioSources")[0].GetString());
        var never = DataOf(ClusterReport.Build(clips, Positions(4), options with { EmbedAudio = EmbedAudioMode.Never }, out _));
        Assert.DoesNotContain("data:", never.GetProperty("audioSources")[0].GetString());
        Assert.Equal(new[] { 0, 1, 2, 3 }, never.GetProperty("audio").EnumerateArray().Select(a => a.GetInt32()));
    }

    [Fact]
    public void QualityIsComputedFromLabelsAndVectorsWhenNotGiven()
    {
        var clips = new List<ReportClip>();
        for (int i = 0; i < 10; i++) clips.Add(Clip($"a{i}", "a", "0", vector: new[] { (float)i * 0.01f, 0f }));
        for (int i = 0; i < 10; i++) clips.Add(Clip($"b{i}", "b", "1", vector: new[] { 5 + (float)i * 0.01f, 1f }));
        var rows = DataOf(ClusterReport.Build(clips, Positions(20), new ClusterReportOptions(), out _)).GetProperty("quality")
            .EnumerateArray().ToDictionary(r => r[0].GetString()!, r => r[1].GetDouble());
        Assert.Equal(1.0, rows["NMI"], 6);
        Assert.Equal(1.0, rows["Accuracy"], 6);
        Assert.True(rows["Silhouette"] > 0.9);
        Assert.Equal(20, rows["Clips"]);
    }

    [Fact]
    public void MapUsesTwoDimensionalVectorsAsTheyAreAndProjectsOthers()
    {
        var two = DataMatrix.FromRows(new[] { new[] { 1f, 2f }, new[] { 3f, 4f }, new[] { 5f, 0f } });
        Assert.Same(two, ReportMap.Project(two, ReportMapMethod.Pca, 0, out var what));
        Assert.Contains("as given", what);
        var rng = new Random(1);
        var many = DataMatrix.FromRows(Enumerable.Range(0, 30).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)rng.NextDouble()).ToArray()).ToList());
        foreach (var method in Enum.GetValues<ReportMapMethod>())
        {
            var xy = ReportMap.Project(many, method, 0, out what);
            Assert.Equal((30, 2), (xy.Rows, xy.Columns));
            Assert.All(xy.Data, v => Assert.True(double.IsFinite(v)));
        }
    }
}
