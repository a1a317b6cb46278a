using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// Invoke-ByolaTraining on small generated sets (24 one-second clips, batches of 8: 3 steps an epoch, about a
/// second each): it trains, saves a model Get-AudioEmbedding loads, resumes exactly, is deterministic, checks its
/// parameters before any work and stops cleanly. The FSDD quality check is scripts/bench/Measure-ByolaTraining.ps1.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class ByolaTrainingTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly TempDir temp = new();
    readonly string audio;

    public ByolaTrainingTests(ModuleHostFixture fixture)
    {
        host = fixture.Host;
        audio = Path.Combine(temp.Path, "audio");
        Run("New-SyntheticAudioSet -Path $dir -ClassCount 4 -PerClass 6 -Seed 2 | Out-Null", ("dir", audio));
    }

    public void Dispose() => temp.Dispose();

    ScriptResult Run(string script, params (string, object?)[] vars)
    {
        var r = host.Run(script, Vars(vars));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r;
    }

    Dictionary<string, object?> Vars((string, object?)[] vars)
    {
        var all = vars.ToDictionary(p => p.Item1, p => p.Item2);
        all["audio"] = audio;
        return all;
    }

    string Model(string name) => Path.Combine(temp.Path, name);

    /// <summary>Embeddings of the training clips with the given weights and fixed statistics.</summary>
    float[][] Embed(string model) =>
        Run("Get-ChildItem $audio -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -ModelPath $m -NormalizationMean -5 -NormalizationStd 4", ("m", model))
            .Output.Select(o => (float[])o.Properties["Vector"].Value).ToArray();

    static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    [Fact]
    public void ByolaTrainingWritesAModelThatGetAudioEmbeddingLoads()
    {
        var model = Model("byola.pth");
        var r = Run("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 2 -BatchSize 8 -Seed 3 -Dimensions 128",
            ("m", model));
        Assert.Equal(2, r.Output.Count);
        for (int i = 0; i < 2; i++)
        {
            var epoch = r.Output[i];
            Assert.Equal(i + 1, Prop<int>(epoch, "Epoch"));
            Assert.Equal(3, Prop<int>(epoch, "Steps"));
            Assert.Equal(3L * (i + 1), Prop<long>(epoch, "TotalSteps"));
            Assert.Equal(24, Prop<int>(epoch, "Clips"));
            Assert.InRange(Prop<double>(epoch, "Loss"), 0.0, 8.0);
            Assert.True(Prop<double>(epoch, "Seconds") > 0);
            Assert.Equal(model, Prop<string>(epoch, "ModelPath"));
        }
        Assert.True(File.Exists(model + ".checkpoint"));
        // Only the model, its normalisation and its checkpoint: no temporary files left behind.
        Assert.Equal(new[] { "byola.pth", "byola.pth.checkpoint", "byola.pth.json" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // Without statistics the normalisation the encoder was trained with applies (the id names the statistics).
        var e = Run("Get-ChildItem $audio -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -ModelPath $m", ("m", model));
        var last = r.Output[1];
        var given = Run("Get-ChildItem $audio -Filter *.wav | Select-Object -First 1 | Get-AudioEmbedding -Encoder ByolA -ModelPath $m -NormalizationMean $mean -NormalizationStd $std",
            ("m", model), ("mean", Prop<double>(last, "NormalizationMean")), ("std", Prop<double>(last, "NormalizationStd")));
        Assert.Equal(Prop<string>(given.Output[0], "Encoder"), Prop<string>(e.Output[0], "Encoder"));
        Assert.Equal(24, e.Output.Count);
        Assert.All(e.Output, o => Assert.Equal(128, ((float[])o.Properties["Vector"].Value).Length));
        Assert.Contains("byola.pth sha256=", Prop<string>(e.Output[0], "Encoder"));
        Assert.All(e.Output, o => Assert.All((float[])o.Properties["Vector"].Value, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void ByolaTrainingIsDeterministicAndResumesExactlyAsAnUninterruptedRun()
    {
        string straight = Model("straight.pth"), again = Model("again.pth"), resumed = Model("resumed.pth"), other = Model("other.pth");
        const string train = "Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -BatchSize 8 -Dimensions 64 -Epochs $e";
        var a = Run(train + " -Seed 4", ("m", straight), ("e", 3)).Output;
        var b = Run(train + " -Seed 4", ("m", resumed), ("e", 2)).Output;
        var twoEpochs = Embed(resumed);
        var c = Run(train + " -Resume", ("m", resumed), ("e", 3)).Output;
        Assert.Equal(3, a.Count);
        Assert.Equal(2, b.Count);
        Assert.Equal(3, Prop<int>(c.Single(), "Epoch"));
        Assert.Equal(9L, Prop<long>(c.Single(), "TotalSteps"));
        // Same losses and the same weights, bit for bit, whether or not the run was resumed.
        Assert.Equal(a.Select(o => Prop<double>(o, "Loss")), b.Concat(c).Select(o => Prop<double>(o, "Loss")));
        var reference = Embed(straight);
        Assert.Equal(reference, Embed(resumed));

        // The same seed again gives the same weights; another seed does not.
        Run(train + " -Seed 4", ("m", again), ("e", 2));
        Assert.Equal(twoEpochs, Embed(again));
        Run(train + " -Seed 5", ("m", other), ("e", 2));
        Assert.NotEqual(twoEpochs, Embed(other));
    }

    [Fact]
    public void ByolaTrainingRejectsBadParametersBeforeAnyWork()
    {
        var model = Model("m.pth");
        string Fails(string script, params (string, object?)[] vars)
        {
            var r = host.Run(script, Vars(vars.Append(("m", (object?)model)).ToArray()));
            Assert.Empty(r.Output);
            return r.StoppingError ?? throw new Xunit.Sdk.XunitException($"'{script}' did not fail");
        }
        Assert.Contains("Epochs", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 0"));
        Assert.Contains("-LearningRate", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -LearningRate 0"));
        Assert.Contains("No checkpoint", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Resume"));
        Assert.Contains("not found", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -InitialModelPath ./missing.pth"));
        Assert.Empty(Directory.GetFiles(temp.Path));

        // -WhatIf trains nothing and writes nothing.
        Assert.Empty(Run("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 1 -WhatIf", ("m", model)).Output);
        Assert.Empty(Directory.GetFiles(temp.Path));

        // A batch larger than the data is capped, with a warning: one step of all 4 clips.
        var small = host.Run("Get-ChildItem $audio -Filter *.wav | Select-Object -First 4 | Invoke-ByolaTraining -ModelPath $m -Epochs 1 -Dimensions 32",
            Vars([("m", model)]));
        Assert.Null(small.Terminating);
        Assert.Empty(small.Errors);
        Assert.Contains(small.Warnings, w => w.Message.Contains("-BatchSize 256 is more than the 4 clips"));
        Assert.Equal(1, Prop<int>(small.Output.Single(), "Steps"));

        var written = File.GetLastWriteTimeUtc(model);
        Assert.Contains("add -Force", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 1"));
        Assert.Contains("differs from the checkpoint's", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 2 -Resume -BatchSize 8"));
        Assert.Contains("-InitialModelPath", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 2 -Resume -InitialModelPath $m"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(model));

        // A damaged checkpoint is reported before any audio is read.
        var damaged = Model("damaged.pth");
        File.WriteAllText(damaged + ".checkpoint", "not a checkpoint");
        Assert.Contains("not a BYOL-A training checkpoint", Fails("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $d -Resume", ("d", damaged)));

        // A checkpoint that already holds the epochs asked for: a warning, no work.
        var done = host.Run("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 1 -Resume", Vars([("m", model)]));
        Assert.Empty(done.Output);
        Assert.Contains(done.Warnings, w => w.Message.Contains("nothing to train"));
    }

    [Fact]
    public void ByolaTrainingStartsFromInitialWeights()
    {
        // Weights saved from a seeded random encoder; training starts from them (the width comes from the file).
        var initial = Model("initial.pth");
        var model = Model("tuned.pth");
        Run("$enc = [AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ Seed = 9; RandomDimensions = 48 }); try { $enc.Save($p) } finally { $enc.Dispose() }",
            ("p", initial));
        // The module ships CPU libtorch: -Device Cuda trains on the CPU, with a warning that says why.
        var r = Run("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -InitialModelPath $i -Epochs 1 -BatchSize 12 -Device Cuda", ("m", model), ("i", initial));
        Assert.Equal(2, Prop<int>(r.Output.Single(), "Steps"));
        Assert.Contains(r.Warnings, w => w.Message.Contains("CUDA") && w.Message.Contains("CPU"));
        var before = Embed(initial);
        var after = Embed(model);
        Assert.Equal(48, after[0].Length);
        Assert.NotEqual(before, after);
        // Resuming takes the width from the checkpoint, not the default.
        var more = Run("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 2 -Resume", ("m", model));
        Assert.Equal(2, Prop<int>(more.Output.Single(), "Epoch"));
        Assert.Equal(48, Embed(model)[0].Length);
    }

    [Fact]
    public void ByolaTrainingStoppedByCtrlCKeepsTheLastWholeEpoch()
    {
        var model = Model("stopped.pth");
        var checkpoint = model + ".checkpoint";
        var r = host.RunAndStop("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs 1000 -BatchSize 8 -Dimensions 32",
            () => File.Exists(checkpoint), TimeSpan.FromMinutes(2), Vars([("m", model)]));
        Assert.IsAssignableFrom<PipelineStoppedException>(r.Terminating);
        var info = Run("[AudioCluster.Encoders.Training.ByolaTrainer]::ReadCheckpointInfo($c)", ("c", checkpoint)).Output.Single();
        int epochs = Prop<int>(info, "Epoch");
        Assert.InRange(epochs, 1, 999);
        Assert.Equal(3L * epochs, Prop<long>(info, "Steps"));
        Assert.Equal(new[] { "stopped.pth", "stopped.pth.checkpoint", "stopped.pth.json" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(24, Embed(model).Length);
        // The checkpoint resumes where it stopped.
        var more = Run("Get-ChildItem $audio -Filter *.wav | Invoke-ByolaTraining -ModelPath $m -Epochs $e -Resume", ("m", model), ("e", epochs + 1));
        Assert.Equal(epochs + 1, Prop<int>(more.Output.Single(), "Epoch"));
    }
}
