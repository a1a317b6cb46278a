using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Decodes audio files into AudioClip objects, resampled and labelled.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "Audio", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AudioClip))]
public sealed class ImportAudioCommand : AudioInputCmdlet
{
    /// <summary>Resample to this rate (Hz), with torchaudio's default sinc resampler.</summary>
    [Parameter]
    [ValidateRange(1000, 384000)]
    public int SampleRate { get; set; }

    /// <summary>Average the channels into one (on by default; -Mono:$false keeps them).</summary>
    [Parameter]
    public SwitchParameter Mono { get; set; } = true;

    /// <summary>Seconds to skip at the start.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double Offset { get; set; }

    /// <summary>Seconds to keep after the offset (the rest of the file when omitted).</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double Duration { get; set; }

    protected override string Activity => "Decoding audio";

    protected override void ValidateParameters()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Duration)) && Duration <= 0)
            ThrowParameterError("-Duration must be more than 0 seconds.", nameof(Duration));
    }

    protected override AudioReadOptions ReadOptions => new()
    {
        SampleRate = SampleRate > 0 ? SampleRate : null,
        Mono = Mono.ToBool(),
        Offset = Offset > 0 ? TimeSpan.FromSeconds(Offset) : null,
        Duration = Duration > 0 ? TimeSpan.FromSeconds(Duration) : null,
    };

    protected override object Transform(AudioClip clip, CancellationToken cancellation) => clip;
}
