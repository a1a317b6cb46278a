<#
.SYNOPSIS
    Quality and speed of Invoke-DeepClusterTraining on a labelled folder (FSDD by default): NMI of the
    pseudo-labels after every epoch against each labelling, beside the frozen encoder with K-means, and the seconds per epoch.
.DESCRIPTION
    Needs the folder (../shared/datasets/fsdd/recordings by default, scored against digits and speakers) and,
    to fine-tune, BYOL-A weights (the authors' AudioNTT2020-BYOLA-64x96d512.pth by default; -EncoderModelPath ''
    starts from random weights). Another folder takes its labels from -LabelPattern (a regex with a 'label' group)
    or -LabelFromDirectory. Build first: dotnet build -c Release. Prints the frozen encoder's K-means NMI (k = the
    number of labels, on raw and L2-normalised embeddings), then DeepCluster's epochs: loss, NMI against the
    previous epoch (what training sees: no labels), NMI of the epoch's pseudo-labels against each labelling
    (labels only score), seconds. Files the encoder refuses (too short) are left out with a warning.
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClusterTraining.ps1 -Epochs 3
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClusterTraining.ps1 -Path ../shared/datasets/drums -LabelFromDirectory -ClusterCount 6 -Epochs 5
#>
param(
    [string] $Shared = (Join-Path $PSScriptRoot '../../../shared'),
    [string] $Path,
    [string] $LabelPattern,
    [switch] $LabelFromDirectory,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1'),
    [string] $EncoderModelPath = (Join-Path $Shared 'models/byol-a/AudioNTT2020-BYOLA-64x96d512.pth'),
    [int] $Epochs = 3,
    [int] $ClusterCount = 10,
    [int] $PseudoLabelCount = 0,
    [int] $BatchSize = 64,
    [double] $LearningRate = 0.005,
    [int] $Seed = 0,
    [int] $Limit = 0,
    [string] $WorkPath = (Join-Path ([IO.Path]::GetTempPath()) "audiocluster-deepcluster-bench-$PID")
)
$ErrorActionPreference = 'Stop'
if (-not $Path) { $Path = Join-Path $Shared 'datasets/fsdd/recordings' }
if (-not (Test-Path $Path)) { Write-Warning "Skipped: no audio folder at '$Path'."; return }
if ($EncoderModelPath -and -not (Test-Path $EncoderModelPath)) { Write-Warning "Skipped: no BYOL-A weights at '$EncoderModelPath'."; return }
Import-Module $ModulePath
$files = Get-ChildItem $Path -File -Recurse:$LabelFromDirectory | Where-Object Extension -in '.wav', '.mp3', '.ogg', '.flac', '.aif', '.aiff' | Sort-Object FullName
if ($Limit -gt 0) { $files = $files | Select-Object -First $Limit }
# Embed with the frozen encoder first: what it refuses (unreadable, too short) is left out and named, so every
# labelling lines up with the clips that train.
$embed = @{ Encoder = 'ByolA' }
if ($EncoderModelPath) { $embed.ModelPath = $EncoderModelPath } else { $embed.Seed = $Seed }
$clock = [Diagnostics.Stopwatch]::StartNew()
$frozen = @($files | Get-AudioEmbedding @embed -ErrorAction SilentlyContinue -ErrorVariable refused)
$embedSeconds = $clock.Elapsed.TotalSeconds
foreach ($e in $refused) { Write-Warning "Left out: $($e.Exception.Message)" }
$bySource = @{}
foreach ($f in $files) { $bySource[$f.FullName] = $f }
$files = @($frozen | ForEach-Object { $bySource[$_.Source] })
# Each labelling to score against, in file order.
$labelings = [ordered]@{}
if ($LabelFromDirectory) { $labelings.label = @($files | ForEach-Object { $_.Directory.Name }) }
elseif ($LabelPattern) { $labelings.label = @($files | ForEach-Object { [regex]::Match($_.Name, $LabelPattern).Groups['label'].Value }) }
else {
    $labelings.digits = @($files | ForEach-Object { ($_.Name -split '_')[0] })
    $labelings.speakers = @($files | ForEach-Object { ($_.Name -split '_')[1] })
}
$null = New-Item -ItemType Directory -Force $WorkPath

# NMI of cluster numbers against labels, both in file order.
function Get-Nmi([int[]] $Clusters, [string[]] $Labels) {
    $rows = for ($i = 0; $i -lt $Clusters.Count; $i++) { [pscustomobject]@{ Label = $Labels[$i]; Cluster = $Clusters[$i] } }
    [math]::Round(($rows | Measure-ClusterQuality).NMI, 3)
}
function Format-Scores([int[]] $Clusters) {
    ($labelings.Keys | ForEach-Object { $l = $labelings[$_]; "$_ NMI $(Get-Nmi $Clusters $l) (k=$(@($l | Sort-Object -Unique).Count))" }) -join ', '
}

try {
    # The frozen encoder's embeddings exist already (they decide which clips train), so the baseline costs only k-means.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    foreach ($l2 in $false, $true) {
        foreach ($name in $labelings.Keys) {
            $k = @($labelings[$name] | Sort-Object -Unique).Count
            $c = ($frozen | Invoke-AudioClustering -ClusterCount $k -Seed $Seed -L2Normalize:$l2).Cluster
            Write-Host ("frozen encoder + K-means{0}, k={1}: {2} NMI {3}" -f $(if ($l2) { ', L2' } else { '' }), $k, $name, (Get-Nmi $c $labelings[$name]))
        }
    }
    Write-Host ("  ({0:0} s to embed and {1:0} s to cluster {2} clips)" -f $embedSeconds, $clock.Elapsed.TotalSeconds, $files.Count)
    $train = @{ ClusterCount = $ClusterCount; Epochs = $Epochs; BatchSize = $BatchSize; LearningRate = $LearningRate; Seed = $Seed
                ModelPath = (Join-Path $WorkPath 'deepcluster.json'); Force = $true }
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
            Scores = Format-Scores $e.PseudoLabels; Empty = $e.EmptyPseudoLabels
        }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
    Write-Host ("final clusters (k={0}): {1}; {2:0} s in all" -f $ClusterCount, (Format-Scores $out.Cluster), $total)
}
finally {
    Remove-Item -Recurse -Force $WorkPath -ErrorAction SilentlyContinue
}
