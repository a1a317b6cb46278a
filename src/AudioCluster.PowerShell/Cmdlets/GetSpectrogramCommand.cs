using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.Features;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Computes log-mel (default), mel or MFCC spectrograms, equal to torchaudio's.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "Spectrogram", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Spectrogram))]
public sealed class GetSpectrogramCommand : ClipTransformCmdlet
{
    [Parameter]
    public SpectrogramKind Kind { get; set; } = SpectrogramKind.LogMel;

    /// <summary>Rate the spectrogram is computed at; clips at other rates are resampled.</summary>
    [Parameter]
    [ValidateRange(1000, 384000)]
    public int SampleRate { get; set; } = 16000;

    [Parameter]
    [Alias("NFft")]
    [ValidateRange(16, 65536)]
    public int FftSize { get; set; } = 1024;

    [Parameter]
    [Alias("WinLength")]
    [ValidateRange(0, 65536)]
    public int WindowLength { get; set; }

    [Parameter]
    [ValidateRange(1, 65536)]
    public int HopLength { get; set; } = 160;

    [Parameter]
    [Alias("NMels")]
    [ValidateRange(1, 1024)]
    public int MelBins { get; set; } = 64;

    [Parameter]
    [Alias("FMin")]
    [ValidateRange(0.0, double.MaxValue)]
    public double MinFrequency { get; set; } = 60;

    /// <summary>Upper edge of the mel bank in Hz (half the sample rate when 0).</summary>
    [Parameter]
    [Alias("FMax")]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxFrequency { get; set; } = 7800;

    /// <summary>Exponent of the magnitude: 2 for power, 1 for magnitude.</summary>
    [Parameter]
    [ValidateRange(0.5, 4.0)]
    public double Power { get; set; } = 2;

    [Parameter]
    public MelScale MelScale { get; set; } = MelScale.Htk;

    [Parameter]
    public MelNorm MelNorm { get; set; } = MelNorm.None;

    /// <summary>Added before the natural log (torch float32 eps by default).</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double LogOffset { get; set; } = 1.1920928955078125e-07;

    [Parameter]
    [ValidateRange(1, 256)]
    public int MfccCount { get; set; } = 40;

    MelSpectrogramOptions options = null!;

    protected override string Activity => "Computing spectrograms";

    protected override AudioReadOptions ReadOptions => new() { SampleRate = SampleRate, Mono = true };

    protected override void ValidateParameters()
    {
        var maxFrequency = MaxFrequency > 0 ? MaxFrequency : SampleRate / 2.0;
        if (maxFrequency > SampleRate / 2.0)
            ThrowParameterError($"-MaxFrequency {MaxFrequency} Hz is above half the sample rate ({SampleRate / 2} Hz).", nameof(MaxFrequency));
        if (MinFrequency >= maxFrequency)
            ThrowParameterError($"-MinFrequency {MinFrequency} Hz must be below -MaxFrequency {maxFrequency} Hz.", nameof(MinFrequency));
        if (WindowLength > FftSize)
            ThrowParameterError($"-WindowLength {WindowLength} cannot exceed -FftSize {FftSize}.", nameof(WindowLength));
        if (Kind == SpectrogramKind.Mfcc && MfccCount > MelBins)
            ThrowParameterError($"-MfccCount {MfccCount} cannot exceed -MelBins {MelBins}.", nameof(MfccCount));
        options = new MelSpectrogramOptions
        {
            SampleRate = SampleRate,
            NFft = FftSize,
            WinLength = WindowLength > 0 ? WindowLength : null,
            HopLength = HopLength,
            NMels = MelBins,
            FMin = MinFrequency,
            FMax = MaxFrequency > 0 ? MaxFrequency : null,
            Power = Power,
            MelScale = MelScale,
            MelNorm = MelNorm,
            LogOffset = (float)LogOffset,
            // torch.stft's float32 arithmetic where it applies (power-of-two sizes), so the
            // numbers match torchaudio's to its own roundoff, even in nearly empty bands.
            Float32Stft = RealFft32.Supports(FftSize),
        };
    }

    protected override object Transform(AudioClip clip, CancellationToken cancellation)
    {
        var mono = clip.MonoAt(SampleRate);
        return Kind switch
        {
            SpectrogramKind.LogMel => LogMel.Compute(mono, options, clip.Source, clip.Label),
            SpectrogramKind.Mel => MelSpectrogram.Compute(mono, options, clip.Source, clip.Label),
            SpectrogramKind.Mfcc => Mfcc.Compute(mono, options, clip.Source, clip.Label, MfccCount),
            SpectrogramKind.Power => Stft.Compute(mono, options, clip.Source, clip.Label),
            _ => throw new NotSupportedException($"-Kind {Kind} is not supported."),
        };
    }
}
