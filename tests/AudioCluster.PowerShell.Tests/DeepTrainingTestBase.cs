using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// What the deep clustering cmdlet tests share: the hosted module, a temporary folder, three labelled
/// groups of generated vectors ($points) and helpers to read the assignments.
/// </summary>
public abstract class DeepTrainingTestBase : IClassFixture<ModuleHostFixture>, IDisposable
{
    protected readonly ModuleHost host;
    protected readonly TempDir temp = new();

    protected DeepTrainingTestBase(ModuleHostFixture fixture) => host = fixture.Host;

    public void Dispose() => temp.Dispose();

    // Three labelled groups of 8-dimensional points around distant centres, 40 each.
    protected const string Groups = @"
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

    /// <summary>Runs <paramref name="script"/> after <see cref="Groups"/> and asserts it raised no error.</summary>
    protected ScriptResult Run(string script, params (string, object?)[] vars)
    {
        var r = host.Run(Groups + script, vars.ToDictionary(p => p.Item1, p => p.Item2));
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r;
    }

    protected static int[] Clusters(ScriptResult r) => r.Output.Select(o => (int)o.Properties["Cluster"].Value).ToArray();
    protected static double[] Confidences(ScriptResult r) => r.Output.Select(o => (double)o.Properties["Confidence"].Value).ToArray();

    protected static string VerboseText(ScriptResult r) =>
        string.Join("\n", r.Output.Where(o => o.BaseObject is VerboseRecord).Select(o => o.ToString()));

    /// <summary>
    /// A failing parameter stops the pipeline before the upstream command emits anything: returns the
    /// error and how many inputs were emitted.
    /// </summary>
    protected (string? Error, int Emitted) RunWithBadParameters(string cmdlet, string parameters)
    {
        var r = host.Run("$script:emitted = 0; & { 1..3 | ForEach-Object { $script:emitted++; [pscustomobject]@{ Vector = [float[]]($_, 1) } } } | " +
                         $"{cmdlet} {(parameters.Contains("ClusterCount") ? "" : "-ClusterCount 2 ")}{parameters}; $script:emitted");
        return (r.StoppingError, (int)r.Output.Last().BaseObject);
    }

    /// <summary>The same seed gives the same clusters and probabilities; another seed other probabilities.</summary>
    protected void SameSeedGivesTheSameResult(string cmdlet, string parameters = "")
    {
        var r = Run($@"
            $a = $points | {cmdlet} -ClusterCount 3 -Heads 2 -Steps 30 -Seed 5 {parameters}
            $b = $points | {cmdlet} -ClusterCount 3 -Heads 2 -Steps 30 -Seed 5 {parameters}
            $c = $points | {cmdlet} -ClusterCount 3 -Heads 2 -Steps 30 -Seed 6 {parameters}
            [pscustomobject]@{{
                Same = ($a.Cluster -join ',') -eq ($b.Cluster -join ',') -and ($a.Confidence -join ',') -eq ($b.Confidence -join ',')
                Other = ($a.Confidence -join ',') -ne ($c.Confidence -join ',')
            }}");
        Assert.True((bool)r.Output.Single().Properties["Same"].Value);
        Assert.True((bool)r.Output.Single().Properties["Other"].Value);
    }

    /// <summary>
    /// Trains with <paramref name="train"/> -ModelPath, applies the file with Invoke-AudioClustering to the
    /// same vectors (same clusters and probabilities), refuses vectors of another width, and needs -Force
    /// to overwrite the file (<paramref name="quickTrain"/> is a short training for that).
    /// </summary>
    protected void SavedModelAssignsTheSameClusters(string train, string quickTrain)
    {
        var model = Path.Combine(temp.Path, "model.json");
        var trained = Run($"$points | {train} -ModelPath $model", ("model", model));
        Assert.True(File.Exists(model));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
        var applied = Run("$points | Invoke-AudioClustering -ModelPath $model", ("model", model));
        Assert.Equal(Clusters(trained), Clusters(applied));
        Assert.Equal(Confidences(trained), Confidences(applied));
        Assert.EndsWith("(saved)", (string)applied.Output[0].Properties["Method"].Value);

        // New vectors of another width are refused; an existing file needs -Force.
        var wrong = host.Run("[pscustomobject]@{ Vector = [float[]](1, 2) } | Invoke-AudioClustering -ModelPath $model", new Dictionary<string, object?> { ["model"] = model });
        Assert.Contains("8-dimensional", wrong.StoppingError);
        var exists = host.Run(Groups + $"$points | {quickTrain} -ModelPath $model", new Dictionary<string, object?> { ["model"] = model });
        Assert.Contains("-Force", exists.StoppingError);
        Run($"$points | {quickTrain} -ModelPath $model -Force | Out-Null", ("model", model));
    }

    /// <summary>
    /// Starts <paramref name="script"/> (which must create $flag once training has begun), stops it a
    /// second later as Ctrl+C does, and checks that the model so far was saved whole and still assigns.
    /// </summary>
    protected void StopsAndKeepsTheModel(string script)
    {
        var model = Path.Combine(temp.Path, "stopped.json");
        var flag = Path.Combine(temp.Path, "started");
        DateTime? started = null;
        var stopped = host.RunAndStop(Groups + script,
            () => File.Exists(flag) && DateTime.UtcNow - (started ??= DateTime.UtcNow) > TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(120), new Dictionary<string, object?> { ["model"] = model, ["flag"] = flag });
        Assert.True(stopped.Terminating is PipelineStoppedException, $"expected a stop, got {stopped.Terminating?.GetType().Name}: {stopped.Terminating?.Message}");
        Assert.True(File.Exists(model), "the model trained so far is kept");
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
        var applied = Run("$points | Invoke-AudioClustering -ModelPath $model", ("model", model));
        Assert.Equal(120, applied.Output.Count);
    }
}
