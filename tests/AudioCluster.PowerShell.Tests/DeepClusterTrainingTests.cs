using System.Management.Automation;
using System.Text.Json;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// Invoke-DeepClusterTraining on a small generated set (3 classes x 6 half-second clips, a random 64-wide encoder,
/// batches of 8, PCA to 4 dimensions: a second or two per epoch): it trains, is deterministic, saves an encoder and
/// a cluster model that put the clips (and new ones) where training did, refuses other encoders' embeddings and
/// what small data cannot support, and keeps the last complete epoch on Ctrl+C. The FSDD figures come from
/// scripts/bench/Measure-DeepClusterTraining.ps1.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class DeepClusterTrainingTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly TempDir temp = new();
    readonly string audio, fresh;

    // Random encoder narrower than BYOL-A's 512 (a 64-wide model file written once), to keep each step short on two cores.
    const string Train = "Get-ChildItem $audio -Filter *.wav | Sort-Object Name | Import-Audio -LabelPattern '^(?<label>[a-z]+)_' | " +
                         "Invoke-DeepClusterTraining -ClusterCount 3 -Epochs 2 -BatchSize 8 -Dimensions 4 -EncoderModelPath $encoder";

    public DeepClusterTrainingTests(ModuleHostFixture fixture)
    {
        host = fixture.Host;
        audio = Path.Combine(temp.Path, "audio");
        fresh = Path.Combine(temp.Path, "fresh");
        Run(@"New-SyntheticAudioSet -Path $audio -ClassCount 3 -PerClass 6 -Duration 0.5 -Seed 2 | Out-Null
              New-SyntheticAudioSet -Path $fresh -ClassCount 3 -PerClass 4 -Duration 0.5 -Seed 9 | Out-Null
              [AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ RandomDimensions = 64; Seed = 1 }).Save($encoder)");
    }

    public void Dispose() => temp.Dispose();

    string Encoder => Path.Combine(temp.Path, "random64.pth");

    Dictionary<string, object?> Vars((string, object?)[] vars)
    {
        var all = vars.ToDictionary(p => p.Item1, p => p.Item2);
        all["audio"] = audio;
        all["fresh"] = fresh;
        all["encoder"] = Encoder;
        return all;
    }

    ScriptResult Run(string script, params (string, object?)[] vars)
    {
        var r = host.Run(script, Vars(vars));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r;
    }

    string Fails(string script, params (string, object?)[] vars)
    {
        var r = host.Run(script, Vars(vars));
        return r.StoppingError ?? throw new Xunit.Sdk.XunitException($"'{script}' did not fail");
    }

    static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    static string TypeName(PSObject o) => o.BaseObject.GetType().Name;

    [Fact]
    public void TrainsAndOutputsOneAssignmentPerClipWithTheEpochCurve()
    {
        var r = Run(Train + " -Seed 1 -InformationVariable curve; $curve | ForEach-Object MessageData");
        var assignments = r.Output.Where(o => TypeName(o) == "ClusterAssignment").ToList();
        var epochs = r.Output.Where(o => TypeName(o) == "DeepClusterEpoch").ToList();
        Assert.Equal(18, assignments.Count);
        foreach (var a in assignments)
        {
            Assert.InRange(Prop<int>(a, "Cluster"), 0, 2);
            Assert.InRange((double)Prop<double?>(a, "Confidence")!, 0.0, 1.0);
            Assert.True(Prop<double>(a, "Distance") >= 0);
            Assert.Equal(4, Prop<float[]>(a, "Vector").Length);
            Assert.StartsWith("DeepCluster k=3 epochs=2", Prop<string>(a, "Method"));
        }
        Assert.Equal(new[] { "chirp", "noise", "tone" }, assignments.Select(a => Prop<string>(a, "Label")).Distinct().Order());
        Assert.Equal(new[] { 0, 1, 2 }, epochs.Select(e => Prop<int>(e, "Epoch")));
        Assert.True(double.IsNaN(Prop<double>(epochs[0], "Loss")));
        Assert.All(epochs.Skip(1), e => Assert.InRange(Prop<double>(e, "Nmi"), 0.0, 1.0));
        Assert.All(epochs.Skip(1), e => Assert.True(Prop<double>(e, "Loss") > 0 && double.IsFinite(Prop<double>(e, "Loss"))));
        Assert.All(epochs, e => Assert.Equal(18, Prop<int[]>(e, "PseudoLabels").Length));
        // The output is the last epoch's clustering.
        Assert.Equal(Prop<int[]>(epochs[^1], "PseudoLabels"), assignments.Select(a => Prop<int>(a, "Cluster")));
    }

    [Fact]
    public void SameSeedGivesTheSameClustersAndAnotherSeedOtherFeatures()
    {
        var r = Run($@"
            $a = {Train} -Seed 5
            $b = {Train} -Seed 5
            $c = {Train} -Seed 6
            [pscustomobject]@{{
                Same = ($a.Cluster -join ',') -eq ($b.Cluster -join ',') -and ($a.Confidence -join ',') -eq ($b.Confidence -join ',')
                Other = ($a.Confidence -join ',') -ne ($c.Confidence -join ',')
            }}");
        Assert.True(Prop<bool>(r.Output.Single(), "Same"));
        Assert.True(Prop<bool>(r.Output.Single(), "Other"));
    }

    [Fact]
    public void SavedEncoderAndModelAssignClipsWhereTrainingDidAndNewClipsLikewise()
    {
        var model = Path.Combine(temp.Path, "dc.json");
        var r = Run($@"
            $trained = {Train} -Seed 3 -ModelPath $model
            $saved = Get-Content $model -Raw | ConvertFrom-Json
            # No statistics given: the normalisation kept beside the encoder applies, as in training.
            $embed = @{{ Encoder = 'ByolA'; ModelPath = ($model -replace '\.json$', '.encoder.pth') }}
            $kept = Get-Content ($embed.ModelPath + '.json') -Raw | ConvertFrom-Json
            $again = Get-ChildItem $audio -Filter *.wav | Sort-Object Name | Get-AudioEmbedding @embed | Invoke-AudioClustering -ModelPath $model
            $new = Get-ChildItem $fresh -Filter *.wav | Sort-Object Name | Get-AudioEmbedding @embed -LabelPattern '^(?<label>[a-z]+)_' | Invoke-AudioClustering -ModelPath $model
            [pscustomobject]@{{ Trained = $trained; Again = $again; New = $new; Format = $saved.format
                               SameStatistics = $kept.normalizationMean -eq $saved.encoder.normalizationMean -and $kept.normalizationStd -eq $saved.encoder.normalizationStd }}", ("model", model));
        var o = r.Output.Single();
        Assert.True(Prop<bool>(o, "SameStatistics"));
        var trained = ((object[])Prop<object>(o, "Trained")).Cast<PSObject>().ToList();
        var again = ((object[])Prop<object>(o, "Again")).Cast<PSObject>().ToList();
        var fresh = ((object[])Prop<object>(o, "New")).Cast<PSObject>().ToList();
        Assert.Equal("AudioCluster.DeepClusterModel", Prop<string>(o, "Format"));
        Assert.Equal(trained.Select(a => Prop<int>(a, "Cluster")), again.Select(a => Prop<int>(a, "Cluster")));
        for (int i = 0; i < trained.Count; i++)
            Assert.Equal((double)Prop<double?>(trained[i], "Confidence")!, (double)Prop<double?>(again[i], "Confidence")!, 4);
        // New recordings of the same kinds join the clusters their kind mostly took in training.
        Assert.Equal(12, fresh.Count);
        var majority = trained.GroupBy(a => Prop<string>(a, "Label"))
            .ToDictionary(g => g.Key, g => g.GroupBy(a => Prop<int>(a, "Cluster")).OrderByDescending(c => c.Count()).First().Key);
        int agree = fresh.Count(a => majority[Prop<string>(a, "Label")] == Prop<int>(a, "Cluster"));
        Assert.True(agree >= 9, $"{agree} of 12 new clips joined their kind's cluster");
    }

    [Fact]
    public void SavedModelRefusesEmbeddingsOfAnotherEncoderOrNormalisation()
    {
        var model = Path.Combine(temp.Path, "dc.json");
        Run(Train + " -Seed 3 -ModelPath $model | Out-Null", ("model", model));
        var other = Fails("Get-ChildItem $audio -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -Seed 4 | Invoke-AudioClustering -ModelPath $model", ("model", model));
        Assert.Contains("BYOL-A encoder trained with it", other);
        Assert.Contains("-NormalizationMean", other);
        // The right encoder with other statistics is another normalisation.
        var norm = Fails("Get-ChildItem $audio -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -ModelPath ($model -replace '\\.json$', '.encoder.pth') " +
                         "-NormalizationMean -5 -NormalizationStd 5 | Invoke-AudioClustering -ModelPath $model", ("model", model));
        Assert.Contains("another log-mel normalisation", norm);
    }

    [Fact]
    public void NormalisationKeptBesideOtherWeightsIsRefusedNamingTheFile()
    {
        var model = Path.Combine(temp.Path, "dc.json");
        var encoderFile = Path.Combine(temp.Path, "dc.encoder.pth");
        Run(Train + " -Seed 3 -ModelPath $model | Out-Null", ("model", model));
        // Statistics written for other weights (as when the .pth was replaced since): the hash does not match.
        var sidecar = encoderFile + ".json";
        var json = File.ReadAllText(sidecar);
        File.WriteAllText(sidecar, System.Text.RegularExpressions.Regex.Replace(json, "\"weightsSha256\": \"[0-9a-f]+\"", "\"weightsSha256\": \"000000000000\""));
        var stale = Fails("Get-ChildItem $audio -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -ModelPath $enc", ("enc", encoderFile));
        Assert.Contains($"'{encoderFile}.json' holds the normalisation of other weights", stale);
        // Statistics given on the command line do not read the file.
        var given = Run("Get-ChildItem $audio -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -ModelPath $enc -NormalizationMean -5 -NormalizationStd 5", ("enc", encoderFile));
        Assert.Equal(18, given.Output.Count);
    }

    [Fact]
    public void SmallDataIsRefusedOrCappedClearly()
    {
        var tooMany = Fails("Get-ChildItem $audio -Filter *.wav | Select-Object -First 4 | Invoke-DeepClusterTraining -ClusterCount 5 -Epochs 1 -EncoderModelPath $encoder");
        Assert.Contains("cluster count 5 is more than the 4 clips", tooMany);
        var pseudo = Fails("Get-ChildItem $audio -Filter *.wav | Select-Object -First 4 | Invoke-DeepClusterTraining -ClusterCount 2 -PseudoLabelCount 6 -Epochs 1 -EncoderModelPath $encoder");
        Assert.Contains("pseudo-label count 6 is more than the 4 clips", pseudo);
        var r = host.Run("Get-ChildItem $audio -Filter *.wav | Invoke-DeepClusterTraining -ClusterCount 3 -Epochs 1 -BatchSize 100 -EncoderModelPath $encoder -Verbose 4>&1", Vars([]));
        Assert.Null(r.Terminating);
        Assert.Contains(r.Warnings, w => w.Message.Contains("-BatchSize 100 is more than the 18 clips"));
        Assert.Contains(r.Output, o => o.BaseObject is VerboseRecord v && v.Message.Contains("The batch of 100 is larger than the 18 clips"));
        Assert.Contains(r.Output, o => o.BaseObject is VerboseRecord v && v.Message.Contains("PCA keeps 2 dimensions, not 256: by default at most one per 8 clips"));
        var explicitWidth = host.Run("Get-ChildItem $audio -Filter *.wav | Invoke-DeepClusterTraining -ClusterCount 3 -Epochs 1 -BatchSize 8 -Dimensions 300 -EncoderModelPath $encoder -Verbose 4>&1", Vars([]));
        Assert.Null(explicitWidth.Terminating);
        Assert.Contains(explicitWidth.Output, o => o.BaseObject is VerboseRecord v && v.Message.Contains("PCA keeps 17 dimensions, not 300: 18 clips span at most 17"));
        Assert.Equal(18, r.Output.Count(o => TypeName(o) == "ClusterAssignment"));
        var model = Fails("Get-ChildItem $audio -Filter *.wav | Invoke-DeepClusterTraining -ClusterCount 3 -ModelPath $m", ("m", Path.Combine(temp.Path, "model.pth")));
        Assert.Contains("should end in .json", model);
    }

    [Fact]
    public void StoppedByCtrlCKeepsTheLastCompleteEpochsModel()
    {
        var model = Path.Combine(temp.Path, "stopped.json");
        var encoderFile = Path.Combine(temp.Path, "stopped.encoder.pth");
        var r = host.RunAndStop(Train.Replace("-Epochs 2", "-Epochs 1000") + " -ModelPath $model",
            () => File.Exists(model) && JsonDocument.Parse(File.ReadAllText(model)).RootElement.GetProperty("method").GetString()!.Contains("epochs=1 "),
            TimeSpan.FromMinutes(2), Vars([("model", model)]));
        Assert.IsAssignableFrom<PipelineStoppedException>(r.Terminating);
        Assert.Empty(r.Output);
        Assert.True(File.Exists(encoderFile));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp*"));
        // The pair left behind fits together: the encoder's embeddings pass the model's check and are assigned.
        var again = Run(@"$saved = Get-Content $model -Raw | ConvertFrom-Json
            Get-ChildItem $audio -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -ModelPath $enc -NormalizationMean $saved.encoder.normalizationMean -NormalizationStd $saved.encoder.normalizationStd |
                Invoke-AudioClustering -ModelPath $model", ("model", model), ("enc", encoderFile));
        Assert.Equal(18, again.Output.Count);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomStateCollection
{
    /// <summary>
    /// Tests that compare two seeded trainings bit for bit run alone: a training sets libtorch's thread count, which is
    /// process-wide and changes the order of float sums, so another test's setting must not land in the middle.
    /// </summary>
    public const string Name = "Torch random state";
}
