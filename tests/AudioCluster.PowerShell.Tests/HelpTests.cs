using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Xml.Linq;
using AudioCluster.Tests;

namespace AudioCluster.PowerShell.Tests;

/// <summary>
/// The help a user gets: every exported cmdlet (as Get-Command lists them) has real help text,
/// parameter descriptions and examples that parse, its output types have views, and the MAML
/// file in the module folder matches the cmdlets.
/// </summary>
public sealed class HelpTests : IClassFixture<ModuleHostFixture>
{
    readonly ModuleHost host;

    public HelpTests(ModuleHostFixture fixture) => host = fixture.Host;

    static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    internal static string ModuleFolder => Path.GetDirectoryName(ModuleHost.ModuleManifest)!;
    static string MamlInModule => Path.Combine(ModuleFolder, "en-US", "AudioCluster.PowerShell.dll-Help.xml");
    static string MamlInSource => Path.Combine(ModuleHost.RepoRoot, "module", "AudioCluster", "en-US", "AudioCluster.PowerShell.dll-Help.xml");

    static bool IsCommon(string parameter) => System.Management.Automation.Cmdlet.CommonParameters.Contains(parameter);

    /// <summary>The module's cmdlets, as Get-Command reports them.</summary>
    internal static IReadOnlyList<string> ExportedCmdlets(ModuleHost host)
    {
        var r = host.Run("Get-Command -Module AudioCluster -CommandType Cmdlet | Sort-Object Name | ForEach-Object Name");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var names = r.Output.Select(o => (string)o.BaseObject).ToList();
        Assert.NotEmpty(names);
        return names;
    }

    static IEnumerable<object?> Items(object? value)
    {
        if (value is PSObject ps) value = ps.BaseObject;
        if (value is null) yield break;
        if (value is IEnumerable items and not string and not IDictionary)
        {
            foreach (var item in items) yield return item is PSObject p ? p.BaseObject : item;
        }
        else yield return value;
    }

    static T Property<T>(PSObject o, string name) => (T)(o.Properties[name].Value is PSObject p ? p.BaseObject : o.Properties[name].Value);

    /// <summary>What Get-Help shows for one cmdlet, flattened to text.</summary>
    PSObject HelpOf(string cmdlet)
    {
        var r = host.Run(@"
            $help = Get-Help -Name $name -Full
            $parameters = @{}
            foreach ($p in @($help.parameters.parameter | Where-Object { $_ -and $_.name })) {
                $parameters[[string]$p.name] = (@($p.description) | ForEach-Object { $_.Text }) -join ""`n""
            }
            [pscustomobject]@{
                Synopsis    = [string]$help.Synopsis
                Description = (@($help.description) | Where-Object { $_ } | ForEach-Object { $_.Text }) -join ""`n""
                Parameters  = $parameters
                Examples    = [string[]]@($help.examples.example | Where-Object { $_ } | ForEach-Object { [string]$_.code })
                Declared    = [string[]]@((Get-Command -Name $name).Parameters.Keys)
            }", new Dictionary<string, object?> { ["name"] = cmdlet });
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        return r.Output.Single();
    }

    [Fact]
    public void EveryCmdletHasARealSynopsisDescriptionAndParameterDescriptions()
    {
        var problems = new List<string>();
        foreach (var cmdlet in ExportedCmdlets(host))
        {
            var help = HelpOf(cmdlet);
            var synopsis = Property<string>(help, "Synopsis").Trim();
            // Without a help file, Get-Help makes the synopsis from the syntax: "Name [-Param] <type> ...".
            if (synopsis.Length < 20 || synopsis.StartsWith(cmdlet, StringComparison.OrdinalIgnoreCase) || synopsis.Contains("<CommonParameters>"))
                problems.Add($"{cmdlet}: no real synopsis ('{synopsis}')");
            if (Property<string>(help, "Description").Trim().Length < 100)
                problems.Add($"{cmdlet}: no description");

            var described = Property<Hashtable>(help, "Parameters");
            foreach (var parameter in Property<string[]>(help, "Declared").Where(p => !IsCommon(p)))
            {
                if (!described.ContainsKey(parameter) || string.IsNullOrWhiteSpace(described[parameter] as string))
                    problems.Add($"{cmdlet}: -{parameter} has no description");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryCmdletHasExamplesThatParseAndUseOnlyKnownCommands()
    {
        var problems = new List<string>();
        var used = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var cmdlet in ExportedCmdlets(host))
        {
            var examples = Property<string[]>(HelpOf(cmdlet), "Examples");
            if (examples.Length == 0) problems.Add($"{cmdlet}: no examples");
            for (int i = 0; i < examples.Length; i++)
            {
                var ast = Parser.ParseInput(examples[i], out _, out var errors);
                foreach (var e in errors) problems.Add($"{cmdlet} example {i + 1}: {e.Message} at line {e.Extent.StartLineNumber}");
                if (string.IsNullOrWhiteSpace(examples[i])) problems.Add($"{cmdlet} example {i + 1}: no code");
                foreach (CommandAst command in ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true))
                {
                    var name = command.GetCommandName();
                    if (name == null) problems.Add($"{cmdlet} example {i + 1}: a command whose name is computed ({command.Extent.Text})");
                    else used.Add(name);
                }
            }
        }
        // Every command must be a cmdlet or function (this module's or PowerShell's), or an alias of one;
        // never an external program.
        var unknown = host.Run(@"
            foreach ($n in $names) {
                $c = Get-Command -Name $n -ErrorAction Ignore | Select-Object -First 1
                if ($c -and $c.CommandType -eq 'Alias') { $c = $c.ResolvedCommand }
                if (-not $c -or $c.CommandType -notin 'Cmdlet', 'Function') { $n }
            }", new Dictionary<string, object?> { ["names"] = used.ToArray() });
        Assert.Null(unknown.Terminating);
        problems.AddRange(unknown.Output.Select(o => $"examples use '{o}', which is not a PowerShell or AudioCluster command"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("New-SyntheticAudioSet", used);
    }

    [Fact]
    public void EveryCmdletDeclaresOutputTypesThatHaveADefaultView()
    {
        var r = host.Run(@"
            Get-Command -Module AudioCluster -CommandType Cmdlet | ForEach-Object {
                $cmd = $_
                [pscustomobject]@{ Name = $cmd.Name; Types = [string[]]@($cmd.OutputType | ForEach-Object Name) }
                foreach ($type in $cmd.OutputType) {
                    if (-not $type.Type) { Write-Error ""$($cmd.Name): [OutputType] $($type.Name) does not resolve to a type"" }
                }
            }");
        Assert.Empty(r.Errors.Select(e => e.ToString()));
        var problems = new List<string>();
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var cmdlet in r.Output)
        {
            var declared = Property<string[]>(cmdlet, "Types");
            if (declared.Length == 0) problems.Add($"{cmdlet.Properties["Name"].Value}: no [OutputType]");
            types.UnionWith(declared);
        }
        Assert.NotEmpty(types);
        foreach (var type in types.Where(t => t is not ("System.IO.FileInfo" or "System.Management.Automation.PSObject")))
        {
            var views = host.Run("@(Get-FormatData -TypeName $type | ForEach-Object FormatViewDefinition).Count",
                new Dictionary<string, object?> { ["type"] = type });
            Assert.Null(views.Terminating);
            if ((int)views.Output.Single().BaseObject == 0) problems.Add($"{type}: no view in the module's format data");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void AboutTopicIsFoundAndWalksThroughTheCmdlets()
    {
        var r = host.Run("Get-Help about_AudioCluster | Out-String");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var text = string.Concat(r.Output.Select(o => o.ToString()));
        Assert.Contains("about_AudioCluster", text);
        Assert.Contains("SHORT DESCRIPTION", text);
        Assert.Contains("LONG DESCRIPTION", text);
        foreach (var cmdlet in ExportedCmdlets(host)) Assert.Contains(cmdlet, text);
        Assert.Contains("AUDIOCLUSTER_FFMPEG", text);
    }

    [Fact]
    public void ModuleFolderKeepsTheEnUsSubfolder()
    {
        Assert.True(File.Exists(MamlInModule), $"{MamlInModule} is missing: the build must copy module/AudioCluster/en-US as a folder");
        Assert.True(File.Exists(Path.Combine(ModuleFolder, "en-US", "about_AudioCluster.help.txt")));
        Assert.False(File.Exists(Path.Combine(ModuleFolder, "about_AudioCluster.help.txt")), "help files must not be flattened into the module root");
        Assert.Equal(File.ReadAllBytes(MamlInSource), File.ReadAllBytes(MamlInModule));
    }

    [Fact]
    public void MamlDescribesEveryParameterOfEveryCmdlet()
    {
        var maml = XDocument.Load(MamlInModule);
        var commands = maml.Root!.Elements(Command + "command")
            .ToDictionary(c => (string)c.Element(Command + "details")!.Element(Command + "name")!, StringComparer.OrdinalIgnoreCase);
        var r = host.Run(@"
            $common = [System.Management.Automation.Cmdlet]::CommonParameters
            Get-Command -Module AudioCluster -CommandType Cmdlet | ForEach-Object {
                $cmd = $_
                [pscustomobject]@{
                    Name       = $cmd.Name
                    Sets       = [string[]]@($cmd.ParameterSets | ForEach-Object {
                                     (@($_.Parameters | ForEach-Object Name | Where-Object { $_ -notin $common }) | Sort-Object) -join ',' })
                    Parameters = [string[]]@($cmd.Parameters.Values | ForEach-Object { $_.Name + '|' + $_.ParameterType.FullName })
                }
            }");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        Assert.NotEmpty(r.Output);

        var problems = new List<string>();
        foreach (var cmdlet in r.Output)
        {
            var name = Property<string>(cmdlet, "Name");
            if (!commands.TryGetValue(name, out var command))
            {
                problems.Add($"{name}: not in the MAML file");
                continue;
            }
            var inMaml = command.Element(Command + "parameters")!.Elements(Command + "parameter")
                .ToDictionary(p => (string)p.Element(Maml + "name")!, p => p, StringComparer.OrdinalIgnoreCase);
            var declared = Property<string[]>(cmdlet, "Parameters").Select(p => p.Split('|')).Where(p => !IsCommon(p[0])).ToList();
            foreach (var parameter in declared)
            {
                if (!inMaml.TryGetValue(parameter[0], out var element))
                {
                    problems.Add($"{name}: -{parameter[0]} is not in the MAML file");
                    continue;
                }
                var type = (string?)element.Element(Dev + "type")?.Element(Maml + "name");
                if (type != parameter[1]) problems.Add($"{name}: -{parameter[0]} is {parameter[1]}, the MAML file says {type}");
                var text = string.Join(" ", element.Element(Maml + "description")?.Elements(Maml + "para").Select(p => p.Value) ?? []);
                if (string.IsNullOrWhiteSpace(text)) problems.Add($"{name}: -{parameter[0]} has no description in the MAML file");
            }
            foreach (var stale in inMaml.Keys.Where(k => !declared.Any(d => string.Equals(d[0], k, StringComparison.OrdinalIgnoreCase))))
                problems.Add($"{name}: the MAML file describes -{stale}, which the cmdlet does not have");
            // One syntax item per parameter set, with the set's parameters.
            var syntax = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem")
                .Select(i => string.Join(",", i.Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")!).Order(StringComparer.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal).ToList();
            var sets = Property<string[]>(cmdlet, "Sets").Order(StringComparer.Ordinal).ToList();
            if (!syntax.SequenceEqual(sets, StringComparer.OrdinalIgnoreCase))
                problems.Add($"{name}: the parameter sets are [{string.Join("] [", sets)}], the MAML syntax says [{string.Join("] [", syntax)}]");
        }
        foreach (var extra in commands.Keys.Where(k => !r.Output.Any(o => string.Equals(Property<string>(o, "Name"), k, StringComparison.OrdinalIgnoreCase))))
            problems.Add($"the MAML file describes {extra}, which the module does not export");
        Assert.True(problems.Count == 0, "Run scripts/Build-Help.ps1 and rebuild.\n" + string.Join("\n", problems));
    }

    [SkippableFact]
    public void CommittedMamlIsWhatTheHelpSourceGenerates()
    {
        var r = Pwsh.RunFile(Path.Combine("scripts", "Build-Help.ps1"), new[] { "-Check" }, TimeSpan.FromMinutes(3));
        Assert.True(r.Exit == 0, "scripts/Build-Help.ps1 -Check failed:\n" + r);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HelpExampleCollection
{
    /// <summary>The examples change process-wide state (AUDIOCLUSTER_FFMPEG), so they run alone.</summary>
    public const string Name = "Help examples";
}

/// <summary>Every example in the help runs as printed, in a scratch folder, without errors.</summary>
[Collection(HelpExampleCollection.Name)]
public sealed class HelpExampleTests : IClassFixture<ModuleHostFixture>
{
    readonly ModuleHost host;

    public HelpExampleTests(ModuleHostFixture fixture) => host = fixture.Host;

    [Fact]
    public void EveryExampleRunsWithoutErrors()
    {
        var problems = new List<string>();
        var ffmpeg = Environment.GetEnvironmentVariable("AUDIOCLUSTER_FFMPEG");
        try
        {
            foreach (var cmdlet in HelpTests.ExportedCmdlets(host))
            {
                // The examples of one cmdlet build on each other (./demo, $clusters), in a folder of their own.
                using var temp = new TempDir();
                var vars = new Dictionary<string, object?> { ["name"] = cmdlet, ["dir"] = temp.Path };
                var codes = host.Run("[string[]]@((Get-Help -Name $name).examples.example | ForEach-Object { [string]$_.code })", vars);
                var examples = codes.Output.Select(o => (string)o.BaseObject).ToList();
                try
                {
                    host.Run("Set-Location -LiteralPath $dir; $global:ProgressPreference = 'SilentlyContinue'", vars);
                    for (int i = 0; i < examples.Count; i++)
                    {
                        // Dot-sourced, so that variables stay for the next example; formatted, as at a prompt.
                        var r = host.Run(". {\n" + examples[i] + "\n} | Out-String", vars);
                        if (r.Terminating != null) problems.Add($"{cmdlet} example {i + 1}: {r.Terminating.Message}");
                        problems.AddRange(r.Errors.Select(e => $"{cmdlet} example {i + 1}: {e}"));
                    }
                }
                finally
                {
                    host.Run("Set-Location -LiteralPath ([IO.Path]::GetTempPath())");
                }
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("AUDIOCLUSTER_FFMPEG", ffmpeg);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
