<#
.SYNOPSIS
    Clusters a folder of field recordings without labels and opens an HTML report to listen through the groups.
.DESCRIPTION
    Long recordings are cut into fixed windows first (-WindowSeconds), so each group collects
    moments that sound alike (birdsong, wind, traffic ...). The number of groups is chosen by
    the silhouette unless -ClusterCount is given. Without -Path, a synthetic folder stands in.
.EXAMPLE
    dotnet pwsh -File examples/cluster-field-recordings.ps1 -Path ~/Recordings/Dawn -WindowSeconds 5
#>
param(
    [string] $Path,
    [double] $WindowSeconds = 0,
    [string] $ClusterCount = 'Auto',
    [string] $ReportPath = './field-recordings.html',
    [switch] $Open
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/AudioCluster/AudioCluster.psd1')
if (-not $Path) {
    $Path = Join-Path ([IO.Path]::GetTempPath()) 'audiocluster-field'
    Write-Host "No -Path: writing stand-in recordings to $Path" -ForegroundColor Cyan
    New-SyntheticAudioSet -Path $Path -ClassCount 6 -PerClass 12 -Seed 11 | Out-Null
}

# Cut long files into windows: one clip per window, named after its file and offset.
$files = Get-ChildItem $Path -File -Recurse
$clips = if ($WindowSeconds -gt 0) {
    foreach ($file in $files) {
        $length = (Import-Audio -LiteralPath $file.FullName).Duration.TotalSeconds
        for ($start = 0; $start + $WindowSeconds -le $length; $start += $WindowSeconds) {
            Import-Audio -LiteralPath $file.FullName -SampleRate 16000 -Offset $start -Duration $WindowSeconds
        }
    }
} else {
    $files | Import-Audio -SampleRate 16000
}

$clusters = $clips | Get-AudioEmbedding |
    Invoke-AudioClustering -Method Agglomerative -ClusterCount $ClusterCount -ClusterCountRange 2, 12 -L2Normalize
$clusters | Measure-ClusterQuality | Format-List Clusters, N, Silhouette, DaviesBouldin
$report = $clusters | Export-ClusterReport -Path $ReportPath -Title "Field recordings: $(Split-Path $Path -Leaf)" -Force
Write-Host "Report: $($report.FullName)" -ForegroundColor Cyan
if ($Open) { Invoke-Item $report.FullName }
