using System.Runtime.CompilerServices;
using AudioCluster.Clustering;
using AudioCluster.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioCluster.DeepClustering;

/// <summary>Where a training loop stands, for a progress bar: step of total, and the latest mean loss.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double? Loss);

/// <summary>Checks of the settings every deep clustering trainer has.</summary>
internal static class OptionChecks
{
    public static void Check(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }

    /// <summary>Heads, the step budget (steps or epochs, not both), batch and learning rate.</summary>
    public static void Common(int heads, int? steps, int? epochs, int batchSize, double learningRate)
    {
        Check(heads >= 1, $"Heads must be at least 1 (got {heads}).");
        Check(steps is null || epochs is null, "Give either a number of steps or of epochs, not both.");
        Check(steps is null or >= 1, $"Steps must be at least 1 (got {steps}).");
        Check(epochs is null or >= 1, $"Epochs must be at least 1 (got {epochs}).");
        Check(batchSize >= 1, $"The batch size must be at least 1 (got {batchSize}).");
        Check(learningRate > 0 && double.IsFinite(learningRate), $"The learning rate must be positive (got {learningRate}).");
    }
}

/// <summary>A setting a trainer changed to fit the data: the parameter (its cmdlet name) and what was done.</summary>
public sealed record PlanNote(string Parameter, string Message);

/// <summary>A trained clustering that can be saved for <see cref="SavedClusterModels"/> to read back.</summary>
public interface ITrainedClusterModel : IClusterAssigner
{
    void Save(Stream stream);
}

/// <summary>What a deep clustering run produced: the kept head as a model, each input's cluster and probability, and how it went.</summary>
public abstract class DeepClusteringResult
{
    public abstract ITrainedClusterModel TrainedModel { get; }
    public required int[] Labels { get; init; }
    public required double[] Confidence { get; init; }
    /// <summary>Index of the kept head (chosen by its loss, without labels).</summary>
    public required int ChosenHead { get; init; }
    /// <summary>Every head's loss by which the head was chosen.</summary>
    public required double[] HeadLosses { get; init; }
    public required int StepsRun { get; init; }
    public required double Seconds { get; init; }
    public double StepsPerSecond => Seconds > 0 ? StepsRun / Seconds : 0;
    public required string Device { get; init; }
    public string? DeviceNote { get; init; }
    /// <summary>True when cancellation stopped training early; the model is the best head at that point.</summary>
    public bool Stopped { get; init; }
}

/// <summary>The scaling applied to raw vectors before a deep head sees them, saved with the head.</summary>
public sealed record VectorPreparation(Standardizer? Standardizer, bool L2Normalize)
{
    public static VectorPreparation None { get; } = new(null, false);

    public DataMatrix Apply(DataMatrix raw, int dimensions) => VectorPreprocessing.Apply(raw, dimensions, Standardizer, L2Normalize);

    public string Describe() => (Standardizer != null, L2Normalize) switch
    {
        (true, true) => "standardized, L2-normalized",
        (true, false) => "standardized",
        (false, true) => "L2-normalized",
        _ => "raw",
    };
}

/// <summary>Device choice and tensor helpers shared by the deep clustering trainers.</summary>
public static class TorchTraining
{
    /// <summary>The device a trainer runs on, and why it is not the one asked for (null when it is).</summary>
    public static (string Name, string? Note) ResolveDevice(ComputeDevice requested)
    {
        NativeStacks.EnsureTorch();
        return ResolveCore(requested);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static (string, string?) ResolveCore(ComputeDevice requested)
    {
        if (requested == ComputeDevice.Cpu) return ("cpu", null);
        if (cuda.is_available()) return ("cuda", null);
        return ("cpu", requested == ComputeDevice.Cuda
            ? "CUDA was asked for but libtorch has no CUDA device here (the module ships the CPU build of libtorch); running on the CPU."
            : "No CUDA device is available to libtorch; running on the CPU.");
    }

    /// <summary>
    /// Whether this CPU multiplies bfloat16 matrices natively (AVX-512 BF16 or AMX): there libtorch's
    /// bfloat16 products run several times faster than float32 ones; elsewhere they are emulated and slower.
    /// </summary>
    public static bool CpuHasFastBFloat16()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) return false;
        var (_, _, _, edx7) = System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 0);
        var (eax71, _, _, _) = System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 1);
        bool avx512Bf16 = (eax71 & (1 << 5)) != 0, amxBf16 = (edx7 & (1 << 22)) != 0;
        return avx512Bf16 || amxBf16;
    }

    /// <summary>Whether training products run in bfloat16: when asked, or on CPUs that multiply it natively under Auto.</summary>
    public static bool UseBFloat16(MatmulPrecision precision, string deviceName) =>
        precision == MatmulPrecision.BFloat16 || (precision == MatmulPrecision.Auto && deviceName == "cpu" && CpuHasFastBFloat16());

    /// <summary>Rows of a matrix as a float32 tensor on the CPU.</summary>
    internal static Tensor ToTensor(DataMatrix m)
    {
        var values = new float[m.Data.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)m.Data[i];
        return tensor(values, new long[] { m.Rows, m.Columns });
    }

    /// <summary>
    /// Exact k nearest neighbours of every row by cosine similarity (the row itself excluded), most
    /// similar first, as an n x k int64 tensor on the CPU. Blocks of rows against all rows by one
    /// matrix product each, on the device <paramref name="x"/> lives on.
    /// </summary>
    internal static Tensor CosineNeighbors(Tensor x, int k, CancellationToken ct = default)
    {
        long n = x.shape[0];
        if (k < 1 || k >= n) throw new ArgumentOutOfRangeException(nameof(k), $"k = {k} needs 1 <= k < {n}.");
        var result = empty(new long[] { n, k }, ScalarType.Int64);
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var unit = nn.functional.normalize(x, p: 2, dim: 1);
            const long Block = 2048;
            for (long start = 0; start < n; start += Block)
            {
                ct.ThrowIfCancellationRequested();
                using var inner = NewDisposeScope();
                long count = Math.Min(Block, n - start);
                var sims = unit.narrow(0, start, count).mm(unit.t());
                // A row is not its own neighbour.
                var self = arange(start, start + count, dtype: ScalarType.Int64, device: x.device).unsqueeze(1);
                sims.scatter_(1, self, full(new long[] { count, 1 }, double.NegativeInfinity, dtype: sims.dtype, device: x.device));
                var (_, indices) = sims.topk(k, dim: 1, largest: true, sorted: true);
                result.narrow(0, start, count).copy_(indices.cpu());
            }
        }
        return result;
    }
}
