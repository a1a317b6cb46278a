<#
.SYNOPSIS
    Speed and clustering quality of the encoders on FSDD: BYOL-A and EfficientAT forward clips/s, and
    K-means NMI for digits (k = 10) and speakers (k = 6) of every encoder through the PowerShell pipeline.
.DESCRIPTION
    Needs ../shared (FSDD, the BYOL-A weights, EfficientAT's weights and ONNX export). Build first:
    dotnet build -c Release. The BYOL-A weights are read from ../shared and never copied.
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-Encoders.ps1
#>
param(
    [string] $Shared = (Join-Path $PSScriptRoot '../../../shared'),
    [int] $Seed = 0,
    [switch] $SkipSpeed,
    [switch] $SkipQuality
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1')
$recordings = Join-Path $Shared 'datasets/fsdd/recordings'
$byola = Join-Path $Shared 'models/byol-a/AudioNTT2020-BYOLA-64x96d512.pth'
$mn04 = Join-Path $Shared 'models/efficientat/mn04_as_embed.onnx'
$mn04Weights = Join-Path $Shared 'models/efficientat/mn04_as_mAP_432.pt'
$files = Get-ChildItem $recordings -Filter *.wav | Sort-Object Name
$fsddMean = -4.830621158733959; $fsddStd = 5.225791218048569   # the reference's statistics of all 3000 clips

# --- BYOL-A forward speed on precomputed log-mels (decoding and log-mel not counted) ---
$mels = [AudioCluster.Features.Spectrogram[]]($files | Import-Audio -SampleRate 16000 |
    ForEach-Object { [AudioCluster.Encoders.ByolaEncoder]::LogMel($_.Samples, $_.Source, $null) })
$stats = [AudioCluster.Encoders.NormalizationStats]::new($fsddMean, $fsddStd)
$none = [Threading.CancellationToken]::None
function Measure-Forward([string] $What, [int] $TorchThreads, [int] $Parallel, $Inputs) {
    $enc = [AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ WeightsPath = $byola; Normalization = $stats; Threads = $TorchThreads })
    try {
        $null = $enc.EncodeLogMels([AudioCluster.Features.Spectrogram[]]$Inputs[0..31], $stats, $none, $Parallel)   # warm-up
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $null = $enc.EncodeLogMels($Inputs, $stats, $none, $Parallel)
        [pscustomobject]@{ Measure = $What; TorchThreads = $TorchThreads; Workers = $Parallel; ClipsPerSecond = [math]::Round($Inputs.Count / $sw.Elapsed.TotalSeconds, 1) }
    } finally { $enc.Dispose() }
}
if (-not $SkipSpeed) {
# FSDD whole clips (mean 0.44 s): lengths differ, so one clip per forward pass.
$speed = @(
Measure-Forward 'FSDD 3000 whole clips' 1 1 $mels
Measure-Forward 'FSDD 3000 whole clips' 2 1 $mels
Measure-Forward 'FSDD 3000 whole clips' 1 2 $mels
)
# 1 s clips (101 frames), batches of 64.
$oneSecond = [AudioCluster.Features.Spectrogram[]]@(foreach ($m in $mels[0..639]) {
    $data = [float[]]::new(64 * 101)
    for ($b = 0; $b -lt 64; $b++) { for ($t = 0; $t -lt 101; $t++) { $data[$b * 101 + $t] = $m.Data[$b * $m.Frames + ($t % $m.Frames)] } }
    [AudioCluster.Features.Spectrogram]::new($m.Source, $null, 'LogMel', 64, 101, 16000, 160, $data)
})
$speed += @(
Measure-Forward '1 s clips, batch 64' 1 1 $oneSecond
Measure-Forward '1 s clips, batch 64' 2 1 $oneSecond
Measure-Forward '1 s clips, batch 64' 1 2 $oneSecond
)

# EfficientAT mn04 forward on precomputed normalised log-mels (32 kHz, 128 bins, hop 320).
$effMels = [AudioCluster.Features.Spectrogram[]]($files | Import-Audio -SampleRate 32000 |
    ForEach-Object { [AudioCluster.Encoders.EfficientAtEncoder]::LogMel($_.Samples, $_.Source, $null) })
function Measure-EfficientAt([string] $What, [int] $TorchThreads, [int] $Parallel, $Inputs) {
    $enc = [AudioCluster.Encoders.EfficientAtEncoder]::new([AudioCluster.Encoders.EfficientAtEncoderOptions]@{ WeightsPath = $mn04Weights; Threads = $TorchThreads })
    try {
        $null = $enc.Run([AudioCluster.Features.Spectrogram[]]$Inputs[0..31], $none, $Parallel)   # warm-up
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $null = $enc.Run($Inputs, $none, $Parallel)
        [pscustomobject]@{ Measure = "EfficientAT mn04: $What"; TorchThreads = $TorchThreads; Workers = $Parallel; ClipsPerSecond = [math]::Round($Inputs.Count / $sw.Elapsed.TotalSeconds, 1) }
    } finally { $enc.Dispose() }
}
$effOneSecond = [AudioCluster.Features.Spectrogram[]]@(foreach ($m in $effMels[0..639]) {
    $data = [float[]]::new(128 * 101)
    for ($b = 0; $b -lt 128; $b++) { for ($t = 0; $t -lt 101; $t++) { $data[$b * 101 + $t] = $m.Data[$b * $m.Frames + ($t % $m.Frames)] } }
    [AudioCluster.Features.Spectrogram]::new($m.Source, $null, 'LogMel', 128, 101, 32000, 320, $data)
})
$speed += @(
Measure-EfficientAt 'FSDD 3000 whole clips' 1 1 $effMels
Measure-EfficientAt 'FSDD 3000 whole clips' 2 1 $effMels
Measure-EfficientAt 'FSDD 3000 whole clips' 1 2 $effMels
Measure-EfficientAt '1 s clips, batch 64' 1 1 $effOneSecond
Measure-EfficientAt '1 s clips, batch 64' 2 1 $effOneSecond
Measure-EfficientAt '1 s clips, batch 64' 1 2 $effOneSecond
)
$speed | Format-Table -AutoSize | Out-String -Width 220 | Out-Host
}
if ($SkipQuality) { return }

# --- K-means NMI through the pipeline ---
$sidecarDir = Join-Path ([IO.Path]::GetTempPath()) "audiocluster-mn04-$PID"
$null = New-Item -ItemType Directory -Force $sidecarDir
$mn04Local = Join-Path $sidecarDir 'mn04_as_embed.onnx'
$null = New-Item -ItemType SymbolicLink -Path $mn04Local -Target (Resolve-Path $mn04) -Force
[AudioCluster.Encoders.OnnxEncoderOptions]::EfficientAt.ToJson() | Set-Content "$mn04Local.json"
$configs = [ordered]@{
    'MelStats'                          = @{ }
    'BYOL-A d512 (FSDD stats given)'    = @{ Encoder = 'ByolA'; ModelPath = $byola; NormalizationMean = $fsddMean; NormalizationStd = $fsddStd }
    'BYOL-A d512 (stats from input)'    = @{ Encoder = 'ByolA'; ModelPath = $byola }
    "BYOL-A random (seed $Seed)"        = @{ Encoder = 'ByolA'; Seed = $Seed }
    'EfficientAT mn04 (ONNX)'           = @{ Encoder = 'Onnx'; ModelPath = $mn04Local }
    'EfficientAT mn04 (TorchSharp)'     = @{ Encoder = 'EfficientAT'; ModelPath = $mn04Weights }
}
try {
    $quality = foreach ($name in $configs.Keys) {
        $p = $configs[$name]
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $emb = $files | Get-AudioEmbedding -LabelPattern '^(?<label>\d)_' @p
        $seconds = $sw.Elapsed.TotalSeconds
        $digits = $emb | Invoke-AudioClustering -ClusterCount 10 -Seed $Seed | Measure-ClusterQuality
        $speakers = $emb | Invoke-AudioClustering -ClusterCount 6 -Seed $Seed |
            Select-Object Cluster, @{ n = 'Label'; e = { ($_.Name -split '_')[1] } } | Measure-ClusterQuality
        $digitsL2 = $emb | Invoke-AudioClustering -ClusterCount 10 -Seed $Seed -L2Normalize | Measure-ClusterQuality
        $speakersL2 = $emb | Invoke-AudioClustering -ClusterCount 6 -Seed $Seed -L2Normalize |
            Select-Object Cluster, @{ n = 'Label'; e = { ($_.Name -split '_')[1] } } | Measure-ClusterQuality
        [pscustomobject]@{
            Encoder = $name; Dimensions = $emb[0].Dimensions; EmbedSeconds = [math]::Round($seconds, 1)
            ClipsPerSecond = [math]::Round($emb.Count / $seconds, 1)
            DigitsNMI = [math]::Round($digits.NMI, 3); SpeakersNMI = [math]::Round($speakers.NMI, 3)
            DigitsNMI_L2 = [math]::Round($digitsL2.NMI, 3); SpeakersNMI_L2 = [math]::Round($speakersL2.NMI, 3)
        }
    }
    $quality | Format-Table -AutoSize | Out-String -Width 220 | Out-Host
} finally { Remove-Item -Recurse -Force $sidecarDir }
