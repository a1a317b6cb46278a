using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using AudioCluster.Clustering;
using AudioCluster.Encoders;
using AudioCluster.Encoders.Training;
using AudioCluster.Features;
using AudioCluster.Metrics;
using AudioCluster.Reduction;
using AudioCluster.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>What a DeepCluster run produced: the encoder's weights and the cluster model of the last complete epoch, and each clip's cluster.</summary>
public sealed class DeepClusterResult
{
    /// <summary>The PCA whitening and final k-means centres, bound to <see cref="EncoderWeights"/>.</summary>
    public required DeepClusterModel Model { get; init; }
    /// <summary>The trained AudioNTT2020 as a PyTorch state dict (the bytes of the file ByolaEncoder and Get-AudioEmbedding load).</summary>
    public required byte[] EncoderWeights { get; init; }
    public required int[] Labels { get; init; }
    public required double[] Distances { get; init; }
    public required double[] Confidence { get; init; }
    /// <summary>Every clip's features as the final k-means saw them: the encoder's output PCA-whitened and L2-normalised.</summary>
    public required float[][] Features { get; init; }
    /// <summary>Epoch 0 (the initial encoder's clustering) and every complete epoch.</summary>
    public required IReadOnlyList<DeepClusterEpoch> Epochs { get; init; }
    public required DeepClusterPlan Plan { get; init; }
    public int EpochsCompleted => Epochs.Count - 1;
    public required string Device { get; init; }
    public string? DeviceNote { get; init; }
    /// <summary>True when cancellation stopped training early; the result is that of the last complete epoch.</summary>
    public bool Stopped { get; init; }
}

/// <summary>
/// DeepCluster (Caron et al., "Deep Clustering for Unsupervised Learning of Visual Features", ECCV 2018) on log-mel
/// spectrograms, as DECAR (Ghosh et al., 2022) adapts it to audio: every epoch (a) embeds all clips with the encoder,
/// whitens the features by PCA, L2-normalises them and runs k-means, whose clusters become pseudo-labels (an empty
/// cluster splits a perturbed copy of a non-empty one's centre); (b) trains the encoder and a freshly initialised
/// linear classifier on them with SGD for one pass, sampling clips uniformly over pseudo-labels, on augmented crops.
/// The NMI between successive epochs' pseudo-labels says how much the clustering still moves.
/// <para>
/// The encoder is BYOL-A's AudioNTT2020, random from the seed or loaded from weights (fine-tuning a pretrained one
/// is the useful case). Features are those Get-AudioEmbedding -Encoder ByolA computes from the saved weights and the
/// set's normalisation, so the saved model assigns new clips exactly as the final clustering assigned these.
/// Deterministic on the CPU for a seed and thread count: classifier weights and dropout masks come from the epoch's
/// own generator, not libtorch's process-wide one.
/// </para>
/// </summary>
public static class DeepClusterTrainer
{
    /// <summary>
    /// Trains on raw BYOL-A log-mels (<see cref="ByolaEncoder.LogMel"/>). ArgumentException for what the data cannot
    /// support; OperationCanceledException when cancelled before the initial clustering is complete; a later
    /// cancellation returns the last complete epoch with <see cref="DeepClusterResult.Stopped"/> set.
    /// <paramref name="completed"/> gets the result of every complete epoch (0 = the initial encoder) as soon as it
    /// is (on the training thread), for a caller that saves the model as it goes.
    /// </summary>
    public static DeepClusterResult Fit(IReadOnlyList<Spectrogram> logMels, DeepClusterOptions options,
        IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken cancellationToken = default,
        Action<DeepClusterResult>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(logMels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LogMelCrops.Check(logMels, nameof(logMels), ByolaEncoder.MinFrames);
        var (device, note) = TorchTraining.ResolveDevice(options.Device);
        return new Run(logMels, options, device, note, progress, log, completed, cancellationToken).Fit();
    }

    /// <summary>One training run; everything here touches TorchSharp.</summary>
    sealed class Run(IReadOnlyList<Spectrogram> logMels, DeepClusterOptions o, string deviceName, string? deviceNote,
        IProgress<TrainingProgress>? progress, Action<string>? log, Action<DeepClusterResult>? completed, CancellationToken ct)
    {
        readonly NormalizationStats stats = ByolaEncoder.Statistics(logMels);
        readonly int n = logMels.Count;

        /// <summary>The clustering step's output for one state of the encoder.</summary>
        sealed record Clustering(PcaModel Pca, DataMatrix Prepared, KMeansResult KMeans, byte[] Weights);

        long EpochSeed(int epoch) => (long)o.Seed * 1_000_003L + epoch;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public DeepClusterResult Fit()
        {
            torch.set_num_threads(o.Threads ?? Environment.ProcessorCount);
            var device = torch.device(deviceName);
            AudioNtt2020 net;
            lock (NativeStacks.TorchSeedGate)
            {
                // Seeded as ByolaEncoder does, so the starting encoder equals Get-AudioEmbedding -Encoder ByolA -Seed s.
                torch.manual_seed(o.Seed);
                net = o.EncoderModelPath != null ? ByolaEncoder.Load(o.EncoderModelPath) : new AudioNtt2020(LogMelCrops.MelBins, o.RandomDimensions);
            }
            using var encoder = net;
            net.to(device);
            var plan = DeepClusterPlan.For(n, net.D, o);
            foreach (var line in plan.Notes) log?.Invoke(line);
            int k = o.EffectivePseudoLabelCount, d = net.D, steps = plan.StepsPerEpoch;
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"DeepCluster: {n} clips, encoder {(o.EncoderModelPath != null ? "from " + Path.GetFileName(o.EncoderModelPath) : $"random (seed {o.Seed})")} " +
                $"d={d}, PCA-whitened to {plan.PcaDimensions}, {k} pseudo-labels, {o.ClusterCount} final clusters, {o.Epochs} epochs of {steps} steps of {plan.BatchSize}, " +
                $"SGD lr {o.LearningRate:G3} momentum {o.Momentum:G3}, crops of {o.CropFrames} frames, augmentations: {o.Augmentation.Describe()}; " +
                $"log-mel normalisation {stats}; on {deviceName}"));
            using var encoderOptimizer = torch.optim.SGD(net.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay);
            var crops = new LogMelCrops(logMels, stats, o.CropFrames);

            var clock = Stopwatch.StartNew();
            var current = Cluster(net, plan, k, 0);
            var epochs = new List<DeepClusterEpoch> { new(0, double.NaN, double.NaN, clock.Elapsed.TotalSeconds, 0, 0, current.KMeans.Labels) };
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"Epoch 0 (initial encoder): k-means inertia {current.KMeans.Inertia:G5}, {clock.Elapsed.TotalSeconds:0.0} s"));
            completed?.Invoke(Finish(current, plan, epochs.ToList(), false));
            bool stopped = false;
            for (int epoch = 1; epoch <= o.Epochs && !stopped; epoch++)
            {
                clock.Restart();
                var pseudo = current.KMeans.Labels;
                double? loss = TrainEpoch(net, encoderOptimizer, crops, pseudo, k, plan, epoch, device);
                if (loss == null) { stopped = true; break; }
                Clustering next;
                try
                {
                    next = Cluster(net, plan, k, epoch);
                }
                catch (OperationCanceledException)
                {
                    stopped = true;
                    break;
                }
                double nmi = ClusterMetrics.Evaluate(pseudo, next.KMeans.Labels).NMI;
                int empty = k - next.KMeans.Labels.Distinct().Count();
                var record = new DeepClusterEpoch(epoch, loss.Value, nmi, clock.Elapsed.TotalSeconds, steps, empty, next.KMeans.Labels);
                epochs.Add(record);
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"Epoch {epoch}: loss {loss:0.0000}, NMI vs previous epoch {nmi:0.0000}{(empty > 0 ? $", {empty} empty pseudo-labels" : "")}, {record.Seconds:0.0} s"));
                current = next;
                completed?.Invoke(Finish(current, plan, epochs.ToList(), false));
            }
            return Finish(current, plan, epochs, stopped);
        }

        /// <summary>Step (a): features of every clip, PCA whitening, L2 normalisation, k-means; with the encoder's weights at that point.</summary>
        Clustering Cluster(AudioNtt2020 net, DeepClusterPlan plan, int k, int epoch)
        {
            net.eval();
            var features = ByolaEncoder.Embed(net, deviceName, logMels, stats, 64, ct);
            var raw = DataMatrix.FromRows(features);
            var pca = Pca.Fit(raw, new PcaOptions { Dimensions = plan.PcaDimensions, Whiten = true, Seed = o.Seed }, ct);
            var prepared = VectorPreprocessing.L2Normalize(pca.Transform(raw));
            var kmeans = KMeans.Fit(prepared, new KMeansOptions(k, Restarts: o.KMeansRestarts, Seed: (int)(EpochSeed(epoch) & int.MaxValue))
                { EmptyClusters = KMeansEmptyClusters.SplitPerturbed }, ct);
            using var weights = new MemoryStream();
            net.save_py(weights, leaveOpen: true);
            return new Clustering(pca, prepared, kmeans, weights.ToArray());
        }

        /// <summary>
        /// Step (b): one pass of n examples drawn uniformly over the non-empty pseudo-labels, through the encoder and a new
        /// linear classifier (weights N(0, 0.01), bias 0, its own SGD, as DeepCluster resets its top layer). Null when cancelled.
        /// The classifier sees the features scaled to unit size per dimension over the batch (as batch-normed image features
        /// have; the scale is a constant for the gradient): BYOL-A's pooled outputs are far larger, and one SGD step at a
        /// usable rate would blow the logits up.
        /// </summary>
        double? TrainEpoch(AudioNtt2020 net, optim.Optimizer encoderOptimizer, LogMelCrops crops, int[] pseudo, int k, DeepClusterPlan plan, int epoch,
            Device device)
        {
            var rng = new SeededRandom(EpochSeed(epoch));
            // Classifier weights and dropout masks from the epoch's own generator: the same run whatever else uses libtorch meanwhile.
            using var random = new Generator((ulong)EpochSeed(epoch), CPU);
            var order = UniformOverLabels(pseudo, k, rng);
            using var classifier = nn.Linear(net.D, k);
            using (torch.no_grad())
            {
                classifier.weight!.copy_(torch.randn(new long[] { k, net.D }, generator: random) * 0.01);
                nn.init.zeros_(classifier.bias!);
            }
            classifier.to(device);
            using var classifierOptimizer = torch.optim.SGD(classifier.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay);
            using var targets = torch.tensor(pseudo.Select(l => (long)l).ToArray());
            net.train();
            net.DropoutGenerator = random;
            try
            {
                double sum = 0;
                int batch = plan.BatchSize, steps = plan.StepsPerEpoch, taken = 0;
                long done = (long)(epoch - 1) * steps, total = (long)o.Epochs * steps;
                for (int step = 0; step < steps; step++)
                {
                    if (ct.IsCancellationRequested) return null;
                    using var scope = torch.NewDisposeScope();
                    var index = order.Skip(step * batch).Take(batch).ToArray();
                    // A last batch of one would break batch norm: it joins the training of the next epoch instead.
                    if (index.Length < 2) break;
                    var x = crops.Batch(index.Select(i => crops.Random(i, rng)).ToArray(), device);
                    x = o.Augmentation.Apply(x, stats.Std, rng);
                    var y = targets.index_select(0, torch.tensor(index.Select(i => (long)i).ToArray())).to(device);
                    var features = net.forward(x);
                    var scale = (features.detach().square().sum(1).mean() / features.shape[1]).clamp_min(1e-12).rsqrt();
                    var loss = nn.functional.cross_entropy(classifier.forward(features * scale), y);
                    encoderOptimizer.zero_grad();
                    classifierOptimizer.zero_grad();
                    loss.backward();
                    encoderOptimizer.step();
                    classifierOptimizer.step();
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw new InvalidOperationException($"The loss became {value} at epoch {epoch}, step {step + 1}: lower the learning rate.");
                    sum += value;
                    taken++;
                    progress?.Report(new TrainingProgress((int)(done + step + 1), (int)total, sum / taken));
                }
                return sum / Math.Max(1, taken);
            }
            finally
            {
                net.DropoutGenerator = null;
            }
        }

        /// <summary>
        /// DeepCluster's sampler: n examples, an equal share from every non-empty pseudo-label (drawn with replacement
        /// from labels smaller than their share), shuffled.
        /// </summary>
        int[] UniformOverLabels(int[] pseudo, int k, SeededRandom rng)
        {
            var members = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
            for (int i = 0; i < pseudo.Length; i++) members[pseudo[i]].Add(i);
            var nonEmpty = members.Where(m => m.Count > 0).ToArray();
            int share = n / nonEmpty.Length + 1;
            var drawn = new List<int>(share * nonEmpty.Length);
            foreach (var m in nonEmpty)
            {
                if (m.Count >= share)
                {
                    var copy = m.ToArray();
                    for (int i = 0; i < share; i++)
                    {
                        int j = i + rng.NextInt(copy.Length - i);
                        (copy[i], copy[j]) = (copy[j], copy[i]);
                        drawn.Add(copy[i]);
                    }
                }
                else
                {
                    for (int i = 0; i < share; i++) drawn.Add(m[rng.NextInt(m.Count)]);
                }
            }
            var all = drawn.ToArray();
            for (int i = all.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (all[i], all[j]) = (all[j], all[i]);
            }
            return all.Take(n).ToArray();
        }

        /// <summary>The final clusters: the last pseudo-labels, or a k-means with the final cluster count when it differs.</summary>
        DeepClusterResult Finish(Clustering last, DeepClusterPlan plan, List<DeepClusterEpoch> epochs, bool stopped)
        {
            var centers = last.KMeans.Centers;
            if (o.ClusterCount != o.EffectivePseudoLabelCount)
                centers = KMeans.Fit(last.Prepared, new KMeansOptions(o.ClusterCount, Restarts: o.KMeansRestarts, Seed: o.Seed)
                    { EmptyClusters = KMeansEmptyClusters.SplitPerturbed }).Centers;
            var binding = new ByolaEncoderBinding(OnnxEncoder.WeightsHash(last.Weights), last.Pca.InputDimensions, stats);
            string method = string.Create(CultureInfo.InvariantCulture,
                $"DeepCluster k={o.ClusterCount}{(o.PseudoLabelCount is int p && p != o.ClusterCount ? $" pseudo={p}" : "")} epochs={epochs.Count - 1} seed={o.Seed}");
            var model = new DeepClusterModel(method, binding, last.Pca, centers);
            var assigned = ClusterModel.NearestCenters(last.Prepared, centers);
            return new DeepClusterResult
            {
                Model = model, EncoderWeights = last.Weights, Labels = assigned.Labels, Distances = assigned.Distances, Confidence = assigned.Confidence!,
                Features = last.Prepared.ToFloatRows(),
                Epochs = epochs, Plan = plan, Device = deviceName, DeviceNote = deviceNote, Stopped = stopped,
            };
        }
    }
}
