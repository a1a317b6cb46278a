<#
.SYNOPSIS
    AudioCluster in one screen: make a labelled set of sounds, embed, cluster, measure.
.EXAMPLE
    dotnet pwsh -File examples/quickstart.ps1 -ClassCount 6 -PerClass 40
#>
param(
    [string] $Path = (Join-Path ([IO.Path]::GetTempPath()) 'audiocluster-quickstart'),
    [int] $ClassCount = 6,
    [int] $PerClass = 30,
    [int] $Seed = 7
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/AudioCluster/AudioCluster.psd1')

Write-Host "Writing $($ClassCount * $PerClass) synthetic clips to $Path" -ForegroundColor Cyan
$null = New-SyntheticAudioSet -Path $Path -ClassCount $ClassCount -PerClass $PerClass -Seed $Seed

$clock = [Diagnostics.Stopwatch]::StartNew()
$embeddings = Get-ChildItem $Path -Filter *.wav |
    Import-Audio -SampleRate 16000 -LabelPattern '^(?<label>[a-z]+)_' |
    Get-AudioEmbedding
$clusters = $embeddings | Invoke-AudioClustering -ClusterCount $ClassCount -L2Normalize -Seed $Seed
Write-Host ("Embedded and clustered {0} clips in {1:0.0} s" -f $embeddings.Count, $clock.Elapsed.TotalSeconds) -ForegroundColor Cyan

Write-Host "`nClusters against the true sound classes:" -ForegroundColor Cyan
$clusters | Measure-ClusterQuality -ConfusionMatrix | Select-Object -Skip 1 | Format-Table -AutoSize | Out-Host

Write-Host "Quality:" -ForegroundColor Cyan
$clusters | Measure-ClusterQuality
