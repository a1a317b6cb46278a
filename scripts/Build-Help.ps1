#Requires -Version 7.4
<#
.SYNOPSIS
    Generates the module's MAML help file from module/help/AudioCluster.help.psd1.

.DESCRIPTION
    Imports the built module (out/AudioCluster), reads the help source (a PowerShell data file
    with one entry per cmdlet) and writes module/AudioCluster/en-US/AudioCluster.PowerShell.dll-Help.xml,
    which the build copies into the module folder. Parameter metadata (type, mandatory, position,
    pipeline input, aliases, wildcards, parameter sets for the syntax section, defaults) comes
    from the cmdlets themselves through Get-Command; the text comes from the data file.

    The script fails, listing every problem at once, when an exported cmdlet has no entry, an
    entry names a cmdlet that is not exported, a cmdlet lacks a synopsis, description or example,
    a parameter (other than the common parameters) lacks a description, the data file describes a
    parameter that does not exist, or the documented outputs differ from the [OutputType] ones.

    Text fields are plain strings or arrays of strings. A blank line starts a new paragraph; the
    lines of one paragraph are joined, except lines that start with '- ' or two spaces, which
    keep their line break (lists and tables).

.PARAMETER ModulePath
    The built module manifest to import.

.PARAMETER SourcePath
    The help source data file.

.PARAMETER OutputPath
    The MAML file to write.

.PARAMETER Check
    Compares the generated help with OutputPath instead of writing it; fails when they differ.

.EXAMPLE
    dotnet build -c Release AudioCluster.PowerShell.sln
    dotnet pwsh -NoProfile -File scripts/Build-Help.ps1

    Regenerates the help file; build again to copy it into out/AudioCluster/en-US.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/AudioCluster/AudioCluster.psd1'),
    [string] $SourcePath = (Join-Path $PSScriptRoot '../module/help/AudioCluster.help.psd1'),
    [string] $OutputPath = (Join-Path $PSScriptRoot '../module/AudioCluster/en-US/AudioCluster.PowerShell.dll-Help.xml'),
    [switch] $Check
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters
$riskParameters = [System.Management.Automation.PSCmdlet]::OptionalCommonParameters   # WhatIf, Confirm
$standardText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}
$entryKeys = 'Synopsis', 'Description', 'Parameters', 'Defaults', 'Inputs', 'Outputs', 'Notes', 'Examples', 'Links'
$problems = [System.Collections.Generic.List[string]]::new()

# --- Text helpers -------------------------------------------------------------------------------

function Test-Text([object] $Value) {
    $null -ne $Value -and (@($Value) -join '').Trim().Length -gt 0
}

# Paragraphs of a text field: blank lines separate paragraphs; wrapped lines are joined, except
# lines starting with '- ' or two spaces (lists, tables), which keep their break.
function ConvertTo-Paragraph([object] $Text) {
    foreach ($block in @($Text)) {
        foreach ($paragraph in (([string]$block -replace "`r`n", "`n") -split "`n[ `t]*`n")) {
            $result = [System.Text.StringBuilder]::new()
            foreach ($line in ($paragraph -split "`n")) {
                if ($line.Trim().Length -eq 0) { continue }
                if ($result.Length -eq 0) { [void]$result.Append($line.Trim()) }
                elseif ($line -match '^(\s*- |\s{2,})') { [void]$result.Append("`n").Append($line.TrimEnd()) }
                else { [void]$result.Append(' ').Append($line.Trim()) }
            }
            if ($result.Length -gt 0) { $result.ToString() }
        }
    }
}

# Code as written: line endings normalised, common indentation and surrounding blank lines removed.
function Format-Code([string] $Code) {
    $lines = @(($Code -replace "`r`n", "`n").TrimEnd() -split "`n")
    while ($lines.Count -gt 0 -and $lines[0].Trim().Length -eq 0) { $lines = @($lines | Select-Object -Skip 1) }
    $indents = @($lines | Where-Object { $_.Trim() } | ForEach-Object { $_.Length - $_.TrimStart().Length })
    $indent = if ($indents.Count) { ($indents | Measure-Object -Minimum).Minimum } else { 0 }
    ($lines | ForEach-Object { if ($_.Length -ge $indent) { $_.Substring($indent).TrimEnd() } else { $_.Trim() } }) -join "`n"
}

# --- Metadata helpers ---------------------------------------------------------------------------

function Get-ShortTypeName([type] $Type) {
    if ($Type.IsArray) { return (Get-ShortTypeName $Type.GetElementType()) + '[]' }
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-ShortTypeName $underlying }
    $Type.Name
}

function Get-FullTypeName([type] $Type) {
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-FullTypeName $underlying }
    $Type.FullName
}

function Get-EnumValue([type] $Type) {
    $element = if ($Type.IsArray) { $Type.GetElementType() } else { $Type }
    $underlying = [Nullable]::GetUnderlyingType($element)
    if ($underlying) { $element = $underlying }
    if ($element.IsEnum) { [Enum]::GetNames($element) }
}

function Format-DefaultValue([object] $Value) {
    if ($null -eq $Value) { return 'None' }
    if ($Value -is [System.Management.Automation.SwitchParameter]) { return $Value.IsPresent.ToString() }
    if ($Value -is [bool]) { return $Value.ToString() }
    if ($Value -is [string]) { if ($Value.Length -eq 0) { return 'None' } return $Value }
    if ($Value -is [System.Collections.IDictionary]) {
        if ($Value.Count -eq 0) { return 'None' }
        return ($Value.Keys | Sort-Object | ForEach-Object { "$_=$(Format-DefaultValue $Value[$_])" }) -join ', '
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $items = @($Value)
        if ($items.Count -eq 0) { return 'None' }
        return ($items | ForEach-Object { Format-DefaultValue $_ }) -join ', '
    }
    if ($Value -is [IFormattable]) { return $Value.ToString($null, [cultureinfo]::InvariantCulture) }
    [string]$Value
}

# One documented parameter: the merged view over its parameter sets.
function Get-ParameterDoc($Command, $Parameter, [hashtable] $Entry, [object] $Instance) {
    $name = $Parameter.Name
    $sets = @($Parameter.ParameterSets.Values)
    $positions = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Sort-Object -Unique)
    $byValue = @($sets | Where-Object ValueFromPipeline).Count -gt 0
    $byName = @($sets | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
    $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' }
                elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
    $mandatory = @($sets | Where-Object IsMandatory).Count -gt 0

    $description = $null
    if ($Entry['Parameters'] -and $Entry['Parameters'].ContainsKey($name)) { $description = $Entry['Parameters'][$name] }
    elseif ($script:shared.ContainsKey($name) -and $Command.Name -in $script:sharedFor) { $description = $script:shared[$name] }
    elseif ($standardText.ContainsKey($name)) { $description = $standardText[$name] }
    if (-not (Test-Text $description)) {
        $script:problems.Add("$($Command.Name): parameter -$name has no description.")
    }

    $default = if ($Entry['Defaults'] -and $Entry['Defaults'].ContainsKey($name)) { [string]$Entry['Defaults'][$name] }
               elseif ($name -in $riskParameters) { 'False' }
               elseif ($mandatory) { 'None' }
               elseif ($Instance -and $Instance.GetType().GetProperty($name)) { Format-DefaultValue $Instance.GetType().GetProperty($name).GetValue($Instance) }
               else { 'None' }

    [pscustomobject]@{
        Name        = $name
        Type        = $Parameter.ParameterType
        Mandatory   = $mandatory
        Position    = if ($positions.Count) { [string]$positions[0] } else { 'named' }
        Pipeline    = $pipeline
        Globbing    = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
        Aliases     = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
        Default     = $default
        Paragraphs  = @(ConvertTo-Paragraph $description)
        IsSwitch    = $Parameter.SwitchParameter
    }
}

# --- XML writing ---------------------------------------------------------------------------------

function Write-Paras([string] $Prefix, [string] $Name, [object] $Paragraphs) {
    $w.WriteStartElement($Prefix, $Name, $ns[$Prefix])
    foreach ($p in @($Paragraphs)) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
    $w.WriteEndElement()
}

function Write-TypeName([string] $TypeName) {
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $TypeName)
    $w.WriteEndElement()
}

function Write-ParameterValue($Doc, [bool] $InSyntax) {
    $w.WriteStartElement('command', 'parameterValue', $ns.command)
    $w.WriteAttributeString('required', $(if ($Doc.IsSwitch) { 'false' } else { 'true' }))
    $w.WriteAttributeString('variableLength', $(if ($Doc.Type.IsArray) { 'true' } else { 'false' }))
    $w.WriteString((Get-ShortTypeName $Doc.Type))
    $w.WriteEndElement()
}

function Write-Parameter($Doc, [bool] $Required, [string] $Position, [string] $Pipeline, [bool] $InSyntax) {
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $w.WriteAttributeString('variableLength', $(if ($Doc.Type.IsArray) { 'true' } else { 'false' }))
    $w.WriteAttributeString('globbing', $Doc.Globbing.ToString().ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $Pipeline)
    $w.WriteAttributeString('position', $Position)
    $w.WriteAttributeString('aliases', $Doc.Aliases)
    $w.WriteElementString('maml', 'name', $ns.maml, $Doc.Name)
    Write-Paras 'maml' 'description' $Doc.Paragraphs
    $enum = @(Get-EnumValue $Doc.Type)
    if ($InSyntax -and $enum.Count -gt 0) {
        $w.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($value in $enum) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'false')
            $w.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $w.WriteString($value)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $Doc.IsSwitch)) {
        Write-ParameterValue $Doc $InSyntax
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, (Get-FullTypeName $Doc.Type))
    $w.WriteElementString('maml', 'uri', $ns.maml, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $ns.dev, $Doc.Default)
    $w.WriteEndElement()
}

function Write-Command($Command, [hashtable] $Entry) {
    $name = $Command.Name
    foreach ($key in $Entry.Keys) {
        if ($key -notin $entryKeys) { $script:problems.Add("${name}: unknown key '$key' (expected one of $($entryKeys -join ', ')).") }
    }
    if (-not (Test-Text $Entry['Synopsis'])) { $script:problems.Add("${name}: no Synopsis.") }
    if (-not (Test-Text $Entry['Description'])) { $script:problems.Add("${name}: no Description.") }
    $examples = @($Entry['Examples'] | Where-Object { $_ })
    if ($examples.Count -eq 0) { $script:problems.Add("${name}: no Examples.") }
    foreach ($example in $examples) {
        if ($example -isnot [hashtable] -or -not (Test-Text $example['Title']) -or -not (Test-Text $example['Code']) -or -not (Test-Text $example['Remarks'])) {
            $script:problems.Add("${name}: every example needs Title, Code and Remarks.")
        }
    }

    # Parameters the data file describes must exist.
    $documentable = @($Command.Parameters.Values | Where-Object { $_.Name -notin $commonParameters })
    $documentableNames = @($documentable | ForEach-Object Name)
    foreach ($section in 'Parameters', 'Defaults') {
        if (-not $Entry[$section]) { continue }
        foreach ($described in $Entry[$section].Keys) {
            if ($described -notin $documentableNames) {
                $script:problems.Add("${name}: $section describes -$described, which the cmdlet does not have.")
            }
        }
    }

    # Documented outputs must be the declared [OutputType]s.
    $declared = @($Command.OutputType | ForEach-Object Name)
    $documented = @($Entry['Outputs'] | Where-Object { $_ } | ForEach-Object { $_['Type'] })
    foreach ($type in $declared) { if ($type -notin $documented) { $script:problems.Add("${name}: output type $type ([OutputType]) is not documented in Outputs.") } }
    foreach ($type in $documented) { if ($type -notin $declared) { $script:problems.Add("${name}: Outputs documents $type, which is not an [OutputType] of the cmdlet.") } }
    foreach ($item in @($Entry['Inputs']) + @($Entry['Outputs'])) {
        if (-not $item -or $item -isnot [hashtable] -or -not (Test-Text $item['Type']) -or -not (Test-Text $item['Description'])) {
            $script:problems.Add("${name}: every Inputs and Outputs item needs Type and Description.")
        }
    }

    $instance = try { [Activator]::CreateInstance($Command.ImplementingType) } catch { $null }
    $docs = [ordered]@{}

    # Syntax order: the default parameter set first; within a set, positional parameters by
    # position, then mandatory ones, then the others as Get-Command lists them; WhatIf and Confirm last.
    $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault })
    $ordered = foreach ($set in $sets) {
        $inSet = @($set.Parameters | Where-Object { $_.Name -notin $commonParameters })
        $positional = @($inSet | Where-Object { $_.Position -ge 0 } | Sort-Object Position)
        $mandatory = @($inSet | Where-Object { $_.Position -lt 0 -and $_.IsMandatory })
        $optional = @($inSet | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory -and $_.Name -notin $riskParameters })
        $risk = @($inSet | Where-Object { $_.Name -in $riskParameters })
        [pscustomobject]@{ Set = $set; Parameters = @($positional) + @($mandatory) + @($optional) + @($risk) }
    }
    # PARAMETERS order: positional and mandatory ones of every set first, then as in the syntax.
    $syntaxOrder = @($ordered | ForEach-Object { $_.Parameters })
    $first = @($syntaxOrder | Where-Object { $_.Position -ge 0 -or $_.IsMandatory })
    foreach ($parameterName in @(@($first) + @($syntaxOrder) | ForEach-Object Name | Select-Object -Unique)) {
        $docs[$parameterName] = Get-ParameterDoc $Command $Command.Parameters[$parameterName] $Entry $instance
    }
    foreach ($parameter in $documentable) {
        if (-not $docs.Contains($parameter.Name)) { $docs[$parameter.Name] = Get-ParameterDoc $Command $parameter $Entry $instance }
    }

    $w.WriteStartElement('command', 'command', $ns.command)
    foreach ($prefix in 'maml', 'dev', 'MSHelp') { $w.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }

    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $name)
    $w.WriteElementString('command', 'verb', $ns.command, $Command.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $Command.Noun)
    Write-Paras 'maml' 'description' @(ConvertTo-Paragraph $Entry['Synopsis'])
    $w.WriteEndElement()

    Write-Paras 'maml' 'description' @(ConvertTo-Paragraph $Entry['Description'])

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($syntax in $ordered) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $name)
        foreach ($p in $syntax.Parameters) {
            $position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
            $pipeline = if ($p.ValueFromPipeline -and $p.ValueFromPipelineByPropertyName) { 'True (ByValue, ByPropertyName)' }
                        elseif ($p.ValueFromPipeline) { 'True (ByValue)' } elseif ($p.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' } else { 'False' }
            Write-Parameter $docs[$p.Name] $p.IsMandatory $position $pipeline $true
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($doc in $docs.Values) { Write-Parameter $doc $doc.Mandatory $doc.Position $doc.Pipeline $false }
    $w.WriteEndElement()

    foreach ($section in @(@{ Key = 'Inputs'; Outer = 'inputTypes'; Inner = 'inputType' }, @{ Key = 'Outputs'; Outer = 'returnValues'; Inner = 'returnValue' })) {
        $w.WriteStartElement('command', $section.Outer, $ns.command)
        foreach ($item in @($Entry[$section.Key] | Where-Object { $_ -is [hashtable] })) {
            $w.WriteStartElement('command', $section.Inner, $ns.command)
            Write-TypeName $item['Type']
            Write-Paras 'maml' 'description' @(ConvertTo-Paragraph $item['Description'])
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    if (Test-Text $Entry['Notes']) {
        $w.WriteStartElement('maml', 'alertSet', $ns.maml)
        Write-Paras 'maml' 'alert' @(ConvertTo-Paragraph $Entry['Notes'])
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $ns.command)
    $number = 0
    foreach ($example in $examples) {
        $number++
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- Example ${number}: $($example['Title']) --------------------------")
        $w.WriteElementString('dev', 'code', $ns.dev, (Format-Code ([string]$example['Code'])))
        # The empty paragraph puts a blank line between the remarks and the next example.
        Write-Paras 'dev' 'remarks' (@(ConvertTo-Paragraph $example['Remarks']) + '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in @($Entry['Links'] | Where-Object { $_ })) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $w.WriteElementString('maml', 'linkText', $ns.maml, $link)
        $w.WriteElementString('maml', 'uri', $ns.maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()   # command:command
}

# --- Main ----------------------------------------------------------------------------------------

$module = Import-Module (Resolve-Path $ModulePath) -Force -PassThru
$source = Import-PowerShellDataFile -Path (Resolve-Path $SourcePath)
$shared = @{}
$sharedFor = @()
if ($source.ContainsKey('SharedParameters')) {
    $shared = $source['SharedParameters']['Parameters']
    $sharedFor = @($source['SharedParameters']['AppliesTo'])
}
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
if ($commands.Count -eq 0) { throw "The module $($module.Name) exports no cmdlets." }
$commandNames = @($commands | ForEach-Object Name)

foreach ($key in $source.Keys) {
    if ($key -eq 'SharedParameters') { continue }
    if ($key -notin $commandNames) { $problems.Add("The help source has an entry for '$key', which the module does not export.") }
}
foreach ($target in $sharedFor) {
    if ($target -notin $commandNames) { $problems.Add("SharedParameters applies to '$target', which the module does not export.") }
}
foreach ($sharedName in $shared.Keys) {
    $users = @($commands | Where-Object { $_.Name -in $sharedFor -and $_.Parameters.ContainsKey($sharedName) })
    if ($users.Count -eq 0) { $problems.Add("SharedParameters describes -$sharedName, which none of $($sharedFor -join ', ') has.") }
}

$settings = [System.Xml.XmlWriterSettings]@{
    Indent          = $true
    IndentChars     = '  '
    NewLineChars    = "`n"
    Encoding        = [System.Text.UTF8Encoding]::new($false)
}
$buffer = [System.IO.MemoryStream]::new()
$w = [System.Xml.XmlWriter]::Create($buffer, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($command in $commands) {
    if (-not $source.ContainsKey($command.Name)) {
        $problems.Add("$($command.Name): no entry in the help source.")
        continue
    }
    Write-Command $command $source[$command.Name]
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Flush()
$xml = [System.Text.Encoding]::UTF8.GetString($buffer.ToArray()) + "`n"

if ($problems.Count -gt 0) {
    $message = "The help source $SourcePath is incomplete ($($problems.Count) problem(s)):`n  " + ($problems -join "`n  ")
    Write-Error -Message $message -Category InvalidData -ErrorAction Continue
    exit 1
}

# Parse it back: the file must be well-formed XML.
[void][xml]$xml

$target = [System.IO.Path]::GetFullPath($OutputPath)
if ($Check) {
    $current = if (Test-Path -LiteralPath $target) { [System.IO.File]::ReadAllText($target) } else { '' }
    if ($current -ne $xml) {
        Write-Error -Message "$target is out of date: run scripts/Build-Help.ps1 and commit the result." -ErrorAction Continue
        exit 1
    }
    Write-Host "$target is up to date ($($commands.Count) cmdlets)."
    exit 0
}

$null = New-Item -ItemType Directory -Force -Path ([System.IO.Path]::GetDirectoryName($target))
[System.IO.File]::WriteAllText($target, $xml, [System.Text.UTF8Encoding]::new($false))
Write-Host "Wrote $target ($($commands.Count) cmdlets)."
