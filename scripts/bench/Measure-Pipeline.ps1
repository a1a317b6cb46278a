<#
.SYNOPSIS
    Times each stage of the main pipeline and the module import, and prints a table.
.DESCRIPTION
    Runs on ../shared/datasets/fsdd/recordings when present (3,000 spoken digits, 8 kHz),
    otherwise on a generated synthetic set. Build first: dotnet build -c Release.
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-Pipeline.ps1
#>
param(
    [string] $Path = (Join-Path $PSScriptRoot '../../../shared/datasets/fsdd/recordings'),
    [string] $LabelPattern = '^(?<label>\d)_',
    [int] $ClusterCount = 10
)
$ErrorActionPreference = 'Stop'
$manifest = Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1'

# Import time in a fresh process, so nothing is cached in this one.
$importMs = dotnet pwsh -NoProfile -NonInteractive -Command "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; `$sw.ElapsedMilliseconds"
Import-Module $manifest

if (-not (Test-Path $Path)) {
    $Path = Join-Path ([IO.Path]::GetTempPath()) 'audiocluster-bench'
    $LabelPattern = '^(?<label>[a-z]+)_'
    $ClusterCount = 10
    $null = New-SyntheticAudioSet -Path $Path -ClassCount 10 -PerClass 100 -Seed 1
}

function Measure-Stage([string] $Name, [scriptblock] $Block) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $result = & $Block
    $sw.Stop()
    [pscustomobject]@{ Stage = $Name; Seconds = [math]::Round($sw.Elapsed.TotalSeconds, 3); Result = $result }
}

$files = Get-ChildItem $Path -File
$rows = @()
$rows += [pscustomobject]@{ Stage = 'Import-Module (fresh pwsh)'; Seconds = [math]::Round($importMs / 1000, 3); Result = $null }
$decode = Measure-Stage 'Import-Audio -SampleRate 16000' { $files | Import-Audio -SampleRate 16000 -LabelPattern $LabelPattern }
$clips = $decode.Result
$rows += $decode
$rows += Measure-Stage 'Get-Spectrogram (log-mel)' { $clips | Get-Spectrogram | Measure-Object | ForEach-Object Count }
$embed = Measure-Stage 'Get-AudioEmbedding (MelStats)' { $clips | Get-AudioEmbedding }
$rows += $embed
$cluster = Measure-Stage "Invoke-AudioClustering (k=$ClusterCount, 10 restarts)" { $embed.Result | Invoke-AudioClustering -ClusterCount $ClusterCount -Seed 0 }
$rows += $cluster
$quality = Measure-Stage 'Measure-ClusterQuality' { $cluster.Result | Measure-ClusterQuality }
$rows += $quality

$audioSeconds = ($clips | Measure-Object -Property { $_.Duration.TotalSeconds } -Sum).Sum
"{0} files, {1:0.0} minutes of audio, from {2}" -f $files.Count, ($audioSeconds / 60), (Resolve-Path $Path)
$rows | ForEach-Object {
    $perFile = if ($_.Stage -match '^(Import-Audio|Get-)') { '{0:0.000}' -f (1000 * $_.Seconds / $files.Count) } else { '' }
    [pscustomobject]@{ Stage = $_.Stage; Seconds = $_.Seconds; 'ms/file' = $perFile }
} | Format-Table -AutoSize
$quality.Result | Format-Table NMI, ARI, AMI, Accuracy, N, Clusters, Classes
