<#
.SYNOPSIS
    Times Get-AudioEmbedding over FSDD twice with one -CachePath: the first run computes and
    stores every vector, the second reads them back. Prints both times and their ratio.
.DESCRIPTION
    Needs ../shared/datasets/fsdd (3000 recordings). Build first: dotnet build -c Release.
    The cache is a new file in the temp folder, removed at the end. Also checks that the second
    run gives the first run's vectors, bit for bit and in the same order.
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-EmbeddingCache.ps1
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-EmbeddingCache.ps1 -Encoder Onnx -ModelPath ../shared/models/efficientat/mn04_as_embed.onnx
#>
param(
    [string] $Recordings = (Join-Path $PSScriptRoot '../../../shared/datasets/fsdd/recordings'),
    [string] $Encoder = 'MelStats',
    [string] $ModelPath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1')
$cache = Join-Path ([IO.Path]::GetTempPath()) "embedding-cache-$([guid]::NewGuid().ToString('N')).db"
$options = @{ Encoder = $Encoder; CachePath = $cache }
if ($ModelPath) { $options.ModelPath = $ModelPath }
try {
    $files = Get-ChildItem $Recordings -Filter *.wav | Sort-Object Name
    $first = Measure-Command { $script:a = $files | Get-AudioEmbedding @options }
    $second = Measure-Command { $script:b = $files | Get-AudioEmbedding @options }
    $same = $a.Count -eq $b.Count
    for ($i = 0; $same -and $i -lt $a.Count; $i++) {
        $same = $a[$i].Source -eq $b[$i].Source -and [Linq.Enumerable]::SequenceEqual([float[]]$a[$i].Vector, [float[]]$b[$i].Vector)
    }
    [pscustomobject]@{
        Encoder       = $a[0].Encoder
        Files         = $files.Count
        FirstSeconds  = [math]::Round($first.TotalSeconds, 2)
        SecondSeconds = [math]::Round($second.TotalSeconds, 2)
        Speedup       = [math]::Round($first.TotalSeconds / $second.TotalSeconds, 1)
        SameVectors   = $same
        CacheMB       = [math]::Round((Get-Item $cache).Length / 1MB, 1)
    } | Format-List
}
finally {
    Remove-Item "$cache*" -ErrorAction Ignore
}
