using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>Invoke-TemiTraining on small generated vectors (libtorch lives only in the module folder, so these run here).</summary>
public sealed class TemiTrainingTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly TempDir temp = new();

    public TemiTrainingTests(ModuleHostFixture fixture) => host = fixture.Host;

    public void Dispose() => temp.Dispose();

    // Three labelled groups of 8-dimensional points around distant centres, 40 each.
    const string Groups = @"
        $rng = [Random]::new(7)
        $centres = @(
            [double[]](4, 0, 0, 0, 1, 0, 0, 0),
            [double[]](0, 4, 0, 0, 0, 1, 0, 0),
            [double[]](0, 0, 4, 0, 0, 0, 1, 0))
        $points = foreach ($i in 0..119) {
            $c = $i % 3
            [pscustomobject]@{ Name = ""p$i""; Label = ""g$c""; Vector = [float[]]@(foreach ($v in $centres[$c]) { $v + $rng.NextDouble() - 0.5 }) }
        }
";

    ScriptResult Run(string script, params (string, object?)[] vars)
    {
        var r = host.Run(Groups + script, vars.ToDictionary(p => p.Item1, p => p.Item2));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r;
    }

    static int[] Clusters(ScriptResult r) => r.Output.Select(o => (int)o.Properties["Cluster"].Value).ToArray();
    static double[] Confidences(ScriptResult r) => r.Output.Select(o => (double)o.Properties["Confidence"].Value).ToArray();

    [Fact]
    public void FindsWellSeparatedGroupsInAFewHundredSteps()
    {
        var r = Run("$points | Invoke-TemiTraining -ClusterCount 3 -Heads 2 -Steps 200 -LearningRate 0.01 -Seed 0 | Measure-ClusterQuality");
        var q = r.Output.Single();
        Assert.True((double)q.Properties["ARI"].Value >= 0.9, $"ARI {q.Properties["ARI"].Value}");
    }

    [Fact]
    public void OutputsOneAssignmentPerInputWithItsPropertiesAndProbability()
    {
        var r = Run("$points | Invoke-TemiTraining 3 -Heads 1 -Steps 20 -Seed 0");
        Assert.Equal(120, r.Output.Count);
        for (int i = 0; i < 120; i++)
        {
            var o = r.Output[i];
            Assert.Equal("AudioCluster.Clustering.ClusterAssignment", o.BaseObject.GetType().FullName);
            Assert.Equal($"p{i}", (string)o.Properties["Name"].Value);
            Assert.Equal($"g{i % 3}", (string)o.Properties["Label"].Value);
            Assert.InRange((int)o.Properties["Cluster"].Value, 0, 2);
            Assert.InRange((double)o.Properties["Confidence"].Value, 1.0 / 3, 1.0);
            Assert.True(double.IsNaN((double)o.Properties["Distance"].Value));
            Assert.StartsWith("TEMI(k=3, heads=1", (string)o.Properties["Method"].Value);
        }
    }

    [Fact]
    public void SameSeedGivesTheSameClustersAndProbabilities()
    {
        var r = Run(@"
            $a = $points | Invoke-TemiTraining -ClusterCount 3 -Heads 2 -Steps 30 -Seed 5
            $b = $points | Invoke-TemiTraining -ClusterCount 3 -Heads 2 -Steps 30 -Seed 5
            $c = $points | Invoke-TemiTraining -ClusterCount 3 -Heads 2 -Steps 30 -Seed 6
            [pscustomobject]@{
                Same = ($a.Cluster -join ',') -eq ($b.Cluster -join ',') -and ($a.Confidence -join ',') -eq ($b.Confidence -join ',')
                Other = ($a.Confidence -join ',') -ne ($c.Confidence -join ',')
            }");
        Assert.True((bool)r.Output.Single().Properties["Same"].Value);
        Assert.True((bool)r.Output.Single().Properties["Other"].Value);
    }

    [Fact]
    public void SavedModelAssignsTheSameClustersThroughInvokeAudioClustering()
    {
        var model = Path.Combine(temp.Path, "temi.json");
        var trained = Run("$points | Invoke-TemiTraining -ClusterCount 3 -Heads 2 -Steps 50 -Seed 1 -Standardize -ModelPath $model", ("model", model));
        Assert.True(File.Exists(model));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
        var applied = Run("$points | Invoke-AudioClustering -ModelPath $model", ("model", model));
        Assert.Equal(Clusters(trained), Clusters(applied));
        Assert.Equal(Confidences(trained), Confidences(applied));
        Assert.EndsWith("(saved)", (string)applied.Output[0].Properties["Method"].Value);

        // New vectors of another width are refused; an existing file needs -Force.
        var wrong = host.Run("[pscustomobject]@{ Vector = [float[]](1, 2) } | Invoke-AudioClustering -ModelPath $model", new Dictionary<string, object?> { ["model"] = model });
        Assert.Contains("8-dimensional", wrong.StoppingError);
        var exists = host.Run(Groups + "$points | Invoke-TemiTraining 3 -Steps 5 -ModelPath $model", new Dictionary<string, object?> { ["model"] = model });
        Assert.Contains("-Force", exists.StoppingError);
        Run("$points | Invoke-TemiTraining 3 -Heads 1 -Steps 5 -ModelPath $model -Force | Out-Null", ("model", model));
    }

    [Theory]
    [InlineData("-Steps 10 -Epochs 2", "not both")]
    [InlineData("-ClusterCount 1", "ClusterCount")]
    [InlineData("-Heads 0", "Heads")]
    [InlineData("-BatchSize 0", "BatchSize")]
    [InlineData("-LearningRate 0", "LearningRate")]
    public void BadParametersFailBeforeAnyInputIsRead(string parameters, string expected)
    {
        // A failing parameter stops the pipeline before the upstream command emits anything.
        var r = host.Run("$script:emitted = 0; & { 1..3 | ForEach-Object { $script:emitted++; [pscustomobject]@{ Vector = [float[]]($_, 1) } } } | " +
                         $"Invoke-TemiTraining {(parameters.Contains("ClusterCount") ? "" : "-ClusterCount 2 ")}{parameters}; $script:emitted");
        Assert.Contains(expected, r.StoppingError);
        Assert.Equal(0, (int)r.Output.Last().BaseObject);
    }

    [Fact]
    public void SmallDataIsHandledOrRefusedClearly()
    {
        // Fewer inputs than neighbours and than the batch: both shrink, with a verbose note.
        var r = host.Run(@"
            $few = 0..5 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]@((($_ % 2) * 5), 1, ($_ / 10)) } }
            $few | Invoke-TemiTraining -ClusterCount 2 -Heads 1 -Steps 10 -Verbose 4>&1");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var verbose = string.Join("\n", r.Output.Where(o => o.BaseObject is VerboseRecord).Select(o => o.ToString()));
        Assert.Contains("5 neighbours instead of 50", verbose);
        Assert.Contains("larger than the 6 inputs", verbose);
        Assert.Equal(6, r.Output.Count(o => o.BaseObject.GetType().Name == "ClusterAssignment"));

        // An explicit -Neighbors that cannot be met is a warning.
        var warned = host.Run("0..5 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]($_, 1) } } | Invoke-TemiTraining 2 -Heads 1 -Steps 3 -Neighbors 10");
        Assert.Contains(warned.Warnings, w => w.Message.Contains("instead of 10"));

        var tooMany = host.Run("0..3 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]($_, 1) } } | Invoke-TemiTraining -ClusterCount 5");
        Assert.Contains("more than the 4 inputs", tooMany.StoppingError);
        var single = host.Run("[pscustomobject]@{ Vector = [float[]](1, 2) } | Invoke-TemiTraining -ClusterCount 2");
        Assert.Contains("at least 2 inputs", single.StoppingError);
    }

    [Fact]
    public void EpochsCountWholePassesOverTheData()
    {
        var r = Run("$points | Invoke-TemiTraining 3 -Heads 1 -Epochs 4 -BatchSize 50 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message");
        // 120 inputs in batches of 50: 2 steps per epoch (the last partial batch is dropped), 8 steps.
        Assert.Contains(r.Output, o => o.ToString().Contains("8 steps (2 per epoch)"));
    }

    [Fact]
    public void CtrlCStopsTrainingAndKeepsTheModelSoFar()
    {
        var model = Path.Combine(temp.Path, "stopped.json");
        // Stopped a moment after training has begun (its first verbose line raises a flag).
        var flag = Path.Combine(temp.Path, "started");
        DateTime? started = null;
        var stopped = host.RunAndStop(Groups + @"
            $points | Invoke-TemiTraining 3 -Heads 1 -Steps 10000000 -ModelPath $model -Verbose 4>&1 |
                ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'TEMI:*') { New-Item -ItemType File $flag | Out-Null } }",
            () => File.Exists(flag) && DateTime.UtcNow - (started ??= DateTime.UtcNow) > TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(120), new Dictionary<string, object?> { ["model"] = model, ["flag"] = flag });
        Assert.True(stopped.Terminating is PipelineStoppedException, $"expected a stop, got {stopped.Terminating?.GetType().Name}: {stopped.Terminating?.Message}");
        Assert.True(File.Exists(model), "the model trained so far is kept");
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
        var applied = Run("$points | Invoke-AudioClustering -ModelPath $model", ("model", model));
        Assert.Equal(120, applied.Output.Count);
    }
}
