<#
.SYNOPSIS
    Quality and speed of Invoke-DeepClusterTraining on FSDD: digit NMI (k = 10) of the pseudo-labels after every
    epoch, against the frozen encoder with K-means, and the seconds per epoch.
.DESCRIPTION
    Needs ../shared/datasets/fsdd/recordings and, to fine-tune, BYOL-A weights (the authors'
    AudioNTT2020-BYOLA-64x96d512.pth by default; -EncoderModelPath '' starts from random weights). Build first:
    dotnet build -c Release. Prints the frozen encoder's K-means NMI (digits k = 10 and speakers k = 6, on raw and
    L2-normalised embeddings), then DeepCluster's epochs: loss, NMI against the previous epoch (what training
    sees: no labels), digit and speaker NMI of the epoch's pseudo-labels (labels only score), seconds.
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClusterTraining.ps1 -Epochs 3
#>
param(
    [string] $Shared = (Join-Path $PSScriptRoot '../../../shared'),
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1'),
    [string] $EncoderModelPath = (Join-Path $Shared 'models/byol-a/AudioNTT2020-BYOLA-64x96d512.pth'),
    [int] $Epochs = 3,
    [int] $ClusterCount = 10,
    [int] $PseudoLabelCount = 0,
    [int] $BatchSize = 64,
    [double] $LearningRate = 0.005,
    [int] $Seed = 0,
    [int] $Limit = 0,
    [switch] $SkipBaseline,
    [string] $WorkPath = (Join-Path ([IO.Path]::GetTempPath()) "audiocluster-deepcluster-bench-$PID")
)
$ErrorActionPreference = 'Stop'
$recordings = Join-Path $Shared 'datasets/fsdd/recordings'
if (-not (Test-Path $recordings)) { Write-Warning "Skipped: FSDD is not at '$recordings'."; return }
if ($EncoderModelPath -and -not (Test-Path $EncoderModelPath)) { Write-Warning "Skipped: no BYOL-A weights at '$EncoderModelPath'."; return }
Import-Module $ModulePath
$files = Get-ChildItem $recordings -Filter *.wav | Sort-Object Name
if ($Limit -gt 0) { $files = $files | Select-Object -First $Limit }
$digits = $files | ForEach-Object { ($_.Name -split '_')[0] }
$speakers = $files | ForEach-Object { ($_.Name -split '_')[1] }
$null = New-Item -ItemType Directory -Force $WorkPath

# NMI of cluster numbers against labels, both in file order.
function Get-Nmi([int[]] $Clusters, [string[]] $Labels) {
    $rows = for ($i = 0; $i -lt $Clusters.Count; $i++) { [pscustomobject]@{ Label = $Labels[$i]; Cluster = $Clusters[$i] } }
    [math]::Round(($rows | Measure-ClusterQuality).NMI, 3)
}

try {
    if (-not $SkipBaseline) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $embed = @{ Encoder = 'ByolA' }
        if ($EncoderModelPath) { $embed.ModelPath = $EncoderModelPath } else { $embed.Seed = $Seed }
        $frozen = $files | Get-AudioEmbedding @embed
        foreach ($l2 in $false, $true) {
            $d = ($frozen | Invoke-AudioClustering -ClusterCount 10 -Seed $Seed -L2Normalize:$l2).Cluster
            $s = ($frozen | Invoke-AudioClustering -ClusterCount 6 -Seed $Seed -L2Normalize:$l2).Cluster
            Write-Host ("frozen encoder + K-means{0}: digits NMI {1} (k=10), speakers NMI {2} (k=6)" -f ($(if ($l2) { ', L2' } else { '' })),
                (Get-Nmi $d $digits), (Get-Nmi $s $speakers))
        }
        Write-Host ("  ({0:0} s to embed and cluster {1} clips)" -f $clock.Elapsed.TotalSeconds, $files.Count)
    }
    $train = @{ ClusterCount = $ClusterCount; Epochs = $Epochs; BatchSize = $BatchSize; LearningRate = $LearningRate; Seed = $Seed
                ModelPath = (Join-Path $WorkPath 'fsdd-deepcluster.json'); Force = $true }
    if ($EncoderModelPath) { $train.EncoderModelPath = $EncoderModelPath }
    if ($PseudoLabelCount -gt 0) { $train.PseudoLabelCount = $PseudoLabelCount }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $out = $files | Invoke-DeepClusterTraining @train -InformationVariable curve -InformationAction SilentlyContinue -Verbose 4>&1 |
        ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { Write-Host "  $($_.Message)" } else { $_ } }
    $total = $clock.Elapsed.TotalSeconds
    $rows = foreach ($record in $curve | Where-Object { $_.Tags -contains 'DeepClusterEpoch' }) {
        $e = $record.MessageData
        [pscustomobject]@{
            Epoch = $e.Epoch; Loss = [math]::Round($e.Loss, 4); NmiVsPrevious = [math]::Round($e.Nmi, 3); Seconds = [math]::Round($e.Seconds, 1)
            DigitsNMI = Get-Nmi $e.PseudoLabels $digits; SpeakersNMI = Get-Nmi $e.PseudoLabels $speakers; Empty = $e.EmptyPseudoLabels
        }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
    Write-Host ("final clusters (k={0}): digits NMI {1}, speakers NMI {2}; {3:0} s in all" -f $ClusterCount, (Get-Nmi $out.Cluster $digits), (Get-Nmi $out.Cluster $speakers), $total)
}
finally {
    Remove-Item -Recurse -Force $WorkPath -ErrorAction SilentlyContinue
}
