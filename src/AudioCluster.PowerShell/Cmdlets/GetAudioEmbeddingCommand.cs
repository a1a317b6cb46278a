using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.Encoders;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Computes one embedding vector per clip with the chosen encoder (MelStats by default).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AudioEmbedding", DefaultParameterSetName = PathSet)]
[OutputType(typeof(AudioEmbedding))]
public sealed class GetAudioEmbeddingCommand : ClipTransformCmdlet
{
    /// <summary>The encoder: MelStats (log-mel, MFCC and delta statistics; needs no weights).</summary>
    [Parameter]
    public EncoderKind Encoder { get; set; } = EncoderKind.MelStats;

    IAudioEncoder encoder = null!;

    protected override string Activity => $"Embedding audio ({Encoder})";

    protected override void ValidateParameters()
    {
        encoder = Encoder switch
        {
            EncoderKind.MelStats => new MelStatsEncoder(),
            _ => throw new NotSupportedException($"Encoder {Encoder} is not available."),
        };
        WriteVerbose($"Encoder: {encoder.Id} ({encoder.Dimensions} dimensions at {encoder.SampleRate} Hz)");
    }

    protected override AudioReadOptions ReadOptions => new() { SampleRate = encoder.SampleRate, Mono = true };

    protected override object Transform(AudioClip clip, CancellationToken cancellation) =>
        new AudioEmbedding(clip.Source, clip.Label, encoder.Id, encoder.Encode(clip.MonoAt(encoder.SampleRate)));
}
