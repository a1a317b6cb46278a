using System.Management.Automation;
using System.Text.Json;
using AudioCluster.Tests;
using Xunit.Abstractions;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// EfficientAT mn04 in TorchSharp (Get-AudioEmbedding -Encoder EfficientAT, Get-AudioTag) against the PyTorch
/// reference in ../shared and against the same network exported to ONNX.
/// </summary>
public sealed class EfficientAtTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly ITestOutputHelper output;
    readonly TempDir temp = new();

    public EfficientAtTests(ModuleHostFixture fixture, ITestOutputHelper output)
    {
        host = fixture.Host;
        this.output = output;
    }

    public void Dispose() => temp.Dispose();

    static string Need(string relative)
    {
        var path = SharedData.PathTo(relative);
        Skip.If(path == null, $"../shared/{relative} is not present on this machine");
        return path!;
    }

    const string Weights = "models/efficientat/mn04_as_mAP_432.pt";

    ScriptResult Run(string script, params (string, object?)[] vars)
    {
        var r = host.Run(script, vars.ToDictionary(p => p.Item1, p => p.Item2));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r;
    }

    static float[] Vector(PSObject o) => (float[])o.Properties["Vector"].Value;

    static (string Name, int Index, double Probability)[] Tags(PSObject o) =>
        ((object[])o.Properties["Tags"].Value).Select(t => PSObject.AsPSObject(t))
            .Select(t => ((string)t.Properties["Name"].Value, (int)t.Properties["Index"].Value, (double)t.Properties["Probability"].Value)).ToArray();

    static double RelativeL2(IReadOnlyList<double> expected, float[] got)
    {
        double num = 0, den = 0;
        for (int k = 0; k < expected.Count; k++) { num += (got[k] - expected[k]) * (got[k] - expected[k]); den += expected[k] * expected[k]; }
        return Math.Sqrt(num / den);
    }

    [SkippableFact]
    public void TorchSharpMatchesThePyTorchReference()
    {
        var reference = JsonDocument.Parse(File.ReadAllText(Need("reference/efficientat-mn04-fsdd.json"))).RootElement;
        var weights = Need(Weights);
        var recordings = Need("datasets/fsdd/recordings");
        var files = reference.GetProperty("files").EnumerateArray().ToList();
        var paths = files.Select(f => Path.Combine(recordings, f.GetProperty("name").GetString()!)).ToArray();
        var r = Run(@"
            Get-AudioEmbedding -LiteralPath $paths -Encoder EfficientAT -ModelPath $weights
            Get-AudioTag -LiteralPath $paths -ModelPath $weights", ("paths", paths), ("weights", weights));
        Assert.Equal(60, r.Output.Count);
        double worstL2 = 0, worstProbability = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var got = Vector(r.Output[i]);
            Assert.Equal(384, got.Length);
            worstL2 = Math.Max(worstL2, RelativeL2(files[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray(), got));

            var tags = Tags(r.Output[30 + i]);
            Assert.Equal(files[i].GetProperty("top5_class_index").EnumerateArray().Select(e => e.GetInt32()), tags.Select(t => t.Index));
            Assert.Equal(files[i].GetProperty("top5_class_name").EnumerateArray().Select(e => e.GetString()), tags.Select(t => t.Name));
            var expected = files[i].GetProperty("top5_probability").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int k = 0; k < 5; k++) worstProbability = Math.Max(worstProbability, Math.Abs(expected[k] - tags[k].Probability));
            Assert.Equal(tags[0].Name, (string)PSObject.AsPSObject(r.Output[30 + i].Properties["TopTag"].Value).Properties["Name"].Value);
        }
        var id = (string)r.Output[0].Properties["Encoder"].Value;
        output.WriteLine($"EfficientAT mn04 (TorchSharp), 30 FSDD clips: max relative L2 {worstL2:E2}, max |probability diff| {worstProbability:E2}; {id}");
        Assert.Contains("sha256=899a8c621706", id);
        Assert.True(worstL2 <= 1e-4, $"max relative L2 {worstL2}");
        Assert.True(worstProbability <= 1e-4, $"probabilities differ by {worstProbability}");
    }

    [SkippableFact]
    public void TorchSharpAndOnnxGiveTheSameEmbeddingsAndTags()
    {
        var weights = Need(Weights);
        var onnx = Need("models/efficientat/mn04_as_embed.onnx");
        var labels = Need("models/efficientat/class_labels_indices.csv");
        var recordings = Need("datasets/fsdd/recordings");
        // The ONNX model in a scratch folder with the EfficientAT front end as its sidecar (and no labels beside it).
        var local = Path.Combine(temp.Path, "mn04_as_embed.onnx");
        File.CreateSymbolicLink(local, onnx);
        var json = (string)Run("[AudioCluster.Encoders.OnnxEncoderOptions]::EfficientAt.ToJson()").Output.Single().BaseObject;
        File.WriteAllText(local + ".json", json);
        // Other speakers than the reference's, and a clip of two frames, the shortest the network sees whole.
        var paths = Directory.GetFiles(recordings, "*_jackson_4.wav").Order(StringComparer.Ordinal).Take(6).ToList();
        var tiny = Path.Combine(temp.Path, "tiny.wav");
        WritePcm16(tiny, Enumerable.Range(0, 400).Select(i => 0.3f * MathF.Sin(i * 0.2f)).ToArray(), 32000);
        paths.Add(tiny);
        var r = Run(@"
            Get-AudioEmbedding -LiteralPath $paths -Encoder EfficientAT -ModelPath $weights
            Get-AudioEmbedding -LiteralPath $paths -Encoder Onnx -ModelPath $onnx
            Get-AudioTag -LiteralPath $paths -ModelPath $weights -Count 10
            Get-AudioTag -LiteralPath $paths -ModelPath $onnx -LabelsPath $labels -Count 10",
            ("paths", paths.ToArray()), ("weights", weights), ("onnx", local), ("labels", labels));
        int n = paths.Count;
        Assert.Equal(4 * n, r.Output.Count);
        double worstEmbedding = 0, worstProbability = 0;
        for (int i = 0; i < n; i++)
        {
            var (torch, ort) = (Vector(r.Output[i]), Vector(r.Output[n + i]));
            worstEmbedding = Math.Max(worstEmbedding, torch.Zip(ort).Max(p => Math.Abs(p.First - p.Second)));
            var (a, b) = (Tags(r.Output[2 * n + i]), Tags(r.Output[3 * n + i]));
            Assert.Equal(10, a.Length);
            // The same classes; the order may differ only between near ties.
            Assert.Equal(a[0].Index, b[0].Index);
            foreach (var t in a.Take(5))
            {
                var match = b.FirstOrDefault(u => u.Index == t.Index);
                Assert.True(match.Name == t.Name, $"{paths[i]}: {t.Name} missing from the ONNX tags");
                worstProbability = Math.Max(worstProbability, Math.Abs(match.Probability - t.Probability));
            }
        }
        output.WriteLine($"EfficientAT mn04 TorchSharp vs ONNX, {n} clips: max |embedding diff| {worstEmbedding:E2}, max |probability diff| {worstProbability:E2}");
        Assert.True(worstEmbedding <= 1e-4, $"embeddings differ by {worstEmbedding}");
        Assert.True(worstProbability <= 1e-4, $"probabilities differ by {worstProbability}");
    }

    [SkippableFact]
    public void BatchesOfEqualLengthsGiveTheSameOutputsAsOneByOne()
    {
        var weights = Need(Weights);
        var recordings = Need("datasets/fsdd/recordings");
        var paths = Directory.GetFiles(recordings, "7_nicolas_*.wav").Order(StringComparer.Ordinal).Take(4).ToArray();
        var r = Run(@"
            $enc = [AudioCluster.Encoders.EfficientAtEncoder]::new([AudioCluster.Encoders.EfficientAtEncoderOptions]@{ WeightsPath = $weights })
            try {
                # Each clip whole and cropped to 0.25 s, so that a batch of equal frame counts forms.
                $mels = [AudioCluster.Features.Spectrogram[]]@(foreach ($p in $paths) {
                    $x = (Import-Audio -LiteralPath $p -SampleRate 32000).Samples
                    [AudioCluster.Encoders.EfficientAtEncoder]::LogMel($x, $p, $null)
                    [AudioCluster.Encoders.EfficientAtEncoder]::LogMel([float[]]$x[0..7999], $p, $null)
                })
                ,$enc.Run($mels, [System.Threading.CancellationToken]::None)
                foreach ($m in $mels) { $enc.Run([AudioCluster.Features.Spectrogram[]]@($m), [System.Threading.CancellationToken]::None)[0] }
            } finally { $enc.Dispose() }", ("paths", paths), ("weights", weights));
        // The test project does not reference Core: the outputs are read through their properties.
        static float[] Get(object o, string name) => (float[])PSObject.AsPSObject(o).Properties[name].Value;
        var batched = ((System.Collections.IEnumerable)r.Output[0].BaseObject).Cast<object>().ToArray();
        Assert.Equal(8, batched.Length);
        for (int i = 0; i < batched.Length; i++)
        {
            var single = r.Output[1 + i].BaseObject;
            foreach (var name in new[] { "Embedding", "Probabilities" })
                Assert.True(Get(batched[i], name).Zip(Get(single, name)).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5, $"clip {i}: {name}");
        }
    }

    [Fact]
    public void WrongModelsAndMissingFilesAreOneClearErrorBeforeAnyClipIsRead()
    {
        // A state dict of another network (BYOL-A, random weights) is not taken for EfficientAT.
        var byola = Path.Combine(temp.Path, "byola.pt");
        var labels = Path.Combine(temp.Path, "class_labels_indices.csv");
        File.WriteAllText(labels, "index,mid,display_name\n0,/m/a,\"A\"\n");
        Run(@"$enc = [AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ Seed = 1 }); try { $enc.Save($path) } finally { $enc.Dispose() }", ("path", byola));
        var vars = new Dictionary<string, object?> { ["wav"] = Path.Combine(temp.Path, "never.wav"), ["model"] = byola, ["missing"] = Path.Combine(temp.Path, "missing.pt") };

        var r = host.Run("Get-AudioEmbedding -Path $wav -Encoder EfficientAT -ModelPath $model; Get-AudioTag -Path $wav -ModelPath $model", vars);
        Assert.Empty(r.Output);
        Assert.Equal(2, r.Errors.Count);
        Assert.All(r.Errors, e => Assert.Contains("not an EfficientAT", e.Exception.Message));
        Assert.All(r.Errors, e => Assert.DoesNotContain("never.wav", e.Exception.Message));
        Assert.Equal(["GetAudioEmbedding.EncoderFailed", "GetAudioTag.ModelFailed"], r.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));

        foreach (var (script, message) in new[]
        {
            ("Get-AudioTag -Path $wav -ModelPath $missing", "not found"),
            ("Get-AudioTag -Path $wav -ModelPath $model -LabelsPath $missing", "-LabelsPath"),
            ("Get-AudioTag -Path $wav -ModelPath $model -Count 0", "Count"),
            ("Get-AudioEmbedding -Path $wav -Encoder EfficientAT", "needs -ModelPath"),
            ("Get-AudioEmbedding -Path $wav -Encoder EfficientAT -ModelPath $model -Seed 1", "-Seed"),
            ("Get-AudioEmbedding -Path $wav -Encoder EfficientAT -ModelPath $model -Pooling Max", "-Pooling"),
        })
        {
            var bad = host.Run(script, vars);
            Assert.Empty(bad.Output);
            Assert.NotNull(bad.StoppingError);
            Assert.Contains(message, bad.StoppingError, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("never.wav", bad.StoppingError);
        }
    }

    static void WritePcm16(string path, float[] x, int rate)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write("RIFF"u8); w.Write(36 + 2 * x.Length); w.Write("WAVEfmt "u8);
        w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(2 * rate); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(2 * x.Length);
        foreach (var v in x) w.Write((short)Math.Round(v * 32767));
    }
}
