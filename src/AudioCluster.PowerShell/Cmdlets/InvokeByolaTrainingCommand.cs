using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.InteropServices;
using AudioCluster.Audio;
using AudioCluster.Encoders;
using AudioCluster.Encoders.Training;
using AudioCluster.Features;
using AudioCluster.PowerShell.Infrastructure;
using AudioCluster.Runtime;

namespace AudioCluster.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Trains the BYOL-A encoder on unlabelled audio (self-supervised), writing a model that Get-AudioEmbedding -Encoder ByolA loads.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ByolaTraining", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(ByolaTrainingEpoch))]
public sealed class InvokeByolaTrainingCommand : ClipTransformCmdlet, IDisposable
{
    /// <summary>Where the trained encoder goes (a PyTorch state dict); the checkpoint is written beside it.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string ModelPath { get; set; } = "";

    /// <summary>Train until this many epochs are complete (counting those of a resumed checkpoint).</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int Epochs { get; set; } = 100;

    /// <summary>Clips per step; more than the clips is capped with a warning.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>Adam's learning rate.</summary>
    [Parameter]
    public double LearningRate { get; set; } = 3e-4;

    /// <summary>Seed of the initial weights, the crops, the augmentations and dropout.</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>Embedding width of a randomly initialised encoder.</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int Dimensions { get; set; } = 512;

    /// <summary>Weights to start from instead of random ones.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InitialModelPath { get; set; }

    /// <summary>Continue from the checkpoint beside -ModelPath.</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>Cpu, Cuda or Auto (CUDA when it works, else the CPU).</summary>
    [Parameter]
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    /// <summary>Overwrite an existing model and checkpoint (without -Resume).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    string modelPath = "", checkpointPath = "", initialPath = "";
    bool skip;                    // -WhatIf, declined, or nothing left to train
    readonly List<Spectrogram> logMels = new();
    long memoryBytes;
    ByolaTrainer? trainer;

    protected override string Activity => "Reading audio for BYOL-A training";

    protected override AudioReadOptions ReadOptions => new() { SampleRate = ByolaEncoder.MelOptions.SampleRate, Mono = true };

    protected override void ValidateParameters()
    {
        var bound = MyInvocation.BoundParameters;
        modelPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ModelPath);
        checkpointPath = ByolaTrainer.CheckpointPathFor(modelPath);
        if (Directory.Exists(modelPath)) ThrowParameterError($"'{modelPath}' is a folder; -ModelPath takes the file to write the encoder to.", nameof(ModelPath));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) ThrowParameterError($"-LearningRate must be a positive number, got {LearningRate}.", nameof(LearningRate));
        if (Resume)
        {
            if (InitialModelPath != null) ThrowParameterError("-InitialModelPath starts a new training; a resumed one continues from its checkpoint. Give one or the other.", nameof(InitialModelPath));
            if (!File.Exists(checkpointPath))
                ThrowParameterError($"No checkpoint to resume from: '{checkpointPath}' does not exist (run without -Resume first).", nameof(Resume));
            ByolaCheckpointInfo info = null!;
            try
            {
                info = ByolaTrainer.ReadCheckpointInfo(checkpointPath);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(e, "InvokeByolaTraining.BadCheckpoint", ErrorCategory.InvalidData, checkpointPath));
            }
            // A resumed training keeps its settings; a different value asked for would silently not apply.
            void Same(string name, object given, object saved)
            {
                if (bound.ContainsKey(name) && !Equals(given, saved))
                    ThrowParameterError($"-{name} {Format(given)} differs from the checkpoint's {Format(saved)}: a resumed training keeps its settings; leave -{name} out.", name);
            }
            Same(nameof(Seed), Seed, info.Options.Seed);
            Same(nameof(BatchSize), BatchSize, info.Options.BatchSize);
            Same(nameof(LearningRate), LearningRate, info.Options.LearningRate);
            Same(nameof(Dimensions), Dimensions, info.Dimensions);
            if (info.Epoch >= Epochs)
            {
                WriteWarning($"The checkpoint already holds {info.Epoch} epochs (-Epochs {Epochs}); nothing to train. Raise -Epochs to train more.");
                skip = true;
                return;
            }
            WriteVerbose($"Resuming from epoch {info.Epoch} of '{checkpointPath}' (seed {info.Options.Seed}, batch size {info.Options.BatchSize}, learning rate {Format(info.Options.LearningRate)}, {info.Dimensions} dimensions).");
        }
        else
        {
            if (InitialModelPath != null)
            {
                initialPath = SessionState.Path.GetUnresolvedProviderPathFromPSPath(InitialModelPath);
                if (!File.Exists(initialPath)) ThrowParameterError($"Initial model '{initialPath}' not found.", nameof(InitialModelPath));
                if (bound.ContainsKey(nameof(Dimensions))) ThrowParameterError("-Dimensions sets the width of random weights; with -InitialModelPath the file decides it. Give one or the other.", nameof(Dimensions));
            }
            var existing = new[] { modelPath, checkpointPath }.Where(File.Exists).ToList();
            if (existing.Count > 0 && !Force)
                ThrowParameterError($"'{existing[0]}' exists; add -Force to overwrite it, or -Resume to continue its training.", nameof(ModelPath));
        }
        var action = Resume ? $"Resume BYOL-A training until epoch {Epochs}, writing the model and '{System.IO.Path.GetFileName(checkpointPath)}'"
                            : $"Train BYOL-A for {Epochs} epochs, writing the model and '{System.IO.Path.GetFileName(checkpointPath)}'";
        if (!ShouldProcess(modelPath, action)) skip = true;
    }

    static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    protected override void ProcessRecord()
    {
        if (!skip) base.ProcessRecord();
    }

    protected override object Transform(AudioClip clip, CancellationToken cancellation) =>
        ByolaEncoder.LogMel(clip.MonoAt(ByolaEncoder.MelOptions.SampleRate), clip.Source, clip.Label);

    protected override void Emit(object value)
    {
        var logMel = (Spectrogram)value;
        logMels.Add(logMel);
        memoryBytes += logMel.Data.Length * sizeof(float);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (skip) return;
        if (logMels.Count == 0)
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("No clips to train on: the pipeline gave no audio that could be read."), "InvokeByolaTraining.NoInput", ErrorCategory.InvalidData, null));
        var clipSeconds = logMels.Sum(s => s.Duration.TotalSeconds);
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"{logMels.Count} clips ({clipSeconds:0.#} s of audio), log-mels held in memory: {memoryBytes / 1048576.0:0.#} MiB."));
        try
        {
            trainer = Resume
                ? ByolaTrainer.Resume(logMels, checkpointPath, Epochs, Device)
                : ByolaTrainer.Create(logMels, new ByolaTrainingOptions
                {
                    Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = Seed, Dimensions = Dimensions,
                    InitialModelPath = InitialModelPath == null ? null : initialPath, Device = Device,
                });
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvokeByolaTraining.Failed", ErrorCategory.InvalidData, Resume ? checkpointPath : InitialModelPath ?? modelPath));
            return;
        }
        if (trainer.DeviceNote != null)
        {
            if (Device == ComputeDevice.Cuda) WriteWarning(trainer.DeviceNote);
            else WriteVerbose(trainer.DeviceNote);
        }
        if (trainer.ResumeNote != null) WriteWarning(trainer.ResumeNote);
        if (trainer.Options.BatchSize > logMels.Count)
            WriteWarning($"-BatchSize {trainer.Options.BatchSize} is more than the {logMels.Count} clips: every step takes all {logMels.Count}.");
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"Training on {trainer.DeviceName}: {trainer.Dimensions} dimensions, {trainer.StepsPerEpoch} steps of {trainer.EffectiveBatchSize} clips per epoch, " +
            $"epochs {trainer.CompletedEpochs + 1} to {Epochs}; normalisation mean {trainer.Normalization.Mean:R}, std {trainer.Normalization.Std:R}."));
        Train(trainer);
    }

    void Train(ByolaTrainer t)
    {
        const string activity = "Training BYOL-A";
        int firstEpoch = t.CompletedEpochs + 1;
        long totalSteps = (long)(Epochs - t.CompletedEpochs) * t.StepsPerEpoch;
        var done = new ConcurrentQueue<ByolaTrainingEpoch>();
        var progress = new StepProgress();
        var clock = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            // Each epoch's files are written before the next begins; Ctrl+C stops after a step, so a file is never
            // left half-written and the last checkpoint is always a whole epoch.
            while (t.CompletedEpochs < Epochs)
            {
                var epoch = t.TrainEpoch(progress, Cancellation);
                t.SaveModel(modelPath);
                t.SaveCheckpoint(checkpointPath);
                done.Enqueue(epoch with { ModelPath = modelPath });
            }
        });
        double? lastLoss = null;
        try
        {
            while (!task.Wait(250))
            {
                Drain();
                if (progress.Latest is { } p)
                {
                    long stepsDone = (long)(p.Epoch - firstEpoch) * t.StepsPerEpoch + p.Step;
                    var status = string.Create(CultureInfo.InvariantCulture,
                        $"Epoch {p.Epoch} of {Epochs}, step {p.Step} of {p.StepsPerEpoch}, loss {p.RunningLoss:0.0000}") +
                        (lastLoss is double l ? string.Create(CultureInfo.InvariantCulture, $" (last epoch {l:0.0000})") : "");
                    var record = new ProgressRecord(ProgressId, activity, status)
                    {
                        PercentComplete = (int)Math.Clamp(100 * stepsDone / Math.Max(1, totalSteps), 0, 100),
                        SecondsRemaining = (int)Math.Ceiling(clock.Elapsed.TotalSeconds / Math.Max(1, stepsDone) * (totalSteps - stepsDone)),
                    };
                    WriteProgress(record);
                }
            }
            Drain();
        }
        finally
        {
            // Never leave the worker running on a trainer that is about to be disposed.
            if (!task.IsCompleted) ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        }
        CompleteProgress(activity);
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or ExternalException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvokeByolaTraining.Failed", ErrorCategory.NotSpecified, modelPath));
        }

        void Drain()
        {
            while (done.TryDequeue(out var epoch))
            {
                lastLoss = epoch.Loss;
                WriteVerbose(string.Create(CultureInfo.InvariantCulture,
                    $"Epoch {epoch.Epoch}: loss {epoch.Loss:0.000000}, {epoch.Steps} steps in {epoch.Seconds:0.0} s; saved '{modelPath}' and its checkpoint."));
                WriteObject(epoch);
            }
        }
    }

    /// <summary>The latest step reported by the worker, for the pipeline thread to show.</summary>
    sealed class StepProgress : IProgress<ByolaStepProgress>
    {
        readonly object gate = new();
        ByolaStepProgress? latest;
        public ByolaStepProgress? Latest { get { lock (gate) return latest; } }
        public void Report(ByolaStepProgress value) { lock (gate) latest = value; }
    }

    public void Dispose() => trainer?.Dispose();
}
