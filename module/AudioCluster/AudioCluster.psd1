@{
    RootModule           = 'AudioCluster.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'b6f0c3f2-8d3e-4a57-9a61-2f4b4c1f7d21'
    Author               = 'AudioCluster contributors'
    CompanyName          = 'AudioCluster'
    Copyright            = '(c) AudioCluster contributors. MIT License.'
    Description          = 'Cluster audio without labels: decode and resample, log-mel spectrograms, embeddings, clustering and quality metrics equal to scikit-learn.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('AudioCluster.format.ps1xml')
    CmdletsToExport      = @(
        'Import-Audio'
        'Get-Spectrogram'
        'Get-AudioEmbedding'
        'Get-AudioTag'
        'Invoke-ByolaTraining'
        'Compress-AudioEmbedding'
        'Invoke-AudioClustering'
        'Invoke-TemiTraining'
        'Invoke-SpiceTraining'
        'Invoke-DeepClusterTraining'
        'Measure-ClusterQuality'
        'Export-ClusterReport'
        'Export-Spectrogram'
        'Invoke-ClusteringBenchmark'
        'New-SyntheticAudioSet'
        'Get-AudioClusterEnvironment'
        'Export-AudioEmbedding'
        'Import-AudioEmbedding'
        'Export-AudioCluster'
        'Undo-AudioClusterExport'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('audio', 'clustering', 'machine-learning', 'spectrogram')
        }
    }
}
