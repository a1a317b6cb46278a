<#
.SYNOPSIS
    Classic clustering against the deep methods on the same embeddings of a labelled folder: NMI,
    ARI, accuracy, clusters used and time, mean +- std over seeds. With -Speed, the deep methods'
    training speed instead.
.DESCRIPTION
    Embeds the folder once (MelStats by default; -Encoder ByolA with -EncoderModelPath for BYOL-A),
    then for every seed runs the methods named in -Methods:
      KMeans  K-means on z-scored and on L2-normalised vectors;
      Ward    agglomerative clustering (Ward linkage) on z-scored and on L2-normalised vectors
              (deterministic: the seeds give the same result);
      Temi    Invoke-TemiTraining with the module's defaults (and -TemiParameters on top) on each
              preprocessing in -TemiPreprocessing;
      Spice   Invoke-SpiceTraining likewise, with -SpiceParameters and -SpicePreprocessing (stage 2);
      SpiceSemi  the same with -EncoderModelPath: stage 2, then stage 3 trains the BYOL-A encoder on the clips;
      DeepCluster  Invoke-DeepClusterTraining on the clips from the BYOL-A weights (-DeepClusterParameters on
              top of its defaults).
    SpiceSemi and DeepCluster train the encoder, so they need -Encoder ByolA with -EncoderModelPath; their rows
    compare the trained encoder's clusters with the classic methods on the frozen encoder's embeddings.
    Another deep method joins by one more entry in $deepMethods below.
    Labels come from -LabelPattern (a regex with a 'label' group) or, with -LabelFromDirectory,
    from each file's folder. Labels only score the results.

    -Speed times the deep methods on 3,000 x 512 generated vectors in 10 groups: TEMI (batch 1024)
    and SPICE (its default batches) for each head count in -SpeedHeads (SPICE adds its default, 10),
    -SpeedSteps steps each, and prints steps/s and the time 8,000 steps take at that rate. It then
    times TEMI's matrix products alone for the largest head count, at their least (the batch's 1,024
    inputs, as if every partner were one of them), in the precision training uses: no TEMI step on
    this machine can take less, whatever else is made faster.
    Build first: dotnet build -c Release AudioCluster.PowerShell.sln.
.EXAMPLE
    # FSDD digits and speakers with MelStats, then with BYOL-A.
    $fsdd = '../shared/datasets/fsdd/recordings'
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClustering.ps1 -Path $fsdd -LabelPattern '^(?<label>\d)_'
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClustering.ps1 -Path $fsdd -LabelPattern '^\d_(?<label>[a-z]+)_'
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClustering.ps1 -Path $fsdd -LabelPattern '^\d_(?<label>[a-z]+)_' -Encoder ByolA -EncoderModelPath ../shared/models/byol-a/AudioNTT2020-BYOLA-64x96d512.pth
.EXAMPLE
    # Only the classic rows and SPICE, one seed, one libtorch thread (a busy machine).
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClustering.ps1 -Path $fsdd -LabelPattern '^(?<label>\d)_' -Methods KMeans, Ward, Spice -Seeds 0 -Threads 1
.EXAMPLE
    # Training the encoder too: DeepCluster and SPICE stage 3 on the drums, against the classic rows on frozen BYOL-A.
    dotnet pwsh -NoProfile -Command "& ./scripts/bench/Measure-DeepClustering.ps1 -Path ../shared/datasets/drums -LabelFromDirectory -Encoder ByolA -EncoderModelPath ../shared/models/byol-a/AudioNTT2020-BYOLA-64x96d512.pth -Methods KMeans, Ward, SpiceSemi, DeepCluster -SpicePreprocessing Standardize"
.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/bench/Measure-DeepClustering.ps1 -Speed
#>
[CmdletBinding(DefaultParameterSetName = 'Quality')]
param(
    [Parameter(ParameterSetName = 'Quality', Mandatory)] [string] $Path,
    [Parameter(ParameterSetName = 'Quality')] [string] $LabelPattern = '^(?<label>[^_]+)_',
    [Parameter(ParameterSetName = 'Quality')] [switch] $LabelFromDirectory,
    [Parameter(ParameterSetName = 'Quality')] [int] $ClusterCount,
    [Parameter(ParameterSetName = 'Quality')] [ValidateSet('MelStats', 'ByolA', 'Onnx')] [string] $Encoder = 'MelStats',
    [Parameter(ParameterSetName = 'Quality')] [string] $EncoderModelPath,
    # An SQLite cache of the embeddings (Get-AudioEmbedding -CachePath), so a second run on the same folder embeds nothing.
    [Parameter(ParameterSetName = 'Quality')] [string] $EmbeddingCachePath,
    [Parameter(ParameterSetName = 'Quality')] [int[]] $Seeds = @(0, 1, 2),
    [Parameter(ParameterSetName = 'Quality')] [ValidateSet('Standardize', 'L2Normalize', 'Both', 'None')] [string[]] $TemiPreprocessing = @('None'),
    [Parameter(ParameterSetName = 'Quality')] [hashtable] $TemiParameters = @{},
    [Parameter(ParameterSetName = 'Quality')] [ValidateSet('Standardize', 'L2Normalize', 'Both', 'None')] [string[]] $SpicePreprocessing = @('Standardize', 'L2Normalize'),
    [Parameter(ParameterSetName = 'Quality')] [hashtable] $SpiceParameters = @{},
    [Parameter(ParameterSetName = 'Quality')] [hashtable] $DeepClusterParameters = @{},
    [Parameter(ParameterSetName = 'Quality')] [ValidateSet('KMeans', 'Ward', 'Temi', 'Spice', 'SpiceSemi', 'DeepCluster')] [string[]] $Methods = @('KMeans', 'Ward', 'Temi', 'Spice'),
    # A JSON file that receives every run's clusters with the labels, for analysis without running again.
    [Parameter(ParameterSetName = 'Quality')] [string] $AssignmentsPath,
    [Parameter(ParameterSetName = 'Speed', Mandatory)] [switch] $Speed,
    [Parameter(ParameterSetName = 'Speed')] [int] $SpeedSteps = 8000,
    [Parameter(ParameterSetName = 'Speed')] [int[]] $SpeedHeads = @(1, 16),
    # libtorch intra-op threads (process-wide); 0 keeps libtorch's default (one per core).
    [int] $Threads = 0
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../out/AudioCluster/AudioCluster.psd1')

function Format-MeanStd([double[]] $Values, [string] $Format = 'F3') {
    $mean = ($Values | Measure-Object -Average).Average
    $var = ($Values | ForEach-Object { ($_ - $mean) * ($_ - $mean) } | Measure-Object -Sum).Sum / [math]::Max(1, $Values.Count - 1)
    '{0} +- {1}' -f $mean.ToString($Format), ([math]::Sqrt($var)).ToString($Format)
}

if ($Threads -gt 0) {
    [AudioCluster.Runtime.NativeStacks]::EnsureTorch()
    [TorchSharp.torch]::set_num_threads($Threads)
}

if ($Speed) {
    # Well-separated random groups, so the run looks like a real one (probabilities sharpen).
    $rng = [Random]::new(1)
    $centres = foreach ($c in 0..9) { , [float[]]@(foreach ($j in 1..512) { $rng.NextDouble() * 2 - 1 }) }
    $points = foreach ($i in 0..2999) {
        $centre = $centres[$i % 10]
        [pscustomobject]@{ Label = "$($i % 10)"; Vector = [float[]]@(foreach ($j in 0..511) { $centre[$j] + $rng.NextDouble() - 0.5 }) }
    }
    $runs = @(foreach ($h in $SpeedHeads) { @{ Method = 'TEMI'; Heads = $h; Parameters = @{ BatchSize = 1024 } } }) +
        @(foreach ($h in @($SpeedHeads) + 10 | Sort-Object -Unique) { @{ Method = 'SPICE'; Heads = $h; Parameters = @{} } })
    $rows = foreach ($run in $runs) {
        $h = $run.Heads
        $train = $run.Parameters
        $process = [Diagnostics.Process]::GetCurrentProcess()
        $cpu = $process.TotalProcessorTime
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $verbose = & {
            if ($run.Method -eq 'TEMI') { $points | Invoke-TemiTraining -ClusterCount 10 -Heads $h -Steps $SpeedSteps @train -Verbose 4>&1 }
            else { $points | Invoke-SpiceTraining -ClusterCount 10 -Heads $h -Steps $SpeedSteps @train -Verbose 4>&1 }
        } | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
        $seconds = $sw.Elapsed.TotalSeconds
        $process.Refresh()
        $line = $verbose | Where-Object { $_ -match 'steps/s on' } | Select-Object -Last 1
        $rate = if ($line -match '\(([\d.]+) steps/s on (\w+)\)') { [double]$Matches[1] } else { $SpeedSteps / $seconds }
        [pscustomobject]@{
            Method              = $run.Method
            Heads               = $h
            Steps               = $SpeedSteps
            'Steps/s'           = [math]::Round($rate, 2)
            'Seconds (all)'     = [math]::Round($seconds, 1)
            'CPU seconds'       = [math]::Round(($process.TotalProcessorTime - $cpu).TotalSeconds, 1)
            'Seconds for 8000'  = [math]::Round(8000 / $rate, 1)
            Precision           = if ($verbose -match 'bfloat16') { 'bfloat16 products' } else { 'float32' }
        }
    }
    foreach ($r in $rows) {
        $one = ($rows | Where-Object { $_.Method -eq $r.Method -and $_.Heads -eq 1 } | Select-Object -First 1).'Steps/s'
        $r | Add-Member -NotePropertyName 'Time vs 1 head' -NotePropertyValue $(if ($one) { [math]::Round($one / $r.'Steps/s', 2) } else { $null })
    }
    # TEMI's matrix products per step, timed alone: teacher forward, student forward and the student's
    # backward (weight gradients of both layers, and the hidden layer's gradient), on the fewest rows a
    # step can have (the batch of 1,024 distinct inputs). The last layer (256 x K) is left out as small.
    $h = [int]($SpeedHeads | Measure-Object -Maximum).Maximum
    $torch = [TorchSharp.torch]
    $type = if ([AudioCluster.DeepClustering.TorchTraining]::CpuHasFastBFloat16()) { [TorchSharp.torch+ScalarType]::BFloat16 } else { [TorchSharp.torch+ScalarType]::Float32 }
    $distinct, $d, $hidden, $bottleneck = 1024, 512, 512, 256
    $x = $torch::randn([long[]]($distinct, $d)).to($type)
    $w1 = $torch::randn([long[]]($d, ($h * $hidden))).to($type)
    $a1 = $torch::randn([long[]]($h, $distinct, $hidden)).to($type)
    $w2 = $torch::randn([long[]]($h, $hidden, $bottleneck)).to($type)
    $g2 = $torch::randn([long[]]($h, $distinct, $bottleneck)).to($type)
    $g1 = $torch::randn([long[]]($distinct, ($h * $hidden))).to($type)
    $products = {
        foreach ($pass in 'teacher', 'student') { $null = $x.matmul($w1); $null = $a1.bmm($w2) }
        $null = $a1.transpose(1, 2).bmm($g2)      # dW2
        $null = $g2.bmm($w2.transpose(1, 2))      # gradient of the hidden layer
        $null = $x.transpose(0, 1).matmul($g1)                # dW1
    }
    & $products
    $sw = [Diagnostics.Stopwatch]::StartNew()
    foreach ($i in 1..5) { & $products }
    $floor = $sw.Elapsed.TotalMilliseconds / 5
    $load = if (Test-Path /proc/loadavg) { ', load average ' + (Get-Content /proc/loadavg).Split(' ')[0] } else { '' }
    "Deep clustering speed, 3000 x 512 vectors in 10 groups (TEMI batch 1024, SPICE its defaults), libtorch threads $([TorchSharp.torch]::get_num_threads()), $([Environment]::ProcessorCount) logical CPUs$load"
    $rows | Format-Table -AutoSize | Out-String -Width 200
    "TEMI's matrix products alone, $h heads, at their least ($distinct distinct rows, $type): {0:F0} ms per step, so 8000 steps take at least {1:F0} s on this machine." -f $floor, (8000 * $floor / 1000)
    return
}

# --- Quality ---
if (($Methods -match '^(SpiceSemi|DeepCluster)$') -and ($Encoder -ne 'ByolA' -or -not $EncoderModelPath)) {
    throw "-Methods SpiceSemi and DeepCluster train the BYOL-A encoder: give -Encoder ByolA -EncoderModelPath with the weights."
}
$files = Get-ChildItem -LiteralPath $Path -File -Recurse:$LabelFromDirectory | Where-Object Extension -in '.wav', '.mp3', '.ogg', '.flac', '.aif', '.aiff'
$embedParameters = @{ Encoder = $Encoder }
if ($EncoderModelPath) { $embedParameters.ModelPath = $EncoderModelPath }
if ($EmbeddingCachePath) { $embedParameters.CachePath = $EmbeddingCachePath }
if ($LabelFromDirectory) { $embedParameters.LabelFromDirectory = $true } else { $embedParameters.LabelPattern = $LabelPattern }
$sw = [Diagnostics.Stopwatch]::StartNew()
# A file the encoder refuses (unreadable, or too short for BYOL-A) is left out and named, as the pipeline does.
$embeddings = @($files | Get-AudioEmbedding @embedParameters -ErrorAction SilentlyContinue -ErrorVariable refused)
foreach ($e in $refused) { Write-Warning "Left out: $($e.Exception.Message)" }
$embedSeconds = $sw.Elapsed.TotalSeconds
if (-not $ClusterCount) { $ClusterCount = @($embeddings.Label | Sort-Object -Unique).Count }

$preprocessing = @{
    Standardize = @{ Name = 'z-score'; Switches = @{ Standardize = $true } }
    L2Normalize = @{ Name = 'L2'; Switches = @{ L2Normalize = $true } }
    Both        = @{ Name = 'z-score + L2'; Switches = @{ Standardize = $true; L2Normalize = $true } }
    None        = @{ Name = 'raw'; Switches = @{} }
}
$runs = [ordered]@{}
foreach ($prep in 'Standardize', 'L2Normalize') {
    $switches = $preprocessing[$prep].Switches
    $label = $preprocessing[$prep].Name
    if ('KMeans' -in $Methods) { $runs["K-means, $label"] = { param($seed) $embeddings | Invoke-AudioClustering -ClusterCount $ClusterCount -Seed $seed @switches }.GetNewClosure() }
    if ('Ward' -in $Methods) { $runs["Ward, $label"] = { param($seed) $embeddings | Invoke-AudioClustering -Method Agglomerative -Linkage Ward -ClusterCount $ClusterCount @switches }.GetNewClosure() }
}
# Each deep method: its cmdlet, the preprocessings to run it on and the parameters on top of its defaults.
$deepMethods = [ordered]@{
    Temi  = @{ Name = 'TEMI'; Command = 'Invoke-TemiTraining'; Preprocessing = $TemiPreprocessing; Parameters = $TemiParameters }
    Spice = @{ Name = 'SPICE'; Command = 'Invoke-SpiceTraining'; Preprocessing = $SpicePreprocessing; Parameters = $SpiceParameters }
}
if ('SpiceSemi' -in $Methods) {
    $deepMethods.SpiceSemi = @{ Name = 'SPICE stages 2+3'; Command = 'Invoke-SpiceTraining'; Preprocessing = $SpicePreprocessing
                                Parameters = $SpiceParameters + @{ EncoderModelPath = $EncoderModelPath } }
}
foreach ($key in $deepMethods.Keys) {
    if ($key -notin $Methods) { continue }
    $deep = $deepMethods[$key]
    foreach ($prep in $deep.Preprocessing) {
        $switches = $preprocessing[$prep].Switches
        $command = $deep.Command
        $parameters = $deep.Parameters
        $runs["$($deep.Name), $($preprocessing[$prep].Name)"] = { param($seed) $embeddings | & $command -ClusterCount $ClusterCount -Seed $seed @switches @parameters }.GetNewClosure()
    }
}
if ('DeepCluster' -in $Methods) {
    # The clips of the embeddings, in their order (files the encoder refused are not among them).
    $sources = [string[]]$embeddings.Source
    $runs['DeepCluster, clips'] = { param($seed) Invoke-DeepClusterTraining -LiteralPath $sources -ClusterCount $ClusterCount -Seed $seed -EncoderModelPath $EncoderModelPath @DeepClusterParameters }.GetNewClosure()
}
$labels = [string[]]$embeddings.Label

$partitions = [Collections.Generic.List[object]]::new()
$table = foreach ($name in $runs.Keys) {
    $scores = foreach ($seed in $Seeds) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $assigned = & $runs[$name] $seed
        $seconds = $sw.Elapsed.TotalSeconds
        $partitions.Add([ordered]@{ Method = $name; Seed = $seed; Seconds = $seconds; Clusters = [int[]]$assigned.Cluster })
        # Scored by position: every method returns one assignment per input, in input order.
        if (@($assigned).Count -ne $labels.Count) { throw "$name returned $(@($assigned).Count) assignments for $($labels.Count) inputs." }
        $q = [AudioCluster.Metrics.ClusterMetrics]::Evaluate($labels, [string[]]$assigned.Cluster)
        [pscustomobject]@{ NMI = $q.NMI; ARI = $q.ARI; Accuracy = $q.Accuracy; Clusters = @($assigned.Cluster | Sort-Object -Unique).Count; Seconds = $seconds }
        Write-Host ("  {0,-24} seed {1}: NMI {2:F3}  ARI {3:F3}  {4:F1} s" -f $name, $seed, $q.NMI, $q.ARI, $seconds)
    }
    [pscustomobject]@{
        Method   = $name
        NMI      = Format-MeanStd $scores.NMI
        ARI      = Format-MeanStd $scores.ARI
        Accuracy = Format-MeanStd $scores.Accuracy
        Clusters = Format-MeanStd $scores.Clusters 'F1'
        Seconds  = Format-MeanStd $scores.Seconds 'F1'
    }
}
if ($AssignmentsPath) {
    [ordered]@{ Path = $Path; Encoder = $Encoder; ClusterCount = $ClusterCount; Sources = [string[]]$embeddings.Source; Labels = [string[]]$embeddings.Label
                Spice = $SpiceParameters; Temi = $TemiParameters; DeepCluster = $DeepClusterParameters; Runs = $partitions } |
        ConvertTo-Json -Depth 4 -Compress | Set-Content -LiteralPath $AssignmentsPath
}
function Format-Parameters([string] $Name, [hashtable] $Parameters) {
    if ($Parameters.Count) { ", $Name " + (($Parameters.GetEnumerator() | Sort-Object Key | ForEach-Object { "-$($_.Key) $($_.Value)" }) -join ' ') } else { '' }
}
"$Encoder embeddings of $($embeddings.Count) files ($([math]::Round($embedSeconds, 1)) s), k = $ClusterCount, seeds $($Seeds -join ', ')" +
    (Format-Parameters 'TEMI' $TemiParameters) + (Format-Parameters 'SPICE' $SpiceParameters) + (Format-Parameters 'DeepCluster' $DeepClusterParameters)
$table | Format-Table -AutoSize | Out-String -Width 200
