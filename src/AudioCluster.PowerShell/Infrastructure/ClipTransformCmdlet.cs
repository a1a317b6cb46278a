using System.Management.Automation;
using AudioCluster.Audio;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>
/// A streaming cmdlet that also takes AudioClip objects from Import-Audio, besides paths and
/// FileInfo objects (Get-Spectrogram, Get-AudioEmbedding).
/// </summary>
public abstract class ClipTransformCmdlet : AudioInputCmdlet
{
    /// <summary>Clips from Import-Audio.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClipSet, ValueFromPipeline = true)]
    public AudioClip? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject != null) Enqueue(InputObject);
        else base.ProcessRecord();
    }
}
