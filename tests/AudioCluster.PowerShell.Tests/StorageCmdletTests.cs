using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>Export-/Import-AudioEmbedding, the embedding cache of Get-AudioEmbedding, and Export-AudioCluster with its undo.</summary>
public sealed class StorageCmdletTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    readonly ModuleHost host;
    readonly TempDir temp = new();

    public StorageCmdletTests(ModuleHostFixture fixture) => host = fixture.Host;

    public void Dispose() => temp.Dispose();

    ScriptResult Run(string script) => host.Run(script, new Dictionary<string, object?> { ["dir"] = temp.Path });

    ScriptResult Ok(string script)
    {
        var r = Run(script);
        Assert.Null(r.Terminating);
        Assert.True(r.Errors.Count == 0, string.Join("\n", r.Errors));
        return r;
    }

    /// <summary>Synthetic clips in $dir/demo, and $clusters: their assignments (Label, Cluster, Encoder, Vector).</summary>
    const string Clustered = @"
        $ProgressPreference = 'SilentlyContinue'
        $null = New-SyntheticAudioSet -Path (Join-Path $dir demo) -ClassCount 3 -PerClass 3 -Seed 4
        $clusters = Get-ChildItem (Join-Path $dir demo) -Filter *.wav | Get-AudioEmbedding -LabelPattern '^(?<label>[a-z]+)_' |
            Invoke-AudioClustering -ClusterCount 3 -Seed 0 |
            Add-Member -NotePropertyName Encoder -NotePropertyValue 'MelStats/v1 (test)' -PassThru
    ";

    static string Bits(object vector) => string.Join(",", ((float[])(vector is PSObject p ? p.BaseObject : vector)).Select(BitConverter.SingleToInt32Bits));

    [Theory]
    [InlineData("e.parquet")]
    [InlineData("e.csv")]
    [InlineData("e.npy")]
    public void ExportThenImportGivesTheSameRowsBitForBit(string name)
    {
        var r = Ok(Clustered + $@"
            $file = $clusters | Export-AudioEmbedding (Join-Path $dir '{name}')
            $back = Import-AudioEmbedding -LiteralPath $file.FullName
            $file.Name
            $clusters.Count
            foreach ($i in 0..($clusters.Count - 1)) {{ $clusters[$i]; $back[$i] }}");
        Assert.Equal(name, r.Output[0].ToString());
        int n = (int)r.Output[1].BaseObject;
        Assert.Equal(9, n);
        for (int i = 0; i < n; i++)
        {
            PSObject original = r.Output[2 + 2 * i], back = r.Output[3 + 2 * i];
            Assert.Equal("AudioCluster.Encoders.AudioEmbedding", back.BaseObject.GetType().FullName);
            foreach (var property in new[] { "Source", "Label", "Cluster" })
                Assert.Equal(original.Properties[property].Value?.ToString(), back.Properties[property].Value?.ToString());
            Assert.StartsWith("MelStats", (string)back.Properties["Encoder"].Value);
            Assert.Equal(Bits(original.Properties["Vector"].Value), Bits(back.Properties["Vector"].Value));
        }
    }

    [Fact]
    public void ExportRefusesToOverwriteWithoutForceHonoursWhatIfAndAppends()
    {
        var r = Run(Clustered + @"
            $path = Join-Path $dir 'e.parquet'
            $clusters | Export-AudioEmbedding $path -WhatIf
            Test-Path $path
            $null = $clusters | Export-AudioEmbedding $path
            $clusters | Export-AudioEmbedding $path
            $null = $clusters | Export-AudioEmbedding $path -Force
            $null = $clusters | Select-Object -First 2 | Export-AudioEmbedding $path -Append
            @(Import-AudioEmbedding $path).Count
            @(Get-ChildItem $dir -Filter '*.tmp' -Force).Count");
        Assert.Null(r.Terminating);
        Assert.Equal(["False", "11", "0"], r.Output.Select(o => o.ToString()));
        var error = Assert.Single(r.Errors);
        Assert.Contains("-Force", error.Exception.Message);
    }

    [Fact]
    public void ImportReportsABadFileAndGoesOn()
    {
        File.WriteAllText(temp.File("bad.parquet"), "not a parquet file");
        var r = Run(Clustered + @"
            $null = $clusters | Export-AudioEmbedding (Join-Path $dir 'good.csv')
            @(Import-AudioEmbedding (Join-Path $dir 'bad.parquet'), (Join-Path $dir 'good.csv')).Count");
        Assert.Equal(9, (int)r.Output.Single().BaseObject);
        var error = Assert.Single(r.Errors);
        Assert.Contains("bad.parquet", error.Exception.Message);
    }

    /// <summary>Another Parquet reader (pyarrow, or DuckDB through Node.js) reads the file as written.</summary>
    [SkippableFact]
    public void ParquetIsReadByAnotherImplementation()
    {
        var reader = ExternalParquetReader();
        Skip.If(reader == null, "neither python3 with pyarrow nor Node.js with @duckdb/node-api (AUDIOCLUSTER_NODE_MODULES) is installed");
        var r = Ok(Clustered + @"
            $null = $clusters | Export-AudioEmbedding (Join-Path $dir 'e.parquet')
            $null = $clusters | Select-Object -First 1 | Export-AudioEmbedding (Join-Path $dir 'e.parquet') -Append
            $clusters | ForEach-Object { '{0}|{1}|{2}|{3}|{4}' -f $_.Source, $_.Label, $_.Cluster, $_.Encoder, (($_.Vector | ForEach-Object { [BitConverter]::SingleToInt32Bits($_) }) -join ',') }");
        var expected = r.Output.Select(o => o.ToString()).ToList();
        expected.Add(expected[0]);
        var lines = reader!(temp.File("e.parquet"));
        Assert.Equal(expected, lines);
    }

    /// <summary>A function that reads a Parquet file with another tool and gives one line per row, or null.</summary>
    static Func<string, List<string>>? ExternalParquetReader()
    {
        const string python = """
            import struct, sys, pyarrow.parquet as pq
            t = pq.read_table(sys.argv[1])
            assert str(t.schema.field('vector').type).startswith('list<element: float')
            for r in t.to_pylist():
                bits = ','.join(str(struct.unpack('<i', struct.pack('<f', x))[0]) for x in r['vector'])
                print('|'.join([r['source'], r['label'] or '', str(r['cluster']), r['encoder'], bits]))
            """;
        if (Tool("python3", ["-c", "import pyarrow"]).Code == 0)
            return path => Lines(Tool("python3", ["-c", python, path]));
        var modules = Environment.GetEnvironmentVariable("AUDIOCLUSTER_NODE_MODULES");
        if (string.IsNullOrEmpty(modules) || !Directory.Exists(Path.Combine(modules, "@duckdb", "node-api"))) return null;
        const string node = """
            const { DuckDBInstance } = require('@duckdb/node-api');
            (async () => {
              const c = await (await DuckDBInstance.create(':memory:')).connect();
              const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${process.argv[1]}')`);
              const types = d.getRowObjectsJson().map(x => x.column_name + ':' + x.column_type).join(' ');
              if (types !== 'source:VARCHAR label:VARCHAR cluster:INTEGER encoder:VARCHAR vector:FLOAT[]') throw new Error(types);
              const r = await c.runAndReadAll(`SELECT source, label, cluster, encoder, list_transform(vector, x -> x::DOUBLE)::VARCHAR AS v FROM read_parquet('${process.argv[1]}')`);
              for (const x of r.getRowObjectsJson())
                console.log([x.source, x.label ?? '', x.cluster, x.encoder, x.v].join('|'));
            })().catch(e => { console.error(e); process.exit(1); });
            """;
        return path =>
        {
            // DuckDB prints the vector as doubles: turn them into float bits here.
            return Lines(Tool("node", ["-e", node, path], modules)).Select(line =>
            {
                var parts = line.Split('|');
                var numbers = parts[4].Trim('[', ']').Split(',', StringSplitOptions.TrimEntries)
                    .Select(x => BitConverter.SingleToInt32Bits((float)double.Parse(x, CultureInfo.InvariantCulture)));
                parts[4] = string.Join(",", numbers);
                return string.Join("|", parts);
            }).ToList();
        };
    }

    static List<string> Lines((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 0, run.Err);
        return run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }

    static (int Code, string Out, string Err) Tool(string file, string[] arguments, string? nodePath = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (nodePath != null) start.Environment["NODE_PATH"] = nodePath;
        try
        {
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000)) { p.Kill(true); return (-1, "", "timed out"); }
            return (p.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "", file + " is not installed");
        }
    }

    const string CacheRun = @"
        function Embed([string] $cache) {
            $messages = [System.Collections.Generic.List[string]]::new()
            $out = Get-ChildItem (Join-Path $dir demo) -Filter *.wav | Get-AudioEmbedding -CachePath $cache -Verbose 4>&1 |
                ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $messages.Add($_.Message) } else { $_ } }
            [pscustomobject]@{ Embeddings = $out; Report = ($messages | Where-Object { $_ -match 'found' }) }
        }
    ";

    [Fact]
    public void TheCacheAnswersASecondRunAndRecomputesAChangedFile()
    {
        var r = Ok(Clustered + CacheRun + @"
            $db = Join-Path $dir 'emb.db'
            $first = Embed $db
            $second = Embed $db
            $first.Report; $second.Report
            @(Compare-Object ($first.Embeddings | ForEach-Object { $_.Vector -join ',' }) ($second.Embeddings | ForEach-Object { $_.Vector -join ',' }) -SyncWindow 0).Count
            ($second.Embeddings | ForEach-Object Source) -join '|'
            ($first.Embeddings | ForEach-Object Source) -join '|'
            # A different file under the same name (from another seed) is computed again.
            $null = New-SyntheticAudioSet -Path (Join-Path $dir other) -ClassCount 1 -PerClass 1 -Seed 99
            Copy-Item (Get-ChildItem (Join-Path $dir other) -Filter *.wav).FullName (Join-Path $dir demo/chirp_000.wav) -Force
            (Embed $db).Report
            # Clips given as objects are looked up by their samples.
            $clips = Get-ChildItem (Join-Path $dir demo) -Filter *.wav | Import-Audio -SampleRate 16000
            $null = $clips | Get-AudioEmbedding -CachePath $db
            $clips | Get-AudioEmbedding -CachePath $db -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'found' } | ForEach-Object Message");
        var lines = r.Output.Select(o => o.ToString()).ToList();
        Assert.Contains("0 found, 9 computed", lines[0]);
        Assert.Contains("9 found, 0 computed", lines[1]);
        Assert.Equal("0", lines[2]);                  // the same vectors
        Assert.Equal(lines[4], lines[3]);            // the same sources, in order
        Assert.Contains("8 found, 1 computed", lines[5]);
        Assert.Contains("9 found, 0 computed", lines[6]);
    }

    [Fact]
    public void ByolaWithDatasetStatisticsGetsTheSameResultsFromTheCache()
    {
        var r = Ok(Clustered + CacheRun + @"
            function Byola([int] $seed, [string] $cache) {
                $options = @{ Encoder = 'ByolA'; Seed = $seed }
                if ($cache) { $options.CachePath = $cache }
                $messages = [System.Collections.Generic.List[string]]::new()
                $out = Get-ChildItem (Join-Path $dir demo) -Filter *.wav | Get-AudioEmbedding @options -Verbose 4>&1 |
                    ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $messages.Add($_.Message) } else { $_ } }
                [pscustomobject]@{
                    Text   = ($out | ForEach-Object { $_.Encoder + '|' + $_.Source + '|' + ($_.Vector -join ',') }) -join ';'
                    Report = [string]($messages | Where-Object { $_ -match 'found' })
                }
            }
            $db = Join-Path $dir 'byola.db'
            $plain = Byola 1 $null
            $first = Byola 1 $db
            $second = Byola 1 $db
            $otherWeights = Byola 2 $db
            $plain.Text -eq $first.Text; $plain.Text -eq $second.Text; $first.Report; $second.Report
            (Byola 2 $null).Text -eq $otherWeights.Text; $otherWeights.Report");
        Assert.Equal(["True", "True"], r.Output.Take(2).Select(o => o.ToString()));
        Assert.Contains("0 found, 9 computed", r.Output[2].ToString());
        Assert.Contains("9 found, 0 computed", r.Output[3].ToString());
        // Other weights: the statistics still come from the cache, the vectors are computed (decoding again).
        Assert.Equal("True", r.Output[4].ToString());
        Assert.Contains("0 found, 9 computed", r.Output[5].ToString());
    }

    [Fact]
    public void ACorruptCacheStopsWithAnErrorNamingIt()
    {
        File.WriteAllText(temp.File("emb.db"), new string('x', 8192));
        var r = Run(Clustered + @"Get-ChildItem (Join-Path $dir demo) -Filter *.wav | Get-AudioEmbedding -CachePath (Join-Path $dir 'emb.db')");
        Assert.Empty(r.Output);
        Assert.Contains(temp.File("emb.db"), r.StoppingError);
        Assert.Contains("corrupt", r.StoppingError);
    }

    [Fact]
    public void MovingIntoClusterFoldersIsUndoneFromTheManifest()
    {
        var r = Ok(Clustered + @"
            $before = (Get-ChildItem (Join-Path $dir demo) -Filter *.wav | ForEach-Object { $_.Name + '=' + $_.Length }) -join '|'
            $moved = $clusters | Export-AudioCluster -Destination (Join-Path $dir sorted) -Mode Move -NameBy Label
            $moved.Count
            @(Get-ChildItem (Join-Path $dir demo) -Filter *.wav).Count
            (Get-ChildItem (Join-Path $dir sorted) -Directory | Sort-Object Name | ForEach-Object Name) -join ','
            $manifest = Get-ChildItem (Join-Path $dir sorted) -Filter 'audiocluster-export-*.csv'
            @(Import-Csv $manifest.FullName | Where-Object Status -eq 'Moved').Count
            $undone = $manifest | Undo-AudioClusterExport
            ($undone | ForEach-Object Status | Sort-Object -Unique) -join ','
            $after = (Get-ChildItem (Join-Path $dir demo) -Filter *.wav | ForEach-Object { $_.Name + '=' + $_.Length }) -join '|'
            $before -eq $after
            @(Get-ChildItem (Join-Path $dir sorted) -Directory).Count
            (Undo-AudioClusterExport $manifest.FullName | ForEach-Object Status | Sort-Object -Unique) -join ','");
        Assert.Equal(["9", "0", "chirp,noise,tone", "9", "Restored", "True", "0", "Skipped"], r.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void CopiesNeverOverwriteAndWhatIfTouchesNothing()
    {
        var r = Run(Clustered + @"
            $dest = Join-Path $dir out
            $clusters | Export-AudioCluster $dest -WhatIf
            Test-Path $dest
            $null = $clusters | Export-AudioCluster $dest
            $null = $clusters | Export-AudioCluster $dest -NameBy Tag
            @(Get-ChildItem $dest -Recurse -Filter *.wav).Count
            @(Get-ChildItem $dest -Recurse -Filter '*_1.wav').Count
            @(Get-ChildItem (Join-Path $dir demo) -Filter *.wav).Count
            @(Get-ChildItem $dest -Filter 'audiocluster-export-*.csv').Count");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.Equal(["False", "18", "9", "9", "2"], r.Output.Select(o => o.ToString()));
        Assert.Contains(r.Warnings, w => w.Message.Contains("TopTag"));
    }
}
