using System.Diagnostics;
using System.Runtime.CompilerServices;
using AudioCluster.Clustering;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>What a SPICE run produced: the kept head as a model, each input's cluster and probability, and how it went.</summary>
public sealed class SpiceResult : DeepClusteringResult
{
    public required SpiceModel Model { get; init; }
    public override ITrainedClusterModel TrainedModel => Model;
    public required SpicePlan Plan { get; init; }
    /// <summary>The SPICE stages that ran, e.g. "SPICE stage 2 (frozen embeddings)".</summary>
    public required string Stages { get; init; }
    /// <summary>Step after which the kept head was evaluated (its weights are from then).</summary>
    public required int ChosenAtStep { get; init; }
}

/// <summary>
/// SPICE-Self (Niu and Wang, "SPICE: Semantic Pseudo-labeling for Image Clustering", IEEE TIP 2022,
/// stage 2) on frozen embeddings, as its official code runs it: for each batch of M inputs every head
/// scores the clean view; per cluster, the mean embedding of the ConfidentRatio x M/K most confident
/// inputs is a prototype, and the M/K inputs most similar to it (cosine) take that cluster as
/// pseudo-label; the heads then learn those labels on a strong view by cross-entropy over their softmax
/// outputs (as the official code: CrossEntropyLoss over the softmax head), Repeats passes in batches of
/// TrainBatchSize, with Adam. After each epoch the same labelling over all inputs scores every head;
/// the head and moment with the lowest loss is kept (no labels used). All heads are computed together
/// as batched tensors ([H, batch, ...]).
/// Without images to augment, the strong view is an embedding-space one: the embedding of a nearest
/// neighbour drawn anew each step, with feature dropout. Stage 3 (joint training of the encoder on
/// spectrograms) is not part of this class.
/// </summary>
public static class SpiceTrainer
{
    public const string FrozenEmbeddingStages = "SPICE stage 2 (frozen embeddings)";

    /// <summary>
    /// Trains on <paramref name="data"/> (already prepared as <paramref name="preparation"/> says, which
    /// the model records). Throws ArgumentException for settings the data cannot support, and
    /// OperationCanceledException when cancelled before the first step; a later cancellation returns
    /// the best head so far with <see cref="DeepClusteringResult.Stopped"/> set.
    /// </summary>
    public static SpiceResult Fit(DataMatrix data, SpiceOptions options, VectorPreparation? preparation = null,
        IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var plan = SpicePlan.For(data.Rows, options);
        var (device, note) = TorchTraining.ResolveDevice(options.Device);
        return FitCore(data, options, plan, preparation ?? VectorPreparation.None, device, note, progress, log, cancellationToken);
    }

    /// <summary>The parameters of all heads, stacked along a leading head axis.</summary>
    sealed class HeadStack(Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        /// <summary>Run the products in bfloat16 (weights stay float32; autograd casts the gradients back).</summary>
        public bool BFloat16;

        // w1 [H, d, hidden], b1 [H, 1, hidden], w2 [H, hidden, K], b2 [H, 1, K].
        public readonly Tensor W1 = w1, B1 = b1, W2 = w2, B2 = b2;
        public Tensor[] All => [W1, B1, W2, B2];

        /// <summary>Every head's cluster probabilities [H, N, K] for inputs [N, d] (shared) or [H, N, d] (one set per head).</summary>
        public Tensor Probabilities(Tensor x)
        {
            var type = BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
            var hidden = nn.functional.relu(x.to(type).matmul(W1.to(type)) + B1.to(type));
            var logits = (hidden.matmul(W2.to(type)) + B2.to(type)).to(ScalarType.Float32);
            return nn.functional.softmax(logits, -1);
        }

        public SpiceHeadWeights Extract(int head)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return new SpiceHeadWeights((int)W1.shape[1], (int)W1.shape[2], (int)W2.shape[2],
                Floats(W1[head]), Floats(B1[head]), Floats(W2[head]), Floats(B2[head]));
        }

        static float[] Floats(Tensor t) => t.contiguous().cpu().data<float>().ToArray();
    }

    /// <summary>
    /// Pseudo-labels of every head for a batch: from probabilities [H, M, K] and unit-length features
    /// [M, D], the prototype of cluster c is the mean feature of its <paramref name="confident"/> most
    /// probable inputs, and its <paramref name="labelled"/> most similar inputs get label c (an input can
    /// be picked for several clusters, as in the paper). Returns rows and labels, both [H, K x labelled].
    /// </summary>
    static (Tensor Rows, Tensor Labels) PseudoLabels(Tensor probs, Tensor features, int confident, int labelled)
    {
        long heads = probs.shape[0], m = probs.shape[1], k = probs.shape[2];
        var (_, top) = probs.topk(confident, dim: 1, largest: true, sorted: false);                   // [H, confident, K]
        var members = zeros(new long[] { heads, m, k }, device: probs.device).scatter_(1, top, ones(top.shape, device: probs.device));
        return LabelsAround(members.transpose(1, 2).matmul(features) / confident, features, labelled);
    }

    /// <summary>The <paramref name="labelled"/> inputs most similar to each prototype [H, K, D] take its cluster: rows and labels, both [H, K x labelled].</summary>
    static (Tensor Rows, Tensor Labels) LabelsAround(Tensor prototypes, Tensor features, int labelled)
    {
        long heads = prototypes.shape[0], k = prototypes.shape[1];
        var (_, nearest) = prototypes.matmul(features.t()).topk(labelled, dim: 2, largest: true, sorted: true);   // [H, K, labelled]
        var labels = arange(k, dtype: ScalarType.Int64, device: prototypes.device).view(1, k, 1).expand(heads, k, labelled);
        return (nearest.reshape(heads, -1), labels.reshape(heads, -1));
    }

    /// <summary>
    /// The k-means start [H, K, D]: for head h, the centres of k-means (seed + h, one restart) on the
    /// unit-length features, so the heads begin from different partitions.
    /// </summary>
    static Tensor KMeansPrototypes(DataMatrix data, int heads, int k, int seed, Device device, CancellationToken ct)
    {
        var unit = VectorPreprocessing.L2Normalize(data);
        var centres = new float[heads * k * unit.Columns];
        for (int h = 0; h < heads; h++)
        {
            var fit = KMeans.Fit(unit, new KMeansOptions(k, Restarts: 1, Seed: seed + h), ct);
            for (int i = 0; i < fit.Centers.Data.Length; i++) centres[h * fit.Centers.Data.Length + i] = (float)fit.Centers.Data[i];
        }
        return tensor(centres, new long[] { heads, k, unit.Columns }, device: device);
    }

    /// <summary>Each head's cross-entropy [H] of its probabilities [H, P, K] against labels [H, P], the probabilities taken as logits as in the paper's code.</summary>
    static Tensor HeadLosses(Tensor probs, Tensor labels) =>
        -nn.functional.log_softmax(probs, -1).gather(2, labels.unsqueeze(-1)).squeeze(-1).mean(new long[] { 1 });

    [MethodImpl(MethodImplOptions.NoInlining)]
    static SpiceResult FitCore(DataMatrix data, SpiceOptions o, SpicePlan plan, VectorPreparation preparation, string deviceName, string? deviceNote,
        IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        int n = data.Rows, d = data.Columns, heads = o.Heads, k = o.ClusterCount, hidden = o.HiddenDimensions;
        int batch = plan.BatchSize, trainBatch = plan.TrainBatchSize, steps = plan.Steps, selected = plan.Labelled * k;
        var device = torch.device(deviceName);
        using var scope = NewDisposeScope();
        using var random = new Generator((ulong)o.Seed, CPU);

        var x = TorchTraining.ToTensor(data).to(device);
        var features = nn.functional.normalize(x, p: 2, dim: 1);   // the space prototypes live in (cosine)
        Tensor? neighbors = plan.Neighbors > 0 ? TorchTraining.CosineNeighbors(x, plan.Neighbors, ct).view(-1).to(device) : null;

        // PyTorch's default Linear initialisation: weights and biases uniform in +-1/sqrt(fan_in).
        Parameter Uniform(long[] shape, long fanIn) => new((rand(shape, generator: random) * 2 - 1).mul_(1 / Math.Sqrt(fanIn)).to(device));
        var stack = new HeadStack(Uniform(new long[] { heads, d, hidden }, d), Uniform(new long[] { heads, 1, hidden }, d),
            Uniform(new long[] { heads, hidden, k }, hidden), Uniform(new long[] { heads, 1, k }, hidden));
        bool bf16 = TorchTraining.UseBFloat16(o.Precision, deviceName);
        stack.BFloat16 = bf16;
        var optimizer = optim.Adam(stack.All.Cast<Parameter>(), o.LearningRate, 0.9, 0.999, 1e-8, 0.0);

        // Every head's probabilities for all inputs, in chunks that keep the hidden layer small.
        Tensor ScoreAll()
        {
            using var noGrad = no_grad();
            const long Chunk = 4096;
            var parts = new List<Tensor>();
            for (long start = 0; start < n; start += Chunk)
                parts.Add(stack.Probabilities(x.narrow(0, start, Math.Min(Chunk, n - start))));
            return cat(parts, 1);
        }

        // The strong view of rows [H, T]: a neighbour's embedding drawn anew, with inverted feature dropout.
        Tensor StrongViews(Tensor rows)
        {
            var ids = rows;
            if (neighbors is not null)
            {
                var pick = randint(0, plan.Neighbors, rows.shape, ScalarType.Int64, generator: random).to(device);
                ids = neighbors.index_select(0, (rows * plan.Neighbors + pick).view(-1)).view(rows.shape);
            }
            var views = x.index_select(0, ids.view(-1)).view(rows.shape[0], rows.shape[1], d);
            if (o.FeatureDropout > 0)
            {
                var keep = (rand(views.shape, generator: random) >= o.FeatureDropout).to(ScalarType.Float32).to(device);
                views = views * keep / (1 - o.FeatureDropout);
            }
            return views;
        }

        // The selection loss: the labelling of all inputs at once, scored on the clean view (the paper, after each epoch).
        int evalConfident = Math.Max(1, (int)(o.ConfidentRatio * (n / k))), evalLabelled = Math.Max(1, (int)(o.PseudoLabelRatio * (n / k)));
        double[] Evaluate()
        {
            using var evalScope = NewDisposeScope();
            using var noGrad = no_grad();
            var probs = ScoreAll();
            var (rows, labels) = PseudoLabels(probs, features, evalConfident, evalLabelled);
            var picked = probs.gather(1, rows.unsqueeze(-1).expand(-1, -1, k));
            return HeadLosses(picked, labels).to(ScalarType.Float64).cpu().data<double>().ToArray();
        }

        var startPrototypes = o.Initialization == SpiceInitialization.KMeans ? KMeansPrototypes(data, heads, k, o.Seed, device, ct) : null;
        int perEpoch = plan.StepsPerEpoch;
        log?.Invoke($"{FrozenEmbeddingStages}: {n} vectors x {d} ({preparation.Describe()}), K={k}, {heads} head(s) [{d}, {hidden}, {k}]; " +
                    $"batches of {batch} labelled by {plan.Confident} confident input(s) per prototype and {plan.Labelled} pseudo-label(s) per cluster; " +
                    $"{o.Repeats} pass(es) of {trainBatch} per step; strong view: " +
                    (plan.Neighbors > 0 ? $"one of {plan.Neighbors} nearest neighbours" : "the input itself") + $", feature dropout {o.FeatureDropout}; " +
                    (startPrototypes is not null ? "first epoch labelled around k-means centres; " : "") +
                    $"{steps} steps ({perEpoch} per epoch), Adam lr {o.LearningRate:G3}, on {deviceName}" + (bf16 ? " (bfloat16 matrix products)" : ""));

        var clock = Stopwatch.StartNew();
        var trainLoss = zeros(new long[] { heads }, device: device);
        int trainLossSteps = 0, step = 0, round = 0, logEvery = Math.Max(1, steps / 20), nextLog = logEvery;
        bool stopped = false;
        double bestLoss = double.PositiveInfinity;
        double[] bestLosses = [];
        SpiceHeadWeights? best = null;
        int bestHead = -1, bestStep = 0, lastEvaluated = -1;
        double? lastLoss = null;
        Tensor? order = null;

        void Select()
        {
            var losses = Evaluate();
            lastEvaluated = step;
            int h = Array.IndexOf(losses, losses.Min());
            if (losses[h] < bestLoss)
            {
                bestLoss = losses[h];
                bestLosses = losses;
                bestHead = h;
                bestStep = step;
                best = stack.Extract(h);
            }
            if (step >= nextLog || step == steps || stopped)
            {
                nextLog = (step / logEvery + 1) * logEvery;
                var mean = trainLoss.div(Math.Max(1, trainLossSteps)).to(ScalarType.Float64).cpu().data<double>().ToArray();
                trainLoss.zero_();
                trainLossSteps = 0;
                lastLoss = mean.Average();
                log?.Invoke($"step {step}/{steps} (epoch {step / (double)perEpoch:0.#}): training loss {lastLoss:F4}" +
                            (heads > 1 ? $" (heads {mean.Min():F4}..{mean.Max():F4})" : "") +
                            $", selection loss {losses[h]:F4} (lowest head {h}), {step / clock.Elapsed.TotalSeconds:F1} steps/s");
            }
        }

        while (step < steps && !stopped)
        {
            using var roundScope = NewDisposeScope();
            // A new shuffle every epoch; each round labels one batch of it.
            int slot = round % plan.RoundsPerEpoch;
            if (slot == 0)
            {
                order?.Dispose();
                order = randperm(n, generator: random).DetachFromDisposeScope();
            }
            var members = order!.narrow(0, (long)slot * batch, batch).to(device);
            Tensor rows, labels;
            using (no_grad())
            {
                var batchFeatures = features.index_select(0, members);
                // The first epoch labels around the k-means centres when asked; every later one around the heads' own prototypes.
                var (local, l) = startPrototypes is not null && round < plan.RoundsPerEpoch
                    ? LabelsAround(startPrototypes, batchFeatures, plan.Labelled)
                    : PseudoLabels(stack.Probabilities(x.index_select(0, members)), batchFeatures, plan.Confident, plan.Labelled);
                rows = members.index_select(0, local.view(-1)).view(heads, selected);
                labels = l;
            }
            for (int pass = 0; pass < o.Repeats && step < steps && !stopped; pass++)
            {
                var shuffle = randperm(selected, generator: random).to(device);
                for (int s = 0; s + trainBatch <= selected && step < steps; s += trainBatch)
                {
                    if (ct.IsCancellationRequested) { stopped = true; break; }
                    using var stepScope = NewDisposeScope();
                    var picked = shuffle.narrow(0, s, trainBatch);
                    var headLoss = HeadLosses(stack.Probabilities(StrongViews(rows.index_select(1, picked))), labels.index_select(1, picked));
                    optimizer.zero_grad();
                    headLoss.mean().backward();
                    optimizer.step();
                    using (no_grad()) trainLoss.add_(headLoss.detach());
                    trainLossSteps++;
                    step++;
                    progress?.Report(new TrainingProgress(step, steps, lastLoss));
                }
            }
            round++;
            if (step > 0 && (round % plan.RoundsPerEpoch == 0 || step == steps || stopped)) Select();
        }
        clock.Stop();
        order?.Dispose();
        if (step == 0)
        {
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException("SPICE ran no steps.");
        }
        if (lastEvaluated != step) Select();
        optimizer.Dispose();

        var description = $"{FrozenEmbeddingStages}: SPICE-Self(k={k}, heads={heads}, head={bestHead}, steps={step}, seed={o.Seed})";
        var model = new SpiceModel(description, preparation, best!);
        log?.Invoke($"Chose head {bestHead} as it was after step {bestStep} (selection loss {bestLoss:F4}" +
                    (heads > 1 ? $"; heads then ranged {bestLosses.Min():F4}..{bestLosses.Max():F4}" : "") + ")");
        var assigned = model.Predict(data);
        return new SpiceResult
        {
            Model = model, Labels = assigned.Labels, Confidence = assigned.Confidence!, Plan = plan, ChosenHead = bestHead, HeadLosses = bestLosses,
            ChosenAtStep = bestStep, Stages = FrozenEmbeddingStages, StepsRun = step, Seconds = clock.Elapsed.TotalSeconds, Device = deviceName,
            DeviceNote = deviceNote, Stopped = stopped,
        };
    }
}
