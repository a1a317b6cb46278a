namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>The outcome of processing one input: a value or the error it raised.</summary>
readonly record struct Outcome<TIn, TOut>(TIn Input, TOut? Value, Exception? Error);

/// <summary>
/// Buffers pipeline inputs and processes them in parallel batches, handing results back in
/// input order, so streaming cmdlets use every core and still emit in the order given.
/// </summary>
sealed class OrderedBatch<TIn, TOut>
{
    readonly Func<TIn, CancellationToken, TOut> work;
    readonly List<TIn> pending = new();
    readonly int batchSize;

    public OrderedBatch(Func<TIn, CancellationToken, TOut> work, int? batchSize = null)
    {
        this.work = work;
        this.batchSize = batchSize ?? Math.Max(4, Environment.ProcessorCount * 4);
    }

    public bool IsFull => pending.Count >= batchSize;

    public void Add(TIn input) => pending.Add(input);

    /// <summary>Processes everything buffered; per-item errors are returned, cancellation is thrown.</summary>
    public Outcome<TIn, TOut>[] Drain(CancellationToken cancellation)
    {
        var inputs = pending.ToArray();
        pending.Clear();
        var results = new Outcome<TIn, TOut>[inputs.Length];
        var options = new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, inputs.Length, options, i =>
        {
            try
            {
                results[i] = new(inputs[i], work(inputs[i], cancellation), null);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                results[i] = new(inputs[i], default, e);
            }
        });
        return results;
    }
}
