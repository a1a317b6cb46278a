using System.Management.Automation;

namespace AudioCluster.PowerShell.Tests;

/// <summary>Invoke-SpiceTraining on small generated vectors (libtorch lives only in the module folder, so these run here).</summary>
public sealed class SpiceTrainingTests(ModuleHostFixture fixture) : DeepTrainingTestBase(fixture)
{
    [Fact]
    public void FindsWellSeparatedGroups()
    {
        var r = Run("$points | Invoke-SpiceTraining -ClusterCount 3 -Heads 3 -Steps 100 -Seed 0 | Measure-ClusterQuality");
        var q = r.Output.Single();
        Assert.True((double)q.Properties["ARI"].Value >= 0.9, $"ARI {q.Properties["ARI"].Value}");
    }

    [Fact]
    public void OutputsOneAssignmentPerInputWithTheKeptHeadsProbabilityAndTheStagesThatRan()
    {
        var r = Run("$points | Invoke-SpiceTraining 3 -Heads 2 -Steps 20 -Seed 0 -Verbose 4>&1");
        var assignments = r.Output.Where(o => o.BaseObject is not VerboseRecord).ToList();
        Assert.Equal(120, assignments.Count);
        for (int i = 0; i < 120; i++)
        {
            var o = assignments[i];
            Assert.Equal("AudioCluster.Clustering.ClusterAssignment", o.BaseObject.GetType().FullName);
            Assert.Equal($"p{i}", (string)o.Properties["Name"].Value);
            Assert.Equal($"g{i % 3}", (string)o.Properties["Label"].Value);
            Assert.InRange((int)o.Properties["Cluster"].Value, 0, 2);
            Assert.InRange((double)o.Properties["Confidence"].Value, 1.0 / 3, 1.0);
            Assert.True(double.IsNaN((double)o.Properties["Distance"].Value));
            Assert.StartsWith("SPICE stage 2 (frozen embeddings): SPICE-Self(k=3, heads=2, head=", (string)o.Properties["Method"].Value);
        }
        var verbose = VerboseText(r);
        Assert.Contains("Stages: SPICE stage 2 (frozen embeddings)", verbose);
        Assert.Matches(@"step 20/20 \(epoch [\d.]+\): training loss [\d.]+ \(heads [\d.]+\.\.[\d.]+\), selection loss [\d.]+ \(lowest head [01]\)", verbose);
        Assert.Matches(@"Chose head [01] as it was after step \d+", verbose);
    }

    [Fact]
    public void SameSeedGivesTheSameClustersAndProbabilities() => SameSeedGivesTheSameResult("Invoke-SpiceTraining");

    [Fact]
    public void KMeansInitializationLabelsTheFirstEpochAroundKMeansCentresAndKeepsTheSeedsPromise()
    {
        var r = Run(@"
            $out = $points | Invoke-SpiceTraining -ClusterCount 3 -Heads 2 -Steps 50 -Seed 0 -Initialization KMeans -Verbose 4>&1
            $out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | Measure-ClusterQuality");
        Assert.Contains("first epoch labelled around k-means centres", VerboseText(r));
        var ari = (double)r.Output.Last().Properties["ARI"].Value;
        Assert.True(ari >= 0.9, $"ARI {ari}");
        SameSeedGivesTheSameResult("Invoke-SpiceTraining", "-Initialization KMeans");
    }

    [Fact]
    public void SavedModelAssignsTheSameClustersThroughInvokeAudioClustering() =>
        SavedModelAssignsTheSameClusters("Invoke-SpiceTraining -ClusterCount 3 -Heads 2 -Steps 50 -Seed 1 -Standardize", "Invoke-SpiceTraining 3 -Heads 1 -Steps 5");

    [Theory]
    [InlineData("-Steps 10 -Epochs 2", "not both")]
    [InlineData("-ClusterCount 1", "ClusterCount")]
    [InlineData("-Heads 0", "Heads")]
    [InlineData("-BatchSize 0", "BatchSize")]
    [InlineData("-TrainBatchSize 0", "TrainBatchSize")]
    [InlineData("-ConfidentRatio 0", "ConfidentRatio")]
    [InlineData("-PseudoLabelRatio 1.5", "PseudoLabelRatio")]
    [InlineData("-FeatureDropout 1", "FeatureDropout")]
    [InlineData("-AugmentNeighbors -1", "AugmentNeighbors")]
    public void BadParametersFailBeforeAnyInputIsRead(string parameters, string expected)
    {
        var (error, emitted) = RunWithBadParameters("Invoke-SpiceTraining", parameters);
        Assert.Contains(expected, error);
        Assert.Equal(0, emitted);
    }

    [Fact]
    public void SmallDataIsHandledOrRefusedClearly()
    {
        // Fewer inputs than the batches and the neighbours: all shrink, with verbose notes.
        var r = host.Run(@"
            $few = 0..5 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]@((($_ % 2) * 5), 1, ($_ / 10)) } }
            $few | Invoke-SpiceTraining -ClusterCount 2 -Heads 2 -Steps 10 -Verbose 4>&1");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var verbose = VerboseText(r);
        Assert.Contains("The batch of 5000 is larger than the 6 inputs", verbose);
        Assert.Contains("The training batch of 128 is larger than the 6 pseudo-labelled inputs", verbose);
        Assert.Contains("5 neighbours instead of 20", verbose);
        Assert.Equal(6, r.Output.Count(o => o.BaseObject.GetType().Name == "ClusterAssignment"));

        // An explicit setting that cannot be met is a warning.
        var warned = host.Run("0..5 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]($_, 1) } } | Invoke-SpiceTraining 2 -Heads 1 -Steps 3 -BatchSize 100");
        Assert.Contains(warned.Warnings, w => w.Message.Contains("batch of 100 is larger"));

        // Fewer inputs per cluster than a prototype needs: at least one each, said so.
        var thin = host.Run("0..5 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]($_, 1) } } | Invoke-SpiceTraining 5 -Heads 1 -Steps 3 -Verbose 4>&1");
        Assert.Empty(thin.Errors);
        Assert.Contains("1 input(s) per cluster", VerboseText(thin));

        var tooMany = host.Run("0..3 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]($_, 1) } } | Invoke-SpiceTraining -ClusterCount 5");
        Assert.Contains("more than the 4 inputs", tooMany.StoppingError);
        var single = host.Run("[pscustomobject]@{ Vector = [float[]](1, 2) } | Invoke-SpiceTraining -ClusterCount 2");
        Assert.Contains("at least 2 inputs", single.StoppingError);
        var smallBatch = host.Run("0..9 | ForEach-Object { [pscustomobject]@{ Vector = [float[]]($_, 1) } } | Invoke-SpiceTraining -ClusterCount 4 -BatchSize 3");
        Assert.Contains("batch of at least 4", smallBatch.StoppingError);
    }

    [Fact]
    public void EpochsCountWholeLabellingRounds()
    {
        // 120 inputs in batches of 60: 2 rounds per epoch; each labels 20 per cluster (60 inputs), trained
        // in 2 passes of 30 = 4 steps per round, so 3 epochs are 24 steps.
        var r = Run("$points | Invoke-SpiceTraining 3 -Heads 1 -Epochs 3 -BatchSize 60 -TrainBatchSize 30 -Repeats 2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message");
        Assert.Contains(r.Output, o => o.ToString().Contains("24 steps (8 per epoch)"));
    }

    [Fact]
    public void CtrlCStopsTrainingAndKeepsTheModelSoFar() => StopsAndKeepsTheModel(@"
        $points | Invoke-SpiceTraining 3 -Heads 1 -Steps 10000000 -ModelPath $model -Verbose 4>&1 |
            ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'SPICE stage 2*') { New-Item -ItemType File $flag | Out-Null } }");
}
