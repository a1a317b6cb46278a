using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// One generated set for the whole class: 4 synthetic classes x 10 clips (seed 0), embedded once
/// into the global $emb of the host's runspace, as a user would hold them in a session.
/// </summary>
public sealed class ClusteringFixture : IDisposable
{
    public ModuleHost Host { get; } = new();
    public TempDir Temp { get; } = new();
    public const int Count = 40;

    public ClusteringFixture()
    {
        var r = Host.Run(@"
            $global:ProgressPreference = 'SilentlyContinue'
            New-SyntheticAudioSet -Path (Join-Path $dir 'set') -ClassCount 4 -PerClass 10 | Out-Null
            $global:emb = @(Get-AudioEmbedding -Path (Join-Path $dir 'set') -LabelPattern '^(?<label>[a-z]+)_')
            $global:emb.Count", new Dictionary<string, object?> { ["dir"] = Temp.Path });
        if (r.Terminating != null || r.Errors.Count > 0 || (int)r.Output.Single().BaseObject != Count)
            throw new InvalidOperationException("Could not make the synthetic embeddings: " + (r.StoppingError ?? "wrong count"));
    }

    public void Dispose()
    {
        Host.Dispose();
        Temp.Dispose();
    }
}

/// <summary>Invoke-AudioClustering, Compress-AudioEmbedding and Measure-ClusterQuality as users type them.</summary>
public sealed class ClusteringCmdletTests : IClassFixture<ClusteringFixture>
{
    readonly ModuleHost host;
    readonly TempDir temp;

    public ClusteringCmdletTests(ClusteringFixture fixture)
    {
        host = fixture.Host;
        temp = fixture.Temp;
    }

    static T Get<T>(PSObject o, string name) => LanguagePrimitives.ConvertTo<T>(o.Properties[name]?.Value);

    ScriptResult Run(string script, params (string Name, object? Value)[] variables) =>
        host.Run(script, variables.ToDictionary(v => v.Name, v => v.Value));

    static void Succeeded(ScriptResult r)
    {
        Assert.Null(r.Terminating);
        Assert.True(r.Errors.Count == 0, string.Join("\n", r.Errors.Select(e => e.ToString())));
    }

    /// <summary>A path in the scratch folder that no other test uses.</summary>
    string NewFile(string name) => temp.File($"{name}-{Guid.NewGuid():N}.json");

    // ---- Every method ---------------------------------------------------------------------------

    // NMI on this set (seed 0, -L2Normalize) when these were written: 1.00 for all but
    // MiniBatchKMeans 0.91, Dbscan 0.90 (4 noise points) and Hdbscan 0.89 (6 noise points).
    [Theory]
    [InlineData("-Method KMeans -ClusterCount 4", "KMeans(", 0.9)]
    [InlineData("-Method MiniBatchKMeans -ClusterCount 4", "MiniBatchKMeans(", 0.8)]
    [InlineData("-Method Agglomerative -ClusterCount 4", "Agglomerative(Ward, Euclidean", 0.9)]
    [InlineData("-Method Agglomerative -Linkage Average -Metric Cosine -ClusterCount 4", "Agglomerative(Average, Cosine", 0.9)]
    [InlineData("-Method Agglomerative -DistanceThreshold 1.0", "Agglomerative(Ward, Euclidean, threshold=1)", 0.9)]
    [InlineData("-Method Dbscan -MinSamples 4", "DBSCAN(", 0.8)]
    [InlineData("-Method Hdbscan", "HDBSCAN(min_cluster_size=5", 0.8)]
    [InlineData("-Method MeanShift -Quantile 0.2", "MeanShift(", 0.9)]
    [InlineData("-Method GaussianMixture -ClusterCount 4 -CovarianceType Diagonal", "GaussianMixture(k=4, Diagonal", 0.9)]
    [InlineData("-Method GaussianMixture -ClusterCount 4", "GaussianMixture(k=4, Full", 0.9)]
    [InlineData("-Method Spectral -ClusterCount 4", "Spectral(k=4", 0.9)]
    public void EveryMethodFindsTheSyntheticClasses(string parameters, string description, double minNmi)
    {
        var r = Run($@"
            $a = $emb | Invoke-AudioClustering {parameters} -L2Normalize -Seed 0
            $a
            $a | Measure-ClusterQuality");
        Succeeded(r);
        var assignments = r.Output.Take(r.Output.Count - 1).ToList();
        var quality = r.Output.Last();
        Assert.Equal(ClusteringFixture.Count, assignments.Count);
        Assert.All(assignments, a => Assert.StartsWith(description, Get<string>(a, "Method")));
        Assert.All(assignments, a => Assert.Equal(208, ((float[])a.Properties["Vector"].Value).Length));
        double nmi = Get<double>(quality, "NMI");
        Assert.True(nmi >= minNmi, $"{parameters}: NMI {nmi:F3} < {minNmi}");
        Assert.InRange(Get<int>(quality, "Clusters"), 3, 6);
    }

    [Theory]
    [InlineData("Dbscan", "-MinSamples 4")]
    [InlineData("Hdbscan", "")]
    public void DensityMethodsMarkNoiseAndExcludeLeavesItOut(string method, string parameters)
    {
        var r = Run($@"
            $a = $emb | Invoke-AudioClustering -Method {method} {parameters} -L2Normalize
            [pscustomobject]@{{
                Clusters  = [int[]]@($a.Cluster)
                Distances = [double[]]@($a.Distance)
                Confident = @($a | Where-Object {{ $null -ne $_.Confidence }}).Count
                Own       = $a | Measure-ClusterQuality
                Excluded  = $a | Measure-ClusterQuality -NoiseHandling Exclude
            }}");
        Succeeded(r);
        var o = r.Output.Single();
        var clusters = Get<int[]>(o, "Clusters");
        var distances = Get<double[]>(o, "Distances");
        int noise = clusters.Count(c => c == -1);
        Assert.InRange(noise, 1, ClusteringFixture.Count / 4);
        Assert.All(clusters, c => Assert.True(c >= -1));
        for (int i = 0; i < clusters.Length; i++)
            Assert.Equal(clusters[i] == -1, double.IsNaN(distances[i]));

        var own = (PSObject)o.Properties["Own"].Value;
        var excluded = (PSObject)o.Properties["Excluded"].Value;
        Assert.Equal(ClusteringFixture.Count, Get<int>(own, "N"));
        Assert.Equal(noise, Get<int>(own, "NoisePoints"));
        Assert.Equal(ClusteringFixture.Count - noise, Get<int>(excluded, "N"));
        Assert.Equal(0, Get<int>(excluded, "NoisePoints"));
        Assert.Equal(clusters.Where(c => c >= 0).Distinct().Count(), Get<int>(own, "Clusters"));
        // The internal indices leave noise out either way.
        Assert.Equal(Get<double>(own, "Silhouette"), Get<double>(excluded, "Silhouette"));
        if (method == "Hdbscan") Assert.Equal(ClusteringFixture.Count, Get<int>(o, "Confident"));
    }

    // ---- Choosing the count ---------------------------------------------------------------------

    [Theory]
    [InlineData("KMeans", "Silhouette")]
    [InlineData("Agglomerative", "Silhouette")]
    [InlineData("GaussianMixture", "Bic")]
    [InlineData("Spectral", "Eigengap")]
    public void AutoClusterCountStaysInRangeAndWritesTheCurve(string method, string criterion)
    {
        var r = Run($@"
            $all = $emb | Invoke-AudioClustering -Method {method} -ClusterCount Auto -ClusterCountRange 2, 6 -CovarianceType Diagonal -L2Normalize -InformationVariable curve -Verbose 4>&1
            $verbose = @($all | Where-Object {{ $_ -is [System.Management.Automation.VerboseRecord] }})
            $a = @($all | Where-Object {{ $_ -isnot [System.Management.Automation.VerboseRecord] }})
            [pscustomobject]@{{
                Outputs  = $a.Count
                Clusters = @($a.Cluster | Sort-Object -Unique).Count
                Tags     = [string[]]@($curve | ForEach-Object {{ $_.Tags }} | Sort-Object -Unique)
                Counts   = [int[]]@($curve.MessageData.ClusterCount)
                Chosen   = [int[]]@($curve.MessageData | Where-Object Chosen | ForEach-Object ClusterCount)
                Criteria = [string[]]@($curve.MessageData.Criterion | Sort-Object -Unique)
                Scores   = [double[]]@($curve.MessageData.Score)
                Verbose  = ($verbose.Message -join ""`n"")
            }}");
        Succeeded(r);
        var o = r.Output.Single();
        Assert.Equal(ClusteringFixture.Count, Get<int>(o, "Outputs"));
        int k = Get<int>(o, "Clusters");
        Assert.InRange(k, 2, 6);
        Assert.Equal(new[] { "ClusterCountCurve" }, Get<string[]>(o, "Tags"));
        Assert.Equal(new[] { 2, 3, 4, 5, 6 }, Get<int[]>(o, "Counts"));
        Assert.Equal(new[] { k }, Get<int[]>(o, "Chosen"));
        Assert.Equal(new[] { criterion }, Get<string[]>(o, "Criteria"));
        Assert.All(Get<double[]>(o, "Scores"), s => Assert.True(double.IsFinite(s)));
        Assert.Contains($"Chose k={k} by {criterion}", Get<string>(o, "Verbose"));
        // The eigengap of this set is unambiguous (0.71 at k = 4, below 0.12 elsewhere).
        if (method == "Spectral") Assert.Equal(4, k);
    }

    // ---- Saved models ---------------------------------------------------------------------------

    [Theory]
    [InlineData("KMeans", "AudioCluster.ClusterModel")]
    [InlineData("MiniBatchKMeans", "AudioCluster.ClusterModel")]
    [InlineData("GaussianMixture", "AudioCluster.GaussianMixtureModel")]
    public void SavedModelAssignsTheSameVectorsToTheSameClusters(string method, string format)
    {
        var path = NewFile("clusters");
        var r = Run(@"
            $fit = $emb | Invoke-AudioClustering -Method $method -ClusterCount 4 -Standardize -L2Normalize -SaveModel $path
            $applied = $emb | Invoke-AudioClustering -ModelPath $path
            $pairs = for ($i = 0; $i -lt $fit.Count; $i++) { [pscustomobject]@{ Label = $fit[$i].Cluster; Cluster = $applied[$i].Cluster } }
            [pscustomobject]@{
                Fitted  = [int[]]@($fit.Cluster)
                Applied = [int[]]@($applied.Cluster)
                Sources = (@($fit.Source) -join '|') -eq (@($applied.Source) -join '|')
                Method  = $applied[0].Method
                Confidence = [double]((@(for ($i = 0; $i -lt $fit.Count; $i++) { [math]::Abs([double]$fit[$i].Confidence - [double]$applied[$i].Confidence) }) | Measure-Object -Maximum).Maximum)
                ARI     = ($pairs | Measure-ClusterQuality).ARI
                Format  = (Get-Content -Raw -LiteralPath $path | ConvertFrom-Json).format
            }", ("method", method), ("path", path));
        Succeeded(r);
        var o = r.Output.Single();
        Assert.Equal(Get<int[]>(o, "Fitted"), Get<int[]>(o, "Applied"));
        Assert.Equal(1.0, Get<double>(o, "ARI"), 12);
        Assert.True(Get<bool>(o, "Sources"));
        Assert.EndsWith("(saved)", Get<string>(o, "Method"));
        Assert.StartsWith(method + "(k=4", Get<string>(o, "Method"));
        Assert.Equal(format, Get<string>(o, "Format"));
        // A mixture assigns by posterior probability, and gives it back as the confidence.
        Assert.True(Get<double>(o, "Confidence") < 1e-9, $"confidence differs by {Get<double>(o, "Confidence")}");
    }

    [Fact]
    public void ModelPathRefusesVectorsOfAnotherLengthAndItsOwnPreprocessing()
    {
        var path = NewFile("clusters");
        var fit = Run("$emb | Invoke-AudioClustering -ClusterCount 4 -SaveModel $path | Out-Null", ("path", path));
        Succeeded(fit);

        var mismatch = Run("$emb | Compress-AudioEmbedding -Dimensions 5 | Invoke-AudioClustering -ModelPath $path", ("path", path));
        Assert.Empty(mismatch.Output);
        Assert.Contains("fitted on 208-dimensional vectors; these have 5", mismatch.StoppingError);
        Assert.StartsWith("ModelMismatch", mismatch.Errors.Single().FullyQualifiedErrorId);

        var preprocessing = Run("$emb | Invoke-AudioClustering -ModelPath $path -L2Normalize", ("path", path));
        Assert.Empty(preprocessing.Output);
        Assert.Contains("applies its own preprocessing", preprocessing.StoppingError);

        var notAModel = NewFile("other");
        File.WriteAllText(notAModel, "{\"format\": \"something else\"}");
        var bad = Run("$emb | Invoke-AudioClustering -ModelPath $path", ("path", notAModel));
        Assert.Empty(bad.Output);
        Assert.Contains("as a cluster model", bad.StoppingError);
    }

    [Fact]
    public void SettingsTheMethodDoesNotReadAreNamedInAWarning()
    {
        var r = Run("$emb | Invoke-AudioClustering -ClusterCount 4 -Linkage Average -Eps 0.5 -Seed 3 | Measure-Object | ForEach-Object Count");
        Succeeded(r);
        Assert.Equal(ClusteringFixture.Count, (int)r.Output.Single().BaseObject);
        var warnings = r.Warnings.Select(w => w.Message).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.Contains("-Linkage is not used by -Method KMeans; it applies to Agglomerative.", warnings);
        Assert.Contains("-Eps is not used by -Method KMeans; it applies to Dbscan.", warnings);

        var agglomerative = Run("$emb | Invoke-AudioClustering -Method Agglomerative -ClusterCount 4 -Seed 3 | Out-Null");
        Assert.Contains("-Seed is not used by -Method Agglomerative", agglomerative.Warnings.Single().Message);
    }

    [Fact]
    public void SaveModelRefusesAnExistingFileWithoutForceAndDensityMethods()
    {
        var path = NewFile("existing");
        File.WriteAllText(path, "keep me");
        var refused = Run("$emb | Invoke-AudioClustering -ClusterCount 4 -SaveModel $path", ("path", path));
        Assert.Empty(refused.Output);
        Assert.Contains("exists; add -Force", refused.StoppingError);
        Assert.Equal("keep me", File.ReadAllText(path));

        var forced = Run("$emb | Invoke-AudioClustering -ClusterCount 4 -SaveModel $path -Force | Measure-Object | ForEach-Object Count", ("path", path));
        Succeeded(forced);
        Assert.Equal(ClusteringFixture.Count, (int)forced.Output.Single().BaseObject);
        Assert.Contains("AudioCluster.ClusterModel", File.ReadAllText(path));

        foreach (var method in new[] { "Dbscan", "Hdbscan" })
        {
            var target = NewFile("density");
            var r = Run($"$emb | Invoke-AudioClustering -Method {method} -SaveModel $path", ("path", target));
            Assert.Empty(r.Output);
            Assert.Contains("cannot be saved", r.StoppingError);
            Assert.False(File.Exists(target), method);
        }

        var whatIf = NewFile("whatif");
        var dry = Run("$emb | Invoke-AudioClustering -ClusterCount 4 -SaveModel $path -WhatIf | Measure-Object | ForEach-Object Count", ("path", whatIf));
        Succeeded(dry);
        Assert.Equal(ClusteringFixture.Count, (int)dry.Output.Single().BaseObject);
        Assert.False(File.Exists(whatIf));
    }

    // ---- Parameters that do not fit -------------------------------------------------------------

    [Theory]
    [InlineData("-Method Agglomerative -Linkage Ward -Metric Cosine -ClusterCount 4", "Ward linkage works on Euclidean distances only", "Metric")]
    [InlineData("-Method Dbscan -ClusterCount 4", "finds the number of clusters itself", "ClusterCount")]
    [InlineData("-Method MeanShift -ClusterCount Auto", "-ClusterCount Auto applies to", "ClusterCount")]
    [InlineData("-Method KMeans", "needs -ClusterCount", "ClusterCount")]
    [InlineData("-Method Agglomerative -ClusterCount 4 -DistanceThreshold 2", "either -ClusterCount or -DistanceThreshold", "DistanceThreshold")]
    [InlineData("-ClusterCount Auto -ClusterCountRange 5, 3", "must be two counts", "ClusterCountRange")]
    public void BadParameterCombinationsFailBeforeAnyInputIsRead(string parameters, string message, string parameter)
    {
        var r = Run($@"
            $global:read = 0
            & {{ foreach ($e in $emb) {{ $global:read++; $e }} }} | Invoke-AudioClustering {parameters}
            $global:read");
        Assert.Contains(message, r.StoppingError);
        Assert.StartsWith($"InvalidParameter.{parameter},", r.Errors.Single().FullyQualifiedErrorId);
        Assert.Equal(0, (int)r.Output.Single().BaseObject);
    }

    [Fact]
    public void ClusterCountAboveTheInputCountFailsWithoutOutput()
    {
        var r = Run("$emb | Invoke-AudioClustering -ClusterCount 41");
        Assert.Empty(r.Output);
        Assert.Contains("-ClusterCount 41 is more than the 40 inputs", r.StoppingError);
    }

    // ---- Compress-AudioEmbedding ----------------------------------------------------------------

    [Fact]
    public void PcaReducesToTheAskedDimensionsAndRecordsTheStep()
    {
        var r = Run("$emb | Compress-AudioEmbedding -Dimensions 16");
        Succeeded(r);
        Assert.Equal(ClusteringFixture.Count, r.Output.Count);
        var original = Run("$emb | ForEach-Object { $_.Source + '|' + $_.Label + '|' + $_.Encoder }");
        for (int i = 0; i < r.Output.Count; i++)
        {
            var o = r.Output[i];
            var parts = ((string)original.Output[i].BaseObject).Split('|');
            Assert.Equal(parts[0], Get<string>(o, "Source"));
            Assert.Equal(parts[1], Get<string>(o, "Label"));
            Assert.Equal(parts[2] + " | PCA(16)", Get<string>(o, "Encoder"));
            Assert.Equal(16, Get<int>(o, "Dimensions"));
            Assert.Equal(16, ((float[])o.Properties["Vector"].Value).Length);
            Assert.StartsWith("MelStats", Get<string>(o, "Encoder"));
        }
    }

    [Fact]
    public void PcaVarianceKeepsMoreComponentsForALargerShare()
    {
        var r = Run(@"
            foreach ($share in 0.5, 0.9, 0.99) {
                $out = @($emb | Compress-AudioEmbedding -Variance $share -Standardize)
                [pscustomobject]@{ Dimensions = $out[0].Dimensions; Encoder = $out[0].Encoder; Same = @($out.Dimensions | Sort-Object -Unique).Count }
            }");
        Succeeded(r);
        var dims = r.Output.Select(o => Get<int>(o, "Dimensions")).ToArray();
        Assert.All(r.Output, o => Assert.Equal(1, Get<int>(o, "Same")));
        Assert.All(r.Output, o => Assert.EndsWith($" | PCA({Get<int>(o, "Dimensions")})", Get<string>(o, "Encoder")));
        Assert.InRange(dims[0], 1, dims[1]);
        Assert.InRange(dims[1], dims[0], dims[2]);
        Assert.True(dims[2] > dims[0], string.Join(", ", dims));
        Assert.InRange(dims[2], 2, ClusteringFixture.Count);
    }

    [Fact]
    public void TsneGivesMapsThatKeepTheClasses()
    {
        var r = Run(@"
            $map = @($emb | Compress-AudioEmbedding -Method Tsne -Perplexity 10)
            $exact = @($emb | Compress-AudioEmbedding -Method Tsne -TsneMethod Exact -Dimensions 3 -Perplexity 10 -MaxIterations 300)
            [pscustomobject]@{
                Dimensions = $map[0].Dimensions
                Encoder    = $map[0].Encoder
                Exact      = $exact[0].Dimensions
                Count      = $map.Count
                NMI        = ($map | Invoke-AudioClustering -ClusterCount 4 | Measure-ClusterQuality).NMI
            }");
        Succeeded(r);
        var o = r.Output.Single();
        Assert.Equal(2, Get<int>(o, "Dimensions"));
        Assert.Equal(3, Get<int>(o, "Exact"));
        Assert.Equal(ClusteringFixture.Count, Get<int>(o, "Count"));
        Assert.EndsWith(" | t-SNE(2, perplexity=10)", Get<string>(o, "Encoder"));
        // 1.00 when written.
        Assert.True(Get<double>(o, "NMI") > 0.9, $"NMI {Get<double>(o, "NMI")}");
    }

    [Fact]
    public void UmapGivesAMapThatKeepsTheClasses()
    {
        var r = Run(@"
            $map = @($emb | Compress-AudioEmbedding -Method Umap -Neighbors 10 -Metric Cosine)
            [pscustomobject]@{
                Dimensions = $map[0].Dimensions
                Encoder    = $map[0].Encoder
                Count      = $map.Count
                NMI        = ($map | Invoke-AudioClustering -ClusterCount 4 | Measure-ClusterQuality).NMI
            }");
        Succeeded(r);
        var o = r.Output.Single();
        Assert.Equal(2, Get<int>(o, "Dimensions"));
        Assert.Equal(ClusteringFixture.Count, Get<int>(o, "Count"));
        Assert.Contains(" | UMAP(2, neighbors=10", Get<string>(o, "Encoder"));
        // 1.00 when written.
        Assert.True(Get<double>(o, "NMI") > 0.9, $"NMI {Get<double>(o, "NMI")}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("-Whiten")]
    public void PcaSavedAndAppliedGivesIdenticalVectors(string whiten)
    {
        var path = NewFile("pca");
        var r = Run($@"
            $fit = @($emb | Compress-AudioEmbedding -Dimensions 8 {whiten} -L2Normalize -SaveModel $path)
            $applied = @($emb | Compress-AudioEmbedding -ModelPath $path -L2Normalize)
            [pscustomobject]@{{
                Fitted  = [string[]]@($fit | ForEach-Object {{ $_.Vector -join ' ' }})
                Applied = [string[]]@($applied | ForEach-Object {{ $_.Vector -join ' ' }})
                Encoder = $applied[0].Encoder
            }}", ("path", path));
        Succeeded(r);
        var o = r.Output.Single();
        var fitted = Get<string[]>(o, "Fitted");
        Assert.Equal(ClusteringFixture.Count, fitted.Length);
        Assert.Equal(fitted, Get<string[]>(o, "Applied"));
        Assert.EndsWith(whiten == "" ? " | PCA(8, saved)" : " | PCA(8, whiten, saved)", Get<string>(o, "Encoder"));
    }

    [Fact]
    public void CompressRefusesWhatItCannotDoClearly()
    {
        var perplexity = Run("$emb | Compress-AudioEmbedding -Method Tsne -Perplexity 40");
        Assert.Empty(perplexity.Output);
        Assert.Contains("Perplexity 40 must be greater than 0 and less than the 40 points", perplexity.StoppingError);
        Assert.StartsWith("InvalidReduction", perplexity.Errors.Single().FullyQualifiedErrorId);

        var cases = new (string Parameters, string Message)[]
        {
            ("-Method Tsne -Variance 0.9", "apply to -Method Pca only"),
            ("-Dimensions 4 -Variance 0.9", "either -Dimensions or -Variance"),
            ("-Standardize -SaveModel $path", "does not keep the scaling -Standardize learns"),
            ("-Standardize -ModelPath $path", "does not keep the scaling -Standardize learns"),
        };
        var path = NewFile("pca");
        foreach (var (parameters, message) in cases)
        {
            var r = Run($@"
                $global:read = 0
                & {{ foreach ($e in $emb) {{ $global:read++; $e }} }} | Compress-AudioEmbedding {parameters}
                $global:read", ("path", path));
            Assert.Contains(message, r.StoppingError);
            Assert.Equal(0, (int)r.Output.Single().BaseObject);
        }
        Assert.False(File.Exists(path));

        var model = NewFile("pca");
        Succeeded(Run("$emb | Compress-AudioEmbedding -Dimensions 4 -SaveModel $path | Out-Null", ("path", model)));
        var mismatch = Run("$emb | Compress-AudioEmbedding -Dimensions 5 | Compress-AudioEmbedding -ModelPath $path", ("path", model));
        Assert.Empty(mismatch.Output);
        Assert.Contains("projects 208-dimensional vectors; the input has 5 dimensions", mismatch.StoppingError);
    }

    // ---- Objects from other tools ---------------------------------------------------------------

    [Fact]
    public void CsvRowsKeepTheirOtherPropertiesThroughReductionAndClustering()
    {
        var csv = temp.File($"rows-{Guid.NewGuid():N}.csv");
        var r = Run(@"
            $emb | ForEach-Object -Begin { $i = 0 } -Process {
                [pscustomobject]@{ Path = $_.Source; Label = $_.Label; Speaker = 'spk' + ($i % 3); Row = $i++; Vector = $_.Vector -join ' ' }
            } | Export-Csv -LiteralPath $csv -NoTypeInformation
            $rows = Import-Csv -LiteralPath $csv | ForEach-Object { $_.Vector = [double[]]($_.Vector -split ' '); $_ }
            $direct = @($rows | Invoke-AudioClustering -ClusterCount 4 -L2Normalize)
            $reduced = @($rows | Compress-AudioEmbedding -Dimensions 8)
            $chained = @($reduced | Invoke-AudioClustering -ClusterCount 4 -L2Normalize)
            foreach ($set in @{ Name = 'direct'; Items = $direct }, @{ Name = 'reduced'; Items = $reduced }, @{ Name = 'chained'; Items = $chained }) {
                [pscustomobject]@{
                    Name     = $set.Name
                    Type     = $set.Items[0].PSObject.TypeNames[0]
                    Sources  = [string[]]@($set.Items.Source)
                    Speakers = [string[]]@($set.Items.Speaker)
                    Rows     = [string[]]@($set.Items.Row)
                    NMI      = if ($set.Name -ne 'reduced') { ($set.Items | Measure-ClusterQuality).NMI } else { [double]::NaN }
                }
            }
            [pscustomobject]@{ Name = 'expected'; Sources = [string[]]@($emb.Source) }", ("csv", csv));
        Succeeded(r);
        var expected = Get<string[]>(r.Output.Last(), "Sources");
        var speakers = Enumerable.Range(0, ClusteringFixture.Count).Select(i => "spk" + (i % 3)).ToArray();
        var rows = Enumerable.Range(0, ClusteringFixture.Count).Select(i => i.ToString()).ToArray();
        foreach (var set in r.Output.Take(3))
        {
            var name = Get<string>(set, "Name");
            // Path stands in for Source; Label, Speaker and Row come along.
            Assert.Equal(expected, Get<string[]>(set, "Sources"));
            Assert.Equal(speakers, Get<string[]>(set, "Speakers"));
            Assert.Equal(rows, Get<string[]>(set, "Rows"));
            if (name != "reduced") Assert.True(Get<double>(set, "NMI") > 0.9, $"{name}: NMI {Get<double>(set, "NMI")}");
            Assert.Equal(name == "reduced" ? "AudioCluster.Encoders.AudioEmbedding" : "AudioCluster.Clustering.ClusterAssignment", Get<string>(set, "Type"));
        }
    }

    // ---- Measure-ClusterQuality -----------------------------------------------------------------

    [Fact]
    public void MeasureWithoutLabelsGivesTheInternalIndicesAndNaNLabelMetrics()
    {
        var r = Run(@"
            $a = $emb | Invoke-AudioClustering -ClusterCount 4 -L2Normalize
            $a | Select-Object Cluster, Vector | Measure-ClusterQuality
            $a | Measure-ClusterQuality
            $a | Select-Object Cluster, @{ Name = 'Embedding'; Expression = { [double[]]$_.Vector } } |
                Measure-ClusterQuality -VectorProperty Embedding");
        Succeeded(r);
        Assert.Empty(r.Warnings);
        var (unlabelled, labelled, renamed) = (r.Output[0], r.Output[1], r.Output[2]);
        foreach (var metric in new[] { "NMI", "ARI", "AMI", "Accuracy", "Purity", "VMeasure" })
            Assert.True(double.IsNaN(Get<double>(unlabelled, metric)), metric);
        Assert.Equal(ClusteringFixture.Count, Get<int>(unlabelled, "N"));
        Assert.Equal(4, Get<int>(unlabelled, "Clusters"));
        Assert.Equal(0, Get<int>(unlabelled, "Classes"));
        double silhouette = Get<double>(unlabelled, "Silhouette");
        Assert.InRange(silhouette, 0.05, 1.0);
        Assert.True(Get<double>(unlabelled, "CalinskiHarabasz") > 1);
        Assert.InRange(Get<double>(unlabelled, "DaviesBouldin"), 0.01, 5);
        foreach (var other in new[] { labelled, renamed })
            foreach (var index in new[] { "Silhouette", "CalinskiHarabasz", "DaviesBouldin" })
                Assert.Equal(Get<double>(unlabelled, index), Get<double>(other, index), 9);
        Assert.Equal(1.0, Get<double>(labelled, "NMI"), 9);
    }
}
