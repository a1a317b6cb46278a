<#
.SYNOPSIS
    Quality check of Invoke-ByolaTraining on FSDD: K-means NMI (speakers k = 6, digits k = 10) of the BYOL-A
    encoder from random initialisation (epoch 0) and after every training epoch, with the seconds per epoch.
.DESCRIPTION
    Needs ../shared/datasets/fsdd/recordings (says so and stops when absent). Build first:
    dotnet build -c Release. Trains on all 3000 clips from the random weights of -Seed (the encoder that
    Get-AudioEmbedding -Encoder ByolA -Seed gives), one epoch per call with -Resume, and embeds the clips after
    each epoch with statistics from the input, as Get-AudioEmbedding does by default. The figures are K-means
    with -Seed on the raw vectors and on L2-normalised ones. For reference, the authors' pretrained
    AudioNTT2020-BYOLA-64x96d512.pth gives speaker NMI 0.82 (scripts/bench/Measure-Encoders.ps1).
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-ByolaTraining.ps1 -Epochs 5
#>
param(
    [string] $Shared = (Join-Path $PSScriptRoot '../../../shared'),
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1'),
    [int] $Epochs = 5,
    [int] $BatchSize = 64,
    [int] $Seed = 0,
    [string] $WorkPath = (Join-Path ([IO.Path]::GetTempPath()) "audiocluster-byola-bench-$PID")
)
$ErrorActionPreference = 'Stop'
$recordings = Join-Path $Shared 'datasets/fsdd/recordings'
if (-not (Test-Path $recordings)) { Write-Warning "Skipped: FSDD is not at '$recordings'."; return }
Import-Module $ModulePath
$files = Get-ChildItem $recordings -Filter *.wav | Sort-Object Name
$null = New-Item -ItemType Directory -Force $WorkPath
$model = Join-Path $WorkPath 'fsdd-byola.pth'

function Measure-Nmi($Embeddings) {
    $speaker = @{ n = 'Label'; e = { ($_.Name -split '_')[1] } }
    $r = @{}
    foreach ($l2 in $false, $true) {
        $suffix = if ($l2) { '_L2' } else { '' }
        $r["SpeakersNMI$suffix"] = [math]::Round(($Embeddings | Invoke-AudioClustering -ClusterCount 6 -Seed $Seed -L2Normalize:$l2 |
            Select-Object Cluster, $speaker | Measure-ClusterQuality).NMI, 3)
        $r["DigitsNMI$suffix"] = [math]::Round(($Embeddings | Invoke-AudioClustering -ClusterCount 10 -Seed $Seed -L2Normalize:$l2 |
            Measure-ClusterQuality).NMI, 3)
    }
    $r
}

try {
    $random = $files | Get-AudioEmbedding -Encoder ByolA -Seed $Seed -LabelPattern '^(?<label>\d)_'
    $rows = @([pscustomobject](@{ Epoch = 0; Loss = $null; Seconds = $null; SecondsPerStep = $null } + (Measure-Nmi $random)))
    Write-Host ("epoch 0 (random init, seed {0}): speakers NMI {1}, digits NMI {2}" -f $Seed, $rows[0].SpeakersNMI, $rows[0].DigitsNMI)
    for ($e = 1; $e -le $Epochs; $e++) {
        $train = @{ ModelPath = $model; Epochs = $e }
        if ($e -eq 1) { $train += @{ BatchSize = $BatchSize; Seed = $Seed; Force = $true } } else { $train.Resume = $true }
        $epoch = $files | Invoke-ByolaTraining @train
        $emb = $files | Get-AudioEmbedding -Encoder ByolA -ModelPath $model -LabelPattern '^(?<label>\d)_'
        $row = [pscustomobject](@{ Epoch = $e; Loss = [math]::Round($epoch.Loss, 4); Seconds = [math]::Round($epoch.Seconds, 1)
                                   SecondsPerStep = [math]::Round($epoch.Seconds / $epoch.Steps, 2) } + (Measure-Nmi $emb))
        $rows += $row
        Write-Host ("epoch {0}: loss {1}, {2} s ({3} steps of {4}); speakers NMI {5}, digits NMI {6}" -f
            $e, $row.Loss, $row.Seconds, $epoch.Steps, $BatchSize, $row.SpeakersNMI, $row.DigitsNMI)
    }
    $rows | Select-Object Epoch, Loss, Seconds, SecondsPerStep, SpeakersNMI, DigitsNMI, SpeakersNMI_L2, DigitsNMI_L2 |
        Format-Table -AutoSize | Out-String -Width 200 | Out-Host
    "{0} clips, batch size {1}, {2} processors; speakers NMI (K-means, k = 6) from {3} at random init to {4} after {5} epochs" -f
        $files.Count, $BatchSize, [Environment]::ProcessorCount, $rows[0].SpeakersNMI, $rows[-1].SpeakersNMI, $Epochs | Out-Host
} finally {
    Remove-Item -Recurse -Force $WorkPath -ErrorAction Ignore
}
