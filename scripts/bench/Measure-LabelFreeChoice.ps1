<#
.SYNOPSIS
    Would a label-free rule have chosen well? Reads the runs Measure-DeepClustering.ps1 -AssignmentsPath saved
    and compares, per file, each method's NMI, the best classic method's, and the run that agreement picks.
.DESCRIPTION
    Agreement (Strehl and Ghosh's average NMI, "cluster ensembles", JMLR 2002): every run is scored by its
    mean NMI with the runs of all the other methods in the file, and the run with the highest score is the
    pick. No label is used to pick; labels only score the pick. Several files (say, one run of the benchmark
    with the default SPICE and one with -SpiceParameters @{ Initialization = 'KMeans' } on the same folder)
    can be given; files of the same folder and encoder are pooled, so the pick can fall on any of their runs.
.EXAMPLE
    dotnet pwsh -NoProfile -Command "& ./scripts/bench/Measure-LabelFreeChoice.ps1 -Path (Get-Item runs/*.json).FullName"
#>
param([Parameter(Mandatory)] [string[]] $Path)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1')

function Get-Nmi([int[]] $A, [int[]] $B) { [AudioCluster.Metrics.ClusterMetrics]::Evaluate($A, $B).NMI }

$files = foreach ($p in $Path) { Get-Content -LiteralPath $p -Raw | ConvertFrom-Json }
foreach ($set in $files | Group-Object { "$($_.Path) | $($_.Encoder) | k=$($_.ClusterCount) | $(($_.Labels -join "`n").GetHashCode())" }) {
    $first = $set.Group[0]
    foreach ($other in $set.Group) {
        if (($other.Sources -join "`n") -ne ($first.Sources -join "`n")) { throw "Runs of '$($first.Path)' disagree on the files; run the benchmark with the same folder and encoder." }
    }
    $names = @($first.Labels | Sort-Object -Unique)
    $truth = [int[]]@($first.Labels | ForEach-Object { [array]::IndexOf([string[]]$names, $_) })
    # A method's name carries its SPICE settings when files differ in them, so pooled runs stay apart.
    $runs = @(foreach ($file in $set.Group) {
        $settings = @($file.Spice.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ' '
        foreach ($r in $file.Runs) {
            $method = if ($settings -and $r.Method -like 'SPICE*') { "$($r.Method) ($settings)" } else { $r.Method }
            [pscustomobject]@{ Method = $method; Seed = $r.Seed; Clusters = [int[]]$r.Clusters; NMI = Get-Nmi $truth ([int[]]$r.Clusters) }
        }
    })
    $runs = @($runs | Group-Object Method, Seed | ForEach-Object { $_.Group[0] })   # classic runs repeat across files
    foreach ($r in $runs) {
        $others = @($runs | Where-Object Method -ne $r.Method)
        $r | Add-Member Agreement (($others | ForEach-Object { Get-Nmi $r.Clusters $_.Clusters }) | Measure-Object -Average).Average
    }
    $methods = $runs | Group-Object Method | ForEach-Object {
        [pscustomobject]@{ Method = $_.Name; NMI = ($_.Group.NMI | Measure-Object -Average).Average; Agreement = ($_.Group.Agreement | Measure-Object -Average).Average }
    }
    $classic = $methods | Where-Object Method -notmatch '^(SPICE|TEMI)' | Sort-Object NMI -Descending | Select-Object -First 1
    $pick = $runs | Sort-Object Agreement -Descending | Select-Object -First 1
    "$($first.Path), $($first.Encoder), k = $($first.ClusterCount), $($truth.Count) files"
    $methods | Sort-Object Method | Format-Table Method, @{ n = 'NMI (mean)'; e = { $_.NMI.ToString('F3') } }, @{ n = 'Agreement'; e = { $_.Agreement.ToString('F3') } } -AutoSize |
        Out-String -Width 200 | ForEach-Object TrimEnd
    "  best classic: $($classic.Method), NMI $($classic.NMI.ToString('F3'))"
    "  agreement picks: $($pick.Method), seed $($pick.Seed): NMI $($pick.NMI.ToString('F3')) ($(($pick.NMI - $classic.NMI).ToString('+0.000;-0.000')) against the best classic)"
    ''
}
