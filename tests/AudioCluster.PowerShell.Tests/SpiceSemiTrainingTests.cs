using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// Invoke-SpiceTraining -EncoderModelPath (SPICE stage 3) on a small generated set (3 classes x 6 half-second clips) embedded
/// by a random 64-wide BYOL-A encoder: stage 3 runs after stage 2 and says so, is deterministic, saves an encoder and a
/// model that put the clips (and new ones) where training did, falls back to stage 2 when too few labels are reliable,
/// and refuses inputs without audio. The reliability thresholds are lowered so that 18 clips give reliable labels.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class SpiceSemiTrainingTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly TempDir temp = new();
    readonly string audio, fresh, encoder;

    const string Embed = "Get-ChildItem $audio -Filter *.wav | Sort-Object Name | Get-AudioEmbedding -Encoder ByolA -ModelPath $encoder -LabelPattern '^(?<label>[a-z]+)_'";
    const string Train = "$embeddings | Invoke-SpiceTraining -ClusterCount 3 -Heads 2 -Steps 30 -Standardize -EncoderModelPath $encoder " +
                         "-SemiEpochs 1 -SemiBatchSize 6 -ReliableNeighbors 5 -ReliableRatio 0.6 -ReliableConfidence 0";

    public SpiceSemiTrainingTests(ModuleHostFixture fixture)
    {
        host = fixture.Host;
        audio = Path.Combine(temp.Path, "audio");
        fresh = Path.Combine(temp.Path, "fresh");
        encoder = Path.Combine(temp.Path, "random64.pth");
        var setup = host.Run(@"New-SyntheticAudioSet -Path $audio -ClassCount 3 -PerClass 6 -Duration 0.5 -Seed 2 | Out-Null
              New-SyntheticAudioSet -Path $fresh -ClassCount 3 -PerClass 4 -Duration 0.5 -Seed 9 | Out-Null
              [AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ RandomDimensions = 64; Seed = 1 }).Save($encoder)", Vars([]));
        Assert.Null(setup.Terminating);
        Assert.Empty(setup.Errors);
    }

    public void Dispose() => temp.Dispose();

    Dictionary<string, object?> Vars((string, object?)[] vars)
    {
        var all = vars.ToDictionary(p => p.Item1, p => p.Item2);
        all["audio"] = audio;
        all["fresh"] = fresh;
        all["encoder"] = encoder;
        return all;
    }

    /// <summary>Runs a script with $embeddings holding the training clips' embeddings by the starting encoder.</summary>
    ScriptResult Run(string script, params (string, object?)[] vars)
    {
        var r = host.Run($"$embeddings = {Embed}\n" + script, Vars(vars));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r;
    }

    static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    static List<PSObject> Items(PSObject o, string name) => ((object[])Prop<object>(o, name)).Cast<PSObject>().ToList();

    [Fact]
    public void Stage3RunsAfterStage2SaysSoAndTheSameSeedGivesTheSameClusters()
    {
        var r = Run($@"
            $a = {Train} -Seed 4 -Verbose 4>&1
            $b = {Train} -Seed 4
            [pscustomobject]@{{ A = @($a | Where-Object {{ $_ -isnot [System.Management.Automation.VerboseRecord] }}); B = $b
                               Verbose = ($a | Where-Object {{ $_ -is [System.Management.Automation.VerboseRecord] }} | ForEach-Object Message) -join ""`n"" }}");
        var o = r.Output.Single();
        var a = Items(o, "A");
        var b = Items(o, "B");
        Assert.Equal(18, a.Count);
        foreach (var x in a)
        {
            Assert.InRange(Prop<int>(x, "Cluster"), 0, 2);
            Assert.InRange((double)Prop<double?>(x, "Confidence")!, 1.0 / 3, 1.0);
            Assert.StartsWith(Stages, Prop<string>(x, "Method"));
            Assert.Contains("SPICE-Semi(reliable=", Prop<string>(x, "Method"));
        }
        Assert.Equal(a.Select(x => Prop<int>(x, "Cluster")), b.Select(x => Prop<int>(x, "Cluster")));
        // Other tests' libtorch work may change the process-wide thread count, and with it the order of float sums.
        for (int i = 0; i < a.Count; i++)
            Assert.Equal((double)Prop<double?>(a[i], "Confidence")!, (double)Prop<double?>(b[i], "Confidence")!, 4);
        var verbose = Prop<string>(o, "Verbose");
        Assert.Contains("Stages: " + Stages, verbose);
        Assert.Contains("strong view: mixup ≤0.4 with another clip, random resize crop", verbose);
        Assert.Matches(@"SPICE stage 3: \d+ of 18 clips have at least 0.6 of their 5 nearest neighbours in their cluster", verbose);
        Assert.Matches(@"Stage 3 epoch 1: loss [\d.]+, \d+ % of unlabelled clips above the threshold", verbose);
    }

    const string Stages = "SPICE stages 2 (heads on the embeddings) and 3";

    [Fact]
    public void SavedEncoderAndModelAssignClipsWhereTrainingDidAndNewClipsToo()
    {
        var model = Path.Combine(temp.Path, "spice.json");
        var r = Run($@"
            $trained = {Train} -Seed 3 -ModelPath $model
            $saved = Get-Content $model -Raw | ConvertFrom-Json
            # No statistics given: the normalisation kept beside the encoder applies, as in training.
            $embed = @{{ Encoder = 'ByolA'; ModelPath = ($model -replace '\.json$', '.encoder.pth') }}
            $again = Get-ChildItem $audio -Filter *.wav | Sort-Object Name | Get-AudioEmbedding @embed | Invoke-AudioClustering -ModelPath $model
            $new = Get-ChildItem $fresh -Filter *.wav | Sort-Object Name | Get-AudioEmbedding @embed | Invoke-AudioClustering -ModelPath $model
            $refused = try {{ $embeddings | Invoke-AudioClustering -ModelPath $model -ErrorAction Stop; $null }} catch {{ $_.Exception.Message }}
            [pscustomobject]@{{ Trained = $trained; Again = $again; New = $new; Format = $saved.format; Refused = $refused }}", ("model", model));
        var o = r.Output.Single();
        var trained = Items(o, "Trained");
        var again = Items(o, "Again");
        Assert.Equal("AudioCluster.SpiceSemiModel", Prop<string>(o, "Format"));
        Assert.Equal(trained.Select(x => Prop<int>(x, "Cluster")), again.Select(x => Prop<int>(x, "Cluster")));
        for (int i = 0; i < trained.Count; i++)
            Assert.Equal((double)Prop<double?>(trained[i], "Confidence")!, (double)Prop<double?>(again[i], "Confidence")!, 4);
        var fresh = Items(o, "New");
        Assert.Equal(12, fresh.Count);
        Assert.All(fresh, x => Assert.InRange(Prop<int>(x, "Cluster"), 0, 2));
        // The untrained encoder's embeddings are not the trained one's: the model says which encoder it needs.
        Assert.Contains("sha256=", Prop<string>(o, "Refused"));
    }

    [Fact]
    public void TooFewReliableLabelsFallBackToStage2WithAWarning()
    {
        // Every one of 18 neighbours must share a clip's cluster: no cluster of 3 can hold them all unless stage 2 made one cluster.
        var r = Run("$out = $embeddings | Invoke-SpiceTraining -ClusterCount 3 -Heads 2 -Steps 20 -Seed 1 -EncoderModelPath $encoder " +
                    "-ReliableNeighbors 100 -ReliableRatio 1 -WarningVariable w -WarningAction SilentlyContinue\n" +
                    "[pscustomobject]@{ Count = @($out).Count; Methods = @($out.Method | Select-Object -Unique); Warning = \"$w\" }");
        var o = r.Output.Single();
        Assert.Equal(18, Prop<int>(o, "Count"));
        Assert.Contains("stage 3 needs 2, so the result is stage 2's", Prop<string>(o, "Warning"));
        Assert.All(Items(o, "Methods"), m => Assert.StartsWith("SPICE stage 2 (frozen embeddings)", m.ToString()));
    }

    [Fact]
    public void InputsWithoutAudioAreRefusedNamingTheSource()
    {
        var r = host.Run("1..6 | ForEach-Object { [pscustomobject]@{ Name = \"v$_\"; Vector = [float[]]@($_, 1, 2) } } | " +
                         "Invoke-SpiceTraining -ClusterCount 2 -Heads 1 -Steps 5 -EncoderModelPath $encoder", Vars([]));
        Assert.Contains("stage 3 reads each embedding's clip from its Source", r.StoppingError);
    }
}
