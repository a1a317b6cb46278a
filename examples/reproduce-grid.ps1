<#
.SYNOPSIS
    The benchmark grid on a labelled folder: encoders x reducers x normalisations x methods.
.DESCRIPTION
    Defaults to the FSDD spoken digits beside the repository (../shared/datasets/fsdd), scored
    against the digit and, with -Speakers, against the six speakers. Neural encoders join the grid
    when their weights are given. Writes the markdown table next to the script's output.
.EXAMPLE
    dotnet pwsh -File examples/reproduce-grid.ps1
.EXAMPLE
    dotnet pwsh -File examples/reproduce-grid.ps1 -Speakers -ByolaWeights ../shared/models/byol-a/AudioNTT2020-BYOLA-64x96d512.pth
#>
param(
    [string] $Path = (Join-Path $PSScriptRoot '../../shared/datasets/fsdd/recordings'),
    [string] $LabelPattern = '^(?<label>\d)_',
    [switch] $Speakers,
    [string] $ByolaWeights,
    [string] $OnnxModel,
    [int[]] $Seed = @(0, 1, 2),
    [string] $MarkdownPath = './grid.md'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/AudioCluster/AudioCluster.psd1')
if (-not (Test-Path $Path)) { throw "No audio at '$Path'; give -Path and -LabelPattern for your own labelled folder." }
if ($Speakers) { $LabelPattern = '^\d_(?<label>[a-z]+)_' }

$encoders = @('MelStats')
$models = @{}
if ($ByolaWeights) { $encoders += 'ByolA'; $models.ByolA = $ByolaWeights }
if ($OnnxModel) { $encoders += 'Onnx'; $models.Onnx = $OnnxModel }

$cells = Invoke-ClusteringBenchmark -Path $Path -LabelPattern $LabelPattern -Encoder $encoders -ModelPath $models `
    -Reducer None, Pca -Normalization Standardize, L2Normalize -Method KMeans, Agglomerative, GaussianMixture `
    -Seed $Seed -MarkdownPath $MarkdownPath -Force
$cells | Sort-Object NMI -Descending | Format-Table
Write-Host "Markdown table: $(Resolve-Path $MarkdownPath)" -ForegroundColor Cyan
