using System.Management.Automation;
using AudioCluster.Audio;
using AudioCluster.Clustering;
using AudioCluster.DeepClustering;
using AudioCluster.Encoders;
using AudioCluster.Features;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Storage;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Clusters embeddings with SPICE: heads trained on prototype pseudo-labels (stage 2), and with -EncoderModelPath the BYOL-A encoder trained on the clips' spectrograms from the reliable labels (stage 3).</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SpiceTraining", SupportsShouldProcess = true)]
[OutputType(typeof(ClusterAssignment))]
public sealed class InvokeSpiceTrainingCommand : DeepTrainingCmdlet
{
    /// <summary>Heads trained together; the one with the lowest selection loss is kept.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int Heads { get; set; } = 10;

    /// <summary>Inputs pseudo-labelled together (M).</summary>
    [Parameter]
    [ValidateRange(1, 10000000)]
    public int BatchSize { get; set; } = 5000;

    /// <summary>Pseudo-labelled inputs per optimiser step.</summary>
    [Parameter]
    [ValidateRange(1, 1000000)]
    public int TrainBatchSize { get; set; } = 128;

    /// <summary>Passes over a batch's pseudo-labels before the next labelling.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Repeats { get; set; } = 8;

    /// <summary>Adam's learning rate.</summary>
    [Parameter]
    [ValidateRange(1e-9, 10.0)]
    public double LearningRate { get; set; } = 0.005;

    /// <summary>Share of batch / K most confident inputs averaged into each prototype.</summary>
    [Parameter]
    [ValidateRange(1e-6, 1.0)]
    public double ConfidentRatio { get; set; } = 0.5;

    /// <summary>Share of batch / K inputs nearest each prototype that get its label.</summary>
    [Parameter]
    [ValidateRange(1e-6, 1.0)]
    public double PseudoLabelRatio { get; set; } = 1.0;

    /// <summary>The strong view is one of this many nearest neighbours' embedding (0: the input itself).</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int AugmentNeighbors { get; set; } = 20;

    /// <summary>Share of the strong view's values zeroed at random.</summary>
    [Parameter]
    [ValidateRange(0.0, 0.95)]
    public double FeatureDropout { get; set; } = 0.1;

    /// <summary>Where the first epoch's prototypes come from: the paper's random heads, or k-means centres (one k-means seed per head).</summary>
    [Parameter]
    public SpiceInitialization Initialization { get; set; } = SpiceInitialization.Random;

    /// <summary>BYOL-A weights the piped embeddings came from; given, stage 3 trains them on the clips read from each embedding's Source.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EncoderModelPath { get; set; }

    /// <summary>Stage 3: passes over all clips.</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int SemiEpochs { get; set; } = 2;

    /// <summary>Stage 3: clips per labelled and per unlabelled batch.</summary>
    [Parameter]
    [ValidateRange(2, 100000)]
    public int SemiBatchSize { get; set; } = 32;

    /// <summary>Stage 3: Adam's learning rate of the encoder (the classifier's is ten times more).</summary>
    [Parameter]
    [ValidateRange(1e-9, 1.0)]
    public double SemiLearningRate { get; set; } = 1e-4;

    /// <summary>Stage 3: share of a clip's neighbours that must share its cluster for its label to be reliable (λ).</summary>
    [Parameter]
    [ValidateRange(1e-6, 1.0)]
    public double ReliableRatio { get; set; } = 0.9;

    /// <summary>Stage 3: neighbours checked for reliability (N_s, the clip itself included; capped by the clips).</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int ReliableNeighbors { get; set; } = 100;

    /// <summary>Stage 3: stage-2 probability a reliable clip must exceed.</summary>
    [Parameter]
    [ValidateRange(0.0, 0.999999)]
    public double ReliableConfidence { get; set; } = 0.99;

    /// <summary>Stage 3: weak-view probability from which the strong view is trained towards the weak view's cluster.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double ConfidenceThreshold { get; set; } = 0.95;

    SpiceOptions? options;
    SpiceSemiOptions? semiOptions;
    string? encoderFile;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        options = new SpiceOptions
        {
            ClusterCount = ClusterCount,
            Heads = Heads,
            Steps = StepsIfGiven,
            Epochs = EpochsIfGiven,
            BatchSize = BatchSize,
            TrainBatchSize = TrainBatchSize,
            Repeats = Repeats,
            LearningRate = LearningRate,
            ConfidentRatio = ConfidentRatio,
            PseudoLabelRatio = PseudoLabelRatio,
            AugmentNeighbors = AugmentNeighbors,
            FeatureDropout = FeatureDropout,
            Initialization = Initialization,
            Seed = Seed,
            Device = Device,
        };
        CheckOptions(options.Validate);
        if (EncoderModelPath == null) return;
        string initial = SessionState.Path.GetUnresolvedProviderPathFromPSPath(EncoderModelPath);
        if (!File.Exists(initial))
            ThrowParameterError($"-EncoderModelPath '{initial}' not found (give the BYOL-A weights the embeddings came from: the authors' .pth or an encoder this module saved).", nameof(EncoderModelPath));
        semiOptions = new SpiceSemiOptions
        {
            EncoderModelPath = initial, Epochs = SemiEpochs, BatchSize = SemiBatchSize, LearningRate = SemiLearningRate,
            ReliableRatio = ReliableRatio, ReliableNeighbors = ReliableNeighbors, ReliableConfidence = ReliableConfidence,
            ConfidenceThreshold = ConfidenceThreshold, Seed = Seed, Device = Device,
        };
        try
        {
            semiOptions.Validate();
        }
        catch (ArgumentException e)
        {
            ThrowParameterError(e.Message.Split(" (Parameter")[0], e.ParamName ?? nameof(SemiEpochs));
        }
        if (ModelFile != null)
        {
            // As DeepCluster: the cluster model (JSON) and the trained encoder beside it.
            if (!string.Equals(Path.GetExtension(ModelFile), ".json", StringComparison.OrdinalIgnoreCase))
                ThrowParameterError($"-ModelPath '{ModelFile}' should end in .json with -EncoderModelPath: it is the cluster model, and the trained encoder is written beside it as NAME.encoder.pth.", nameof(ModelPath));
            encoderFile = ResolveOutputFile(InvokeDeepClusterTrainingCommand.EncoderPathFor(ModelFile), Force, nameof(ModelPath));
            if (string.Equals(encoderFile, initial, StringComparison.Ordinal))
                ThrowParameterError($"'{encoderFile}' is both -EncoderModelPath and the file the trained encoder would overwrite; choose another -ModelPath.", nameof(ModelPath));
        }
    }

    protected override void EndProcessing()
    {
        var data = CollectedMatrix();
        PlanFor(() => SpicePlan.For(data.Rows, options!), p => p.Notes);
        // Without the encoder's weights the input is embeddings alone, so the encoder stays frozen (stage 2 only).
        WriteVerbose($"Stages: {(semiOptions == null ? SpiceTrainer.FrozenEmbeddingStages : SpiceSemiTrainer.Stages)}.");
        ConfirmModelFile(semiOptions == null ? "Save the trained SPICE model" : $"Train SPICE stages 2 and 3 and save the cluster model and the encoder '{encoderFile}'");
        // The clips are read before training, so a missing file stops the run at once.
        var logMels = semiOptions == null ? null : ReadClips();
        var preparation = new VectorPreparation(FittedStandardizer, L2Normalize);
        var result = Train("SPICE training", (progress, log) => SpiceTrainer.Fit(data, options!, preparation, progress, log, Cancellation));
        if (semiOptions == null || logMels == null || result.Stopped)
        {
            WriteResult(result);
            return;
        }
        var reliable = SpiceSemiTrainer.SelectReliable(data, result.Labels, result.Confidence, semiOptions);
        WriteVerbose("SPICE stage 3: " + reliable.Describe(data.Rows, semiOptions) + ".");
        if (reliable.ClustersCovered < 2)
        {
            WriteWarning($"Only {reliable.ClustersCovered} cluster(s) have reliable clips ({reliable.Consistent} of {data.Rows}); stage 3 needs 2, so the result is stage 2's. " +
                         "Lower -ReliableRatio or -ReliableConfidence, or give more clips.");
            encoderFile = null;
            WriteResult(result);
            return;
        }
        var semi = Train("SPICE stage 3 training", (progress, log) =>
            SpiceSemiTrainer.Fit(logMels, reliable, ClusterCount, result.Model.Method, semiOptions, progress, log, Cancellation, SaveEncoder));
        if (ModelFile != null && encoderFile != null)
        {
            WriteVerbose(InvokeDeepClusterTrainingCommand.NewClipsHint(encoderFile, ModelFile, semi.Model.Encoder.Normalization));
        }
        WriteResult(semi);
    }

    /// <summary>Writes the trained encoder of a complete stage-3 epoch (the model beside it is written by WriteResult, or here as it goes).</summary>
    void SaveEncoder(SpiceSemiResult epoch)
    {
        if (ModelFile == null || encoderFile == null) return;
        AtomicFile.Write(encoderFile, stream => stream.Write(epoch.EncoderWeights));
        ByolaNormalizationFile.Write(encoderFile, epoch.Model.Encoder.Normalization);
        SaveModel(epoch.Model.Save);
    }

    /// <summary>BYOL-A log-mels of every input's Source, in input order (stage 3 trains on them).</summary>
    List<Spectrogram> ReadClips()
    {
        var read = new AudioReadOptions { SampleRate = ByolaEncoder.MelOptions.SampleRate, Mono = true };
        var result = new List<Spectrogram>(Items.Count);
        foreach (var item in Items)
        {
            Spectrogram logMel;
            try
            {
                if (string.IsNullOrEmpty(item.Source) || !File.Exists(item.Source))
                    throw new FileNotFoundException($"'{item.Source}' is not an audio file: stage 3 reads each embedding's clip from its Source (pipe Get-AudioEmbedding output, or leave out -EncoderModelPath).");
                var clip = AudioDecoder.Decode(item.Source, read);
                logMel = ByolaEncoder.LogMel(clip.MonoAt(ByolaEncoder.MelOptions.SampleRate), item.Source, item.Label);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "InvokeSpiceTraining.UnreadableSource", ErrorCategory.ReadError, item.Source));
                throw;   // not reached
            }
            if (logMel.Frames < ByolaEncoder.MinFrames)
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"'{item.Source}': too short for BYOL-A: {logMel.Frames} log-mel frames, at least {ByolaEncoder.MinFrames} needed."),
                    "InvokeSpiceTraining.TooShort", ErrorCategory.InvalidData, item.Source));
            result.Add(logMel);
        }
        return result;
    }
}
