using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using AudioCluster.Clustering;
using AudioCluster.Encoders;
using AudioCluster.Encoders.Training;
using AudioCluster.Features;
using AudioCluster.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>The stage-2 pseudo-labels SPICE-Semi trusts: clip indices and their clusters, class-balanced.</summary>
/// <param name="Consistent">Clips that passed both tests, before balancing.</param>
public sealed record SpiceReliableLabels(int[] Clips, int[] Labels, int Consistent, int Neighbors, int ClustersCovered)
{
    public string Describe(int clips, SpiceSemiOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"{Consistent} of {clips} clips have at least {o.ReliableRatio:G3} of their {Neighbors} nearest neighbours in their cluster and confidence above {o.ReliableConfidence:G3}; " +
        $"{Clips.Length} kept ({ClustersCovered} cluster(s), the same number from each)");
}

/// <summary>What SPICE stage 3 produced: the classifier bound to the trained encoder, and each clip's cluster.</summary>
public sealed class SpiceSemiResult : DeepClusteringResult
{
    public required SpiceSemiModel Model { get; init; }
    public override ITrainedClusterModel TrainedModel => Model;
    /// <summary>The trained AudioNTT2020 as a PyTorch state dict (the file Get-AudioEmbedding -Encoder ByolA -ModelPath loads).</summary>
    public required byte[] EncoderWeights { get; init; }
    public required int EpochsCompleted { get; init; }
}

/// <summary>
/// SPICE stage 3 (SPICE-Semi, Niu and Wang, IEEE TIP 2022) on log-mel spectrograms. Reliable pseudo-labels as the
/// official code selects them (local consistency): a clip's stage-2 cluster is reliable when at least
/// <see cref="SpiceSemiOptions.ReliableRatio"/> of its N_s nearest neighbours by cosine on the embeddings (the clip itself
/// counted, as there) share it and its stage-2 probability exceeds <see cref="SpiceSemiOptions.ReliableConfidence"/>; then
/// every covered cluster keeps as many, drawn at random, as the smallest (the official code balances over all clusters,
/// which selects nothing when one has no reliable clip). Then BYOL-A's AudioNTT2020 (from the weights that made the
/// embeddings) and a new linear classifier on its features, standardised with z-scores fitted on the starting encoder's
/// features of the clips (BYOL-A's pooled features all point much the same way; unscaled, a linear head needs a long
/// time to separate them) and scaled to length sqrt(d) (as standardised vectors are on average, without the outliers a
/// nearly constant dimension gives once the encoder moves), train together with FixMatch's loss:
/// cross-entropy of weak views of reliable clips against their labels, plus, over a batch of all clips, cross-entropy of
/// the strong view against the weak view's cluster where the weak view's probability reaches the threshold. The final
/// clusters are the classifier's over every whole clip, embedded as Get-AudioEmbedding embeds it with the saved encoder.
/// </summary>
public static class SpiceSemiTrainer
{
    public const string Stages = "SPICE stages 2 (heads on the embeddings) and 3 (SPICE-Semi: encoder and classifier on the spectrograms)";

    /// <summary>
    /// The reliable stage-2 labels among <paramref name="embeddings"/> (as stage 2 saw them). N_s is capped by the clips.
    /// </summary>
    public static SpiceReliableLabels SelectReliable(DataMatrix embeddings, int[] labels, double[] confidence, SpiceSemiOptions o)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (labels.Length != embeddings.Rows || confidence.Length != embeddings.Rows)
            throw new ArgumentException("One label and one confidence per embedding are needed.");
        NativeStacks.EnsureTorch();
        return SelectCore(embeddings, labels, confidence, o);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static SpiceReliableLabels SelectCore(DataMatrix embeddings, int[] labels, double[] confidence, SpiceSemiOptions o)
    {
        int n = embeddings.Rows, neighbors = Math.Min(o.ReliableNeighbors, n);
        long[] nearest;
        using (var scope = NewDisposeScope())
            nearest = neighbors > 1 ? TorchTraining.CosineNeighbors(TorchTraining.ToTensor(embeddings), neighbors - 1).data<long>().ToArray() : [];
        var byCluster = new SortedDictionary<int, List<int>>();
        int consistent = 0;
        for (int i = 0; i < n; i++)
        {
            int agree = 1;   // the clip itself
            for (int j = 0; j < neighbors - 1; j++)
                if (labels[nearest[(long)i * (neighbors - 1) + j]] == labels[i]) agree++;
            if (agree < o.ReliableRatio * neighbors || !(confidence[i] > o.ReliableConfidence)) continue;
            consistent++;
            if (!byCluster.TryGetValue(labels[i], out var members)) byCluster[labels[i]] = members = new List<int>();
            members.Add(i);
        }
        var rng = new SeededRandom(o.Seed);
        int share = byCluster.Count == 0 ? 0 : byCluster.Values.Min(m => m.Count);
        var clips = new List<int>();
        var kept = new List<int>();
        foreach (var (label, members) in byCluster)
        {
            clips.AddRange(Shuffled(members.ToArray(), rng).Take(share));
            kept.AddRange(Enumerable.Repeat(label, share));
        }
        return new SpiceReliableLabels(clips.ToArray(), kept.ToArray(), consistent, neighbors, byCluster.Count);
    }

    /// <summary>
    /// Trains on raw BYOL-A log-mels (<see cref="ByolaEncoder.LogMel"/>, in the order of the embeddings) with the reliable
    /// labels. ArgumentException for what the data cannot support; OperationCanceledException when cancelled before the
    /// first epoch is complete; a later cancellation returns the last complete epoch with Stopped set.
    /// <paramref name="completed"/> gets every complete epoch's result (on the training thread), for a caller that saves as it goes.
    /// </summary>
    public static SpiceSemiResult Fit(IReadOnlyList<Spectrogram> logMels, SpiceReliableLabels reliable, int clusterCount, string stage2Description,
        SpiceSemiOptions options, IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken cancellationToken = default,
        Action<SpiceSemiResult>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(logMels);
        ArgumentNullException.ThrowIfNull(reliable);
        options.Validate();
        LogMelCrops.Check(logMels, nameof(logMels), ByolaEncoder.MinFrames);
        if (reliable.ClustersCovered < 2)
            throw new ArgumentException($"SPICE-Semi needs reliable clips in at least 2 clusters; {reliable.ClustersCovered} had any.");
        var (device, note) = TorchTraining.ResolveDevice(options.Device);
        return new Run(logMels, reliable, clusterCount, stage2Description, options, device, note, progress, log, completed, cancellationToken).Fit();
    }

    /// <summary>Fisher-Yates in place, from <paramref name="rng"/>.</summary>
    static int[] Shuffled(int[] a, SeededRandom rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
        return a;
    }

    sealed class Run(IReadOnlyList<Spectrogram> logMels, SpiceReliableLabels reliable, int k, string stage2, SpiceSemiOptions o, string deviceName,
        string? deviceNote, IProgress<TrainingProgress>? progress, Action<string>? log, Action<SpiceSemiResult>? completed, CancellationToken ct)
    {
        readonly NormalizationStats stats = ByolaEncoder.Statistics(logMels);
        readonly int n = logMels.Count;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public SpiceSemiResult Fit()
        {
            torch.set_num_threads(o.Threads ?? Environment.ProcessorCount);
            var device = torch.device(deviceName);
            AudioNtt2020 net;
            TorchSharp.Modules.Linear head;
            net = ByolaEncoder.Load(o.EncoderModelPath);
            head = nn.Linear(net.D, k);
            // PyTorch's Linear initialisation drawn from the seed's own generator, not the process-wide one others may use.
            using (var random = new Generator((ulong)o.Seed, CPU))
            using (torch.no_grad())
            {
                double bound = 1 / Math.Sqrt(net.D);
                head.weight!.copy_((torch.rand(new long[] { k, net.D }, generator: random) * 2 - 1) * bound);
                head.bias!.copy_((torch.rand(new long[] { k }, generator: random) * 2 - 1) * bound);
            }
            using var encoder = net;
            using var classifier = head;
            net.to(device);
            head.to(device);
            net.eval();
            var standardizer = Standardizer.Fit(DataMatrix.FromRows(ByolaEncoder.Embed(net, deviceName, logMels, stats, 64, ct)));
            using var mean = torch.tensor(standardizer.Mean.Select(v => (float)v).ToArray()).to(device);
            using var scale = torch.tensor(standardizer.Scale.Select(v => (float)v).ToArray()).to(device);
            double radius = Math.Sqrt(net.D);
            int labelledBatch = Math.Min(o.BatchSize, reliable.Clips.Length), unlabelledBatch = Math.Min(o.BatchSize, n);
            int steps = Math.Max(1, n / unlabelledBatch);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"SPICE stage 3: {n} clips, encoder from {Path.GetFileName(o.EncoderModelPath)} d={net.D}, {reliable.Clips.Length} reliable labels; " +
                $"{o.Epochs} epoch(s) of {steps} steps, batches of {labelledBatch} labelled and {unlabelledBatch} unlabelled clips, Adam lr {o.LearningRate:G3} " +
                $"(classifier x10), threshold {o.ConfidenceThreshold:G3}, crops of {o.CropFrames} frames; weak view: {o.Weak.Describe()}; strong view: {o.Strong.Describe()}; " +
                $"log-mel normalisation {stats}; on {deviceName}"));
            using var optimizer = torch.optim.Adam(new TorchSharp.Modules.Adam.ParamGroup[]
            {
                new(net.parameters(), new TorchSharp.Modules.Adam.Options { LearningRate = o.LearningRate }),
                new(head.parameters(), new TorchSharp.Modules.Adam.Options { LearningRate = o.LearningRate * 10 }),
            });
            var crops = new LogMelCrops(logMels, stats, o.CropFrames);
            var rng = new SeededRandom((long)o.Seed * 1_000_003L + 3);
            using var targets = torch.tensor(reliable.Labels.Select(l => (long)l).ToArray());
            var clock = Stopwatch.StartNew();
            SpiceSemiResult? last = null;
            int labelledCursor = int.MaxValue;
            int[] labelledOrder = [];
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                var order = Shuffled(Enumerable.Range(0, n).ToArray(), rng);
                double sum = 0, masked = 0;
                int taken = 0;
                TrainKeepingBatchNorm(net);
                for (int step = 0; step < steps; step++)
                {
                    if (ct.IsCancellationRequested)
                        return last is null ? throw new OperationCanceledException(ct) : Stop(last);
                    using var scope = torch.NewDisposeScope();
                    // Labelled clips cycle through the reliable set, reshuffled at each pass.
                    var labelled = new int[labelledBatch];
                    for (int i = 0; i < labelledBatch; i++)
                    {
                        if (labelledCursor >= labelledOrder.Length)
                        {
                            labelledOrder = Shuffled(Enumerable.Range(0, reliable.Clips.Length).ToArray(), rng);
                            labelledCursor = 0;
                        }
                        labelled[i] = labelledOrder[labelledCursor++];
                    }
                    var unlabelled = order.Skip(step * unlabelledBatch).Take(unlabelledBatch).ToArray();
                    var xl = o.Weak.Apply(crops.Batch(labelled.Select(i => crops.Random(reliable.Clips[i], rng)).ToArray(), device), stats.Std, rng);
                    var xu = crops.Batch(unlabelled.Select(i => crops.Random(i, rng)).ToArray(), device);
                    var weak = o.Weak.Apply(xu, stats.Std, rng);
                    // Mixup's backgrounds: a random crop of a clip drawn from all of them, per unlabelled clip.
                    var background = o.Strong.MixupRatio > 0
                        ? crops.Batch(unlabelled.Select(_ => crops.Random(rng.NextInt(n), rng)).ToArray(), device) : null;
                    var strong = o.Strong.Apply(xu, stats.Std, rng, background);
                    // One pass over all three, as FixMatch does, so batch norm sees them together.
                    var logits = head.forward(nn.functional.normalize((net.forward(torch.cat([xl, weak, strong], 0)) - mean) * scale, p: 2, dim: 1) * radius);
                    var labelledLogits = logits.narrow(0, 0, labelledBatch);
                    var weakLogits = logits.narrow(0, labelledBatch, unlabelled.Length);
                    var strongLogits = logits.narrow(0, labelledBatch + unlabelled.Length, unlabelled.Length);
                    var y = targets.index_select(0, torch.tensor(labelled.Select(i => (long)i).ToArray())).to(device);
                    var supervised = nn.functional.cross_entropy(labelledLogits, y);
                    var (confidence, pseudo) = nn.functional.softmax(weakLogits.detach(), 1).max(1);
                    var mask = (confidence >= o.ConfidenceThreshold).to(ScalarType.Float32);
                    var consistency = (nn.functional.cross_entropy(strongLogits, pseudo, reduction: nn.Reduction.None) * mask).mean();
                    var loss = supervised + consistency;
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw new InvalidOperationException($"The loss became {value} at epoch {epoch}, step {step + 1}: lower -SemiLearningRate.");
                    sum += value;
                    masked += mask.mean().item<float>();
                    taken++;
                    progress?.Report(new TrainingProgress((epoch - 1) * steps + step + 1, o.Epochs * steps, sum / taken));
                }
                last = Finish(net, head, standardizer, epoch, sum / taken, clock.Elapsed.TotalSeconds, device);
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"Stage 3 epoch {epoch}: loss {sum / taken:0.0000}, {masked / taken:P0} of unlabelled clips above the threshold, {clock.Elapsed.TotalSeconds:0.0} s"));
                completed?.Invoke(last);
            }
            return last!;
        }

        /// <summary>
        /// Training mode with batch norm's running statistics frozen (small batches would make noisy statistics, and the
        /// features the classifier learns on must be those the saved encoder gives in eval mode) and dropout off: it draws
        /// from libtorch's process-wide generator, which other training in the process would advance, and the run must be
        /// the same for a seed. The augmentations are the views' randomness.
        /// </summary>
        static void TrainKeepingBatchNorm(AudioNtt2020 net)
        {
            net.train();
            foreach (var m in net.modules())
                if (m is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or SeededDropout) m.eval();
        }

        static SpiceSemiResult Stop(SpiceSemiResult r) => new()
        {
            Model = r.Model, EncoderWeights = r.EncoderWeights, EpochsCompleted = r.EpochsCompleted, Labels = r.Labels, Confidence = r.Confidence,
            ChosenHead = r.ChosenHead, HeadLosses = r.HeadLosses, StepsRun = r.StepsRun, Seconds = r.Seconds, Device = r.Device, DeviceNote = r.DeviceNote, Stopped = true,
        };

        /// <summary>The model as it stands: the classifier over every whole clip's features, which is what the saved pair gives new clips.</summary>
        SpiceSemiResult Finish(AudioNtt2020 net, TorchSharp.Modules.Linear head, Standardizer standardizer, int epoch, double loss, double seconds, Device device)
        {
            net.eval();
            var features = ByolaEncoder.Embed(net, deviceName, logMels, stats, 64, ct);
            using var weights = new MemoryStream();
            net.save_py(weights, leaveOpen: true);
            var bytes = weights.ToArray();
            float[] w, b;
            using (torch.no_grad())
            {
                // The saved model takes unit-length vectors: the training's radius goes into the weights.
                w = (head.weight!.detach() * Math.Sqrt(net.D)).cpu().contiguous().data<float>().ToArray();
                b = head.bias!.detach().cpu().contiguous().data<float>().ToArray();
            }
            var binding = new ByolaEncoderBinding(OnnxEncoder.WeightsHash(bytes), net.D, stats);
            string method = string.Create(CultureInfo.InvariantCulture,
                $"{Stages}: {stage2} + SPICE-Semi(reliable={reliable.Clips.Length}, epochs={epoch}, seed={o.Seed})");
            var model = new SpiceSemiModel(method, binding, standardizer, k, w, b);
            var assigned = model.Assign(DataMatrix.FromRows(features), ct);
            return new SpiceSemiResult
            {
                Model = model, EncoderWeights = bytes, EpochsCompleted = epoch, Labels = assigned.Labels, Confidence = assigned.Confidence!,
                ChosenHead = 0, HeadLosses = [loss], StepsRun = epoch * Math.Max(1, n / Math.Min(o.BatchSize, n)), Seconds = seconds,
                Device = deviceName, DeviceNote = deviceNote,
            };
        }
    }
}
