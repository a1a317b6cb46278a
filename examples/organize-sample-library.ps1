<#
.SYNOPSIS
    Groups a folder of sound samples by how they sound, and shows what landed together.
.DESCRIPTION
    Embeds every sample, reduces with PCA, lets the silhouette choose how many groups there are,
    and prints each group's members. Without -Path it makes a synthetic library first.
    The fitted clusters are saved, so next week's samples can join this week's groups:
        Get-ChildItem ./new-samples | Get-AudioEmbedding | Compress-AudioEmbedding -ModelPath ./library-pca.json |
            Invoke-AudioClustering -ModelPath ./library-clusters.json
.EXAMPLE
    dotnet pwsh -File examples/organize-sample-library.ps1 -Path ~/Samples/Drums
#>
param(
    [string] $Path,
    [int[]] $ClusterCountRange = @(2, 12),
    [string] $ModelFolder = '.'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/AudioCluster/AudioCluster.psd1')
if (-not $Path) {
    $Path = Join-Path ([IO.Path]::GetTempPath()) 'audiocluster-library'
    Write-Host "No -Path: writing a synthetic library to $Path" -ForegroundColor Cyan
    New-SyntheticAudioSet -Path $Path -ClassCount 8 -PerClass 15 -Seed 3 | Out-Null
}

$pcaModel = Join-Path $ModelFolder 'library-pca.json'
$clusterModel = Join-Path $ModelFolder 'library-clusters.json'
$groups = Get-ChildItem $Path -File -Recurse |
    Get-AudioEmbedding |
    Compress-AudioEmbedding -Method Pca -Variance 0.95 -SaveModel $pcaModel -Force |
    Invoke-AudioClustering -Method Agglomerative -ClusterCount Auto -ClusterCountRange $ClusterCountRange `
        -L2Normalize -SaveModel $clusterModel -Force -InformationVariable curve

Write-Host "Silhouette by number of groups:" -ForegroundColor Cyan
$curve.MessageData | Format-Table | Out-Host
$groups | Group-Object Cluster | Sort-Object { [int]$_.Name } | ForEach-Object {
    Write-Host ("Group {0} ({1} samples): {2}" -f $_.Name, $_.Count, (($_.Group | Select-Object -First 6).Name -join ', '))
}
$groups | Measure-ClusterQuality | Format-List Silhouette, CalinskiHarabasz, DaviesBouldin, Clusters, N
Write-Host "Saved $pcaModel and $clusterModel for new samples." -ForegroundColor Cyan
