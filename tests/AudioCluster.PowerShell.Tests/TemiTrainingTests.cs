using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>Invoke-TemiTraining on small generated vectors (libtorch lives only in the module folder, so these run here).</summary>
public sealed class TemiTrainingTests(ModuleHostFixture fixture) : DeepTrainingTestBase(fixture)
{
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
    public void SameSeedGivesTheSameClustersAndProbabilities() => SameSeedGivesTheSameResult("Invoke-TemiTraining");

    [Fact]
    public void SavedModelAssignsTheSameClustersThroughInvokeAudioClustering() =>
        SavedModelAssignsTheSameClusters("Invoke-TemiTraining -ClusterCount 3 -Heads 2 -Steps 50 -Seed 1 -Standardize", "Invoke-TemiTraining 3 -Heads 1 -Steps 5");

    [Theory]
    [InlineData("-Steps 10 -Epochs 2", "not both")]
    [InlineData("-ClusterCount 1", "ClusterCount")]
    [InlineData("-Heads 0", "Heads")]
    [InlineData("-BatchSize 0", "BatchSize")]
    [InlineData("-LearningRate 0", "LearningRate")]
    public void BadParametersFailBeforeAnyInputIsRead(string parameters, string expected)
    {
        var (error, emitted) = RunWithBadParameters("Invoke-TemiTraining", parameters);
        Assert.Contains(expected, error);
        Assert.Equal(0, emitted);
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
        var verbose = VerboseText(r);
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
    public void CtrlCStopsTrainingAndKeepsTheModelSoFar() => StopsAndKeepsTheModel(@"
        $points | Invoke-TemiTraining 3 -Heads 1 -Steps 10000000 -ModelPath $model -Verbose 4>&1 |
            ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'TEMI:*') { New-Item -ItemType File $flag | Out-Null } }");
}
