using System.Globalization;
using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.Clustering;
using AudioCluster.DeepClustering;
using AudioCluster.Encoders;
using AudioCluster.Features;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Runtime;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Clusters audio with DeepCluster: k-means on the BYOL-A encoder's features and training of the encoder on those pseudo-labels, in turn.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "DeepClusterTraining", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(ClusterAssignment))]
public sealed class InvokeDeepClusterTrainingCommand : ClipTransformCmdlet
{
    /// <summary>Clusters of the final k-means (and pseudo-labels of every epoch unless -PseudoLabelCount says otherwise).</summary>
    [Parameter(Mandatory = true)]
    [Alias("K")]
    [ValidateRange(2, 100000)]
    public int ClusterCount { get; set; }

    /// <summary>Pseudo-labels (k-means clusters) the encoder is trained on each epoch; default: -ClusterCount.</summary>
    [Parameter]
    [ValidateRange(2, 100000)]
    public int PseudoLabelCount { get; set; }

    /// <summary>Rounds of clustering and one pass of training.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int Epochs { get; set; } = 10;

    /// <summary>Clips per optimiser step; more than the clips is capped with a warning.</summary>
    [Parameter]
    [ValidateRange(2, 100000)]
    public int BatchSize { get; set; } = 64;

    /// <summary>SGD learning rate of encoder and classifier.</summary>
    [Parameter]
    [ValidateRange(1e-9, 10.0)]
    public double LearningRate { get; set; } = 0.005;

    /// <summary>PCA components the features are whitened into (capped by the encoder's width and the clips; the default also at one per 8 clips).</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int Dimensions { get; set; } = 256;

    /// <summary>Seed of the encoder's random weights, the crops, augmentations, sampling, classifier and k-means.</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>Cpu, Cuda or Auto.</summary>
    [Parameter]
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    /// <summary>BYOL-A weights to start from (the authors' .pth or a model this module wrote); without it the encoder is random.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EncoderModelPath { get; set; }

    /// <summary>The cluster model (JSON) to write; the trained encoder goes beside it as NAME.encoder.pth.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelPath { get; set; }

    /// <summary>Overwrite the model and encoder files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    string? modelFile, encoderFile, initialEncoder;
    DeepClusterOptions options = null!;
    readonly List<Spectrogram> logMels = new();

    protected override string Activity => "Reading audio for DeepCluster";

    protected override AudioReadOptions ReadOptions => new() { SampleRate = ByolaEncoder.MelOptions.SampleRate, Mono = true };

    /// <summary>How new clips join the clusters of a saved model and its trained encoder (the normalisation is kept beside the encoder).</summary>
    internal static string NewClipsHint(string encoderFile, string modelFile, NormalizationStats stats) => string.Create(CultureInfo.InvariantCulture,
        $"New clips into these clusters: Get-AudioEmbedding -Encoder ByolA -ModelPath '{encoderFile}' | Invoke-AudioClustering -ModelPath '{modelFile}' " +
        $"(the encoder's log-mel normalisation, mean {stats.Mean:R} and std {stats.Std:R}, is kept in '{ByolaNormalizationFile.PathFor(encoderFile)}').");

    /// <summary>The encoder file written beside a DeepCluster model: x.json gives x.encoder.pth.</summary>
    public static string EncoderPathFor(string modelPath) => System.IO.Path.ChangeExtension(modelPath, null) + ".encoder.pth";

    protected override void ValidateParameters()
    {
        var bound = MyInvocation.BoundParameters;
        if (EncoderModelPath != null)
        {
            initialEncoder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(EncoderModelPath);
            if (!File.Exists(initialEncoder)) ThrowParameterError($"-EncoderModelPath '{initialEncoder}' not found (give BYOL-A weights: the authors' .pth or an encoder this module saved).", nameof(EncoderModelPath));
        }
        if (ModelPath != null)
        {
            modelFile = ResolveOutputFile(ModelPath, Force, nameof(ModelPath));
            if (!string.Equals(System.IO.Path.GetExtension(modelFile), ".json", StringComparison.OrdinalIgnoreCase))
                ThrowParameterError($"-ModelPath '{modelFile}' should end in .json: it is the cluster model, and the encoder is written beside it as NAME.encoder.pth.", nameof(ModelPath));
            encoderFile = ResolveOutputFile(EncoderPathFor(modelFile), Force, nameof(ModelPath));
            if (string.Equals(encoderFile, initialEncoder, StringComparison.Ordinal))
                ThrowParameterError($"'{encoderFile}' is both the starting encoder and the file the trained one would overwrite; choose another -ModelPath.", nameof(ModelPath));
        }
        options = new DeepClusterOptions
        {
            ClusterCount = ClusterCount,
            PseudoLabelCount = bound.ContainsKey(nameof(PseudoLabelCount)) ? PseudoLabelCount : null,
            Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate,
            PcaDimensions = bound.ContainsKey(nameof(Dimensions)) ? Dimensions : null,
            Seed = Seed, Device = Device, EncoderModelPath = initialEncoder,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message.Split(" (Parameter")[0], e.ParamName ?? nameof(ClusterCount));
        }
        if (modelFile != null && !ShouldProcess(modelFile, $"Train DeepCluster and save the cluster model and the encoder '{System.IO.Path.GetFileName(encoderFile)}'"))
            modelFile = encoderFile = null;
    }

    protected override object Transform(AudioClip clip, CancellationToken cancellation) =>
        ByolaEncoder.LogMel(clip.MonoAt(ByolaEncoder.MelOptions.SampleRate), clip.Source, clip.Label);

    protected override void Emit(object value)
    {
        var logMel = (Spectrogram)value;
        if (logMel.Frames < ByolaEncoder.MinFrames)
        {
            WriteItemError(new IOException($"'{logMel.Source}': too short for BYOL-A: {logMel.Frames} log-mel frames, at least {ByolaEncoder.MinFrames} needed. It was left out."),
                "InvokeDeepClusterTraining.TooShort", ErrorCategory.InvalidData, logMel.Source);
            return;
        }
        logMels.Add(logMel);
    }

    /// <summary>Writes encoder and cluster model (each atomically; the model's hash check catches a pair torn by a crash between the two).</summary>
    void Save(DeepClusterResult epoch)
    {
        if (modelFile == null || encoderFile == null) return;
        AtomicFile.Write(encoderFile, stream => stream.Write(epoch.EncoderWeights));
        ByolaNormalizationFile.Write(encoderFile, epoch.Model.Encoder.Normalization);
        AtomicFile.Write(modelFile, epoch.Model.Save);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (logMels.Count == 0)
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("No clips to train on: the pipeline gave no audio that could be read."), "InvokeDeepClusterTraining.NoInput", ErrorCategory.InvalidData, null));
        // An explicit batch that does not fit deserves a warning; the default simply fits small data (a verbose note says so).
        if (BatchSize > logMels.Count && MyInvocation.BoundParameters.ContainsKey(nameof(BatchSize)))
            WriteWarning($"-BatchSize {BatchSize} is more than the {logMels.Count} clips: every step takes all {logMels.Count}.");
        DeepClusterResult result;
        try
        {
            // The files are rewritten after every complete epoch, so Ctrl+C (or a crash) leaves the last one's encoder and clusters.
            result = RunTraining("DeepCluster training", (progress, log) => DeepClusterTrainer.Fit(logMels, options, progress, log, Cancellation, Save));
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            ThrowTrainingError(e, e is IOException or InvalidDataException ? EncoderModelPath : ClusterCount);
            return;
        }
        if (result.Stopped) throw new PipelineStoppedException();

        if (result.DeviceNote != null)
        {
            if (Device == ComputeDevice.Cuda) WriteWarning(result.DeviceNote);
            else WriteVerbose(result.DeviceNote);
        }
        if (modelFile != null && encoderFile != null)
        {
            WriteVerbose($"Saved '{modelFile}' and the encoder '{encoderFile}'. " + NewClipsHint(encoderFile, modelFile, result.Model.Encoder.Normalization));
        }
        // The curve, one record per epoch with its pseudo-labels (Information stream, tag DeepClusterEpoch).
        foreach (var epoch in result.Epochs)
            WriteInformation(new InformationRecord(epoch, "Invoke-DeepClusterTraining") { Tags = { "DeepClusterEpoch" } });
        for (int i = 0; i < logMels.Count; i++)
        {
            var clip = logMels[i];
            WriteObject(new ClusterAssignment(clip.Source, clip.Label, result.Labels[i], result.Distances[i], result.Confidence[i], result.Model.Method, result.Features[i]));
        }
    }
}
