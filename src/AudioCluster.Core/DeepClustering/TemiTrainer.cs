using System.Diagnostics;
using System.Runtime.CompilerServices;
using AudioCluster.Clustering;
using AudioCluster.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>What a TEMI run produced: the chosen head as a model, each input's cluster and probability, and how it went.</summary>
public sealed class TemiResult : DeepClusteringResult
{
    public required TemiModel Model { get; init; }
    public override ITrainedClusterModel TrainedModel => Model;
    public required TemiPlan Plan { get; init; }
}

/// <summary>
/// TEMI (Adaloglou et al., "Exploring the limits of deep image clustering using pretrained models",
/// BMVC 2023) on frozen embeddings, as its official code runs it: pairs of each input and a neighbour
/// drawn from its k nearest (cosine), H student heads trained by AdamW against EMA teacher heads with
/// the weighted beta-PMI loss, the head with the lowest loss kept. All heads are computed together as
/// batched tensors ([H, batch, ...]), so 16 heads cost far less than 16 runs.
/// </summary>
public static class TemiTrainer
{
    /// <summary>
    /// Trains on <paramref name="data"/> (already prepared as <paramref name="preparation"/> says, which
    /// the model records). Throws ArgumentException for settings the data cannot support, and
    /// OperationCanceledException when cancelled before the first step; a later cancellation
    /// returns the best head so far with <see cref="TemiResult.Stopped"/> set.
    /// </summary>
    public static TemiResult Fit(DataMatrix data, TemiOptions options, VectorPreparation? preparation = null,
        IProgress<TrainingProgress>? progress = null, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var plan = TemiPlan.For(data.Rows, options);
        var (device, note) = TorchTraining.ResolveDevice(options.Device);
        return FitCore(data, options, plan, preparation ?? VectorPreparation.None, device, note, progress, log, cancellationToken);
    }

    /// <summary>Student or teacher: the parameters of all heads, stacked along a leading head axis.</summary>
    sealed class HeadStack(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor v, Tensor g) : IDisposable
    {
        /// <summary>Run the two wide products in bfloat16 (weights stay float32; autograd casts the gradients back).</summary>
        public bool BFloat16;

        // w1 [d, H*hidden] so the first layer of every head is one matrix product; b1 [H*hidden];
        // w2 [H, hidden, bottleneck]; b2 [H, 1, bottleneck]; v [H, bottleneck, K] and g [H, 1, K]:
        // the weight-normalised last layer, w = g * v / |v| per output column.
        public readonly Tensor W1 = w1, B1 = b1, W2 = w2, B2 = b2, V = v, G = g;
        public Tensor[] All => [W1, B1, W2, B2, V, G];

        /// <summary>Logits of every head, [H, N, K], for inputs x [N, d] (already bfloat16 when <see cref="BFloat16"/> is set).</summary>
        public Tensor Logits(Tensor x, int heads)
        {
            // In bfloat16 the hidden layer stays bfloat16 (as autocast keeps it), so no float32 copies of the widest tensor.
            var type = BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
            var hidden = nn.functional.gelu(addmm(B1.to(type), x, W1.to(type), 1, 1));     // [N, H*hidden]
            var h = hidden.view(x.shape[0], heads, -1).transpose(0, 1);                       // [H, N, hidden]
            var projected = (bmm(h, W2.to(type)) + B2.to(type)).to(ScalarType.Float32);       // [H, N, bottleneck]
            var z = nn.functional.normalize(projected, p: 2, dim: -1);
            return bmm(z, LastLayer());                                                       // [H, N, K]
        }

        public Tensor LastLayer() => V * (G / V.norm(1, keepdim: true, p: 2));

        public TemiHeadWeights Extract(int head, int heads)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            long hidden = W1.shape[1] / heads;
            var w1 = W1.narrow(1, head * hidden, hidden).contiguous();
            var b1 = B1.narrow(0, head * hidden, hidden);
            return new TemiHeadWeights((int)W1.shape[0], (int)hidden, (int)W2.shape[2], (int)V.shape[2],
                Floats(w1), Floats(b1), Floats(W2[head]), Floats(B2[head]), Floats(LastLayer()[head]));
        }

        static float[] Floats(Tensor t) => t.contiguous().cpu().data<float>().ToArray();

        public void Dispose()
        {
            foreach (var t in All) t.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static TemiResult FitCore(DataMatrix data, TemiOptions o, TemiPlan plan, VectorPreparation preparation, string deviceName, string? deviceNote,
        IProgress<TrainingProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        int n = data.Rows, d = data.Columns, heads = o.Heads, k = o.ClusterCount, batch = plan.BatchSize, steps = plan.Steps;
        int hidden = o.HiddenDimensions, bottleneck = o.BottleneckDimensions;
        var device = torch.device(deviceName);
        using var scope = NewDisposeScope();
        using var random = new Generator((ulong)o.Seed, CPU);

        var x = TorchTraining.ToTensor(data).to(device);
        var neighbors = TorchTraining.CosineNeighbors(x, plan.Neighbors, ct).view(-1);

        // Initialisation as the paper's DINO head: truncated normal (std 0.02, the bounds never bind) for the
        // MLP, zero biases, PyTorch's default uniform for the last layer's direction, and g = 1.
        Tensor Init(Tensor t) => t.to(device);
        var student = new HeadStack(
            new Parameter(Init(randn(new long[] { d, heads * hidden }, generator: random) * 0.02)),
            new Parameter(Init(zeros(heads * hidden))),
            new Parameter(Init(randn(new long[] { heads, hidden, bottleneck }, generator: random) * 0.02)),
            new Parameter(Init(zeros(heads, 1, bottleneck))),
            new Parameter(Init((rand(new long[] { heads, bottleneck, k }, generator: random) * 2 - 1) / Math.Sqrt(bottleneck))),
            new Parameter(Init(ones(heads, 1, k))));
        bool bf16 = TorchTraining.UseBFloat16(o.Precision, deviceName);
        student.BFloat16 = bf16;
        // The teacher starts as a copy of the student and is never trained, only averaged.
        var teacher = new HeadStack(student.W1.detach().clone(), student.B1.detach().clone(), student.W2.detach().clone(),
            student.B2.detach().clone(), student.V.detach().clone(), student.G.detach().clone()) { BFloat16 = bf16 };

        // Biases are not decayed (the paper's get_params_groups); matrices and g are.
        double scale = batch / 256.0, peak = o.LearningRate * scale, floor = o.MinLearningRate * scale;
        var decayed = new[] { student.W1, student.W2, student.V, student.G }.Cast<Parameter>().ToList();
        var plain = new[] { student.B1, student.B2 }.Cast<Parameter>().ToList();
        var optimizer = optim.AdamW(new[]
        {
            new AdamW.ParamGroup(decayed, peak, 0.9, 0.999, 1e-8, o.WeightDecay, false, false),
            new AdamW.ParamGroup(plain, peak, 0.9, 0.999, 1e-8, 0.0, false, false),
        }, peak);

        var meanProbs = full(new long[] { heads, 1, k }, 1.0 / k, device: device);   // q~_t per head
        var history = zeros(new long[] { steps, heads }, device: device);           // every step's head losses
        int warmup = (int)Math.Round(steps * o.WarmupFraction);
        int perEpoch = plan.StepsPerEpoch;
        int logEvery = Math.Max(1, steps / 20);
        Tensor? order = null;

        log?.Invoke($"TEMI: {n} vectors x {d} ({preparation.Describe()}), K={k}, {heads} head(s), {plan.Neighbors} neighbours, batch {batch}, " +
                    $"{steps} steps ({perEpoch} per epoch), lr {peak:G3} (peak), momentum {o.TeacherMomentum} {o.MomentumSchedule}, on {deviceName}" +
                    (bf16 ? " (bfloat16 matrix products)" : ""));
        var clock = Stopwatch.StartNew();
        int step = 0;
        double? lastLoss = null;
        bool stopped = false;
        for (; step < steps; step++)
        {
            if (ct.IsCancellationRequested) { stopped = true; break; }
            using var stepScope = NewDisposeScope();
            double lr = step < warmup ? peak * (step + 1) / warmup
                : floor + 0.5 * (peak - floor) * (1 + Math.Cos(Math.PI * (step - warmup) / Math.Max(1, steps - warmup)));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            double momentum = o.MomentumSchedule == MomentumSchedule.Cosine
                ? 1 + 0.5 * (o.TeacherMomentum - 1) * (1 + Math.Cos(Math.PI * step / steps))
                : o.TeacherMomentum;

            // A new shuffle every epoch; each input meets a partner drawn from its k neighbours.
            int slot = step % perEpoch;
            if (slot == 0)
            {
                order?.Dispose();
                order = randperm(n, generator: random).DetachFromDisposeScope();
            }
            var index = order!.narrow(0, (long)slot * batch, batch);
            var pick = randint(0, plan.Neighbors, new long[] { batch }, ScalarType.Int64, generator: random);
            var partner = neighbors.index_select(0, index * plan.Neighbors + pick);
            // x then x', [2B]. Partners are often in the batch already (always when it holds all the data):
            // the heads run once per distinct row and the rows are spread back, the same numbers for less work.
            var (rows, spread, _) = cat(new[] { index, partner }).unique(sorted: true, return_inverse: true, return_counts: false);
            var inputs = x.index_select(0, rows.to(device));
            if (bf16) inputs = inputs.to(ScalarType.BFloat16);
            spread = spread!.to(device);   // unique() returns the inverse when asked for it

            Tensor teacherLogp, weight;
            using (no_grad())
            {
                teacherLogp = nn.functional.log_softmax(teacher.Logits(inputs, heads) / o.Temperature, -1).index_select(1, spread);
                var teacherProbs = teacherLogp.exp();
                meanProbs.mul_(o.ProbabilityMomentum).add_(teacherProbs.mean(new long[] { 1 }, keepdim: true), alpha: 1 - o.ProbabilityMomentum);
                // Pair weight: how much the teacher believes x and x' share a cluster, averaged over heads.
                weight = (teacherProbs.narrow(1, 0, batch) * teacherProbs.narrow(1, batch, batch)).sum(-1).mean(new long[] { 0 });
            }
            var studentLogp = nn.functional.log_softmax(student.Logits(inputs, heads) / o.Temperature, -1).index_select(1, spread);
            var logPrior = meanProbs.log();
            // pmi~(a, b) = log sum_c (q_s(c|a) q_t(c|b))^beta / q~_t(c), in log space for stability.
            var pmiXY = (o.Beta * (studentLogp.narrow(1, 0, batch) + teacherLogp.narrow(1, batch, batch)) - logPrior).logsumexp(-1, false);
            var pmiYX = (o.Beta * (studentLogp.narrow(1, batch, batch) + teacherLogp.narrow(1, 0, batch)) - logPrior).logsumexp(-1, false);
            var headLoss = -((pmiXY + pmiYX) * 0.5 * weight).mean(new long[] { 1 });   // [H]
            var loss = headLoss.mean();

            optimizer.zero_grad();
            loss.backward();
            if (step < plan.FrozenLastLayerSteps)
            {
                student.V.grad?.zero_();
                student.G.grad?.zero_();
            }
            optimizer.step();
            using (no_grad())
            {
                var s = student.All;
                var t = teacher.All;
                for (int i = 0; i < s.Length; i++) t[i].mul_(momentum).add_(s[i], alpha: 1 - momentum);
                history[step].copy_(headLoss.detach());
            }

            if ((step + 1) % logEvery == 0 || step + 1 == steps)
            {
                int from = Math.Max(0, step + 1 - logEvery);
                var window = MeanLosses(history, from, step + 1);
                lastLoss = window.Average();
                int best = Array.IndexOf(window, window.Min());
                log?.Invoke($"step {step + 1}/{steps} (epoch {(step + 1) / (double)perEpoch:0.#}): loss {lastLoss:F4}" +
                            (heads > 1 ? $" (heads {window.Min():F4}..{window.Max():F4}, lowest head {best})" : "") +
                            $", lr {lr:G3}, momentum {momentum:F4}, {(step + 1) / clock.Elapsed.TotalSeconds:F1} steps/s");
            }
            progress?.Report(new TrainingProgress(step + 1, steps, lastLoss));
        }
        clock.Stop();
        order?.Dispose();
        if (step == 0)
        {
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException("TEMI ran no steps.");
        }

        // The head with the lowest mean loss over the last tenth of the steps run (the paper: over the last epoch).
        int windowStart = step - Math.Max(1, step / 10);
        var losses = MeanLosses(history, windowStart, step);
        int chosen = Array.IndexOf(losses, losses.Min());
        var weights = teacher.Extract(chosen, heads);
        student.Dispose();
        teacher.Dispose();
        optimizer.Dispose();

        var description = $"TEMI(k={k}, heads={heads}, head={chosen}, steps={step}, seed={o.Seed})";
        var model = new TemiModel(description, preparation, weights, o.Temperature);
        log?.Invoke($"Chose head {chosen} (loss {losses[chosen]:F4} over steps {windowStart + 1}..{step}" +
                    (heads > 1 ? $"; heads ranged {losses.Min():F4}..{losses.Max():F4}" : "") + ")");
        var assigned = model.Predict(data);
        return new TemiResult
        {
            Model = model, Labels = assigned.Labels, Confidence = assigned.Confidence!, Plan = plan, ChosenHead = chosen, HeadLosses = losses,
            StepsRun = step, Seconds = clock.Elapsed.TotalSeconds, Device = deviceName, DeviceNote = deviceNote, Stopped = stopped,
        };
    }

    static double[] MeanLosses(Tensor history, int from, int to)
    {
        using var scope = NewDisposeScope();
        return history.narrow(0, from, to - from).mean(new long[] { 0 }).to(ScalarType.Float64).cpu().data<double>().ToArray();
    }
}
