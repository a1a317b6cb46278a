namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>Keeps the latest fraction reported by a worker, for the pipeline thread to show.</summary>
sealed class LatestProgress : IProgress<double>
{
    double value;
    public double Value => Volatile.Read(ref value);
    public void Report(double fraction) => Volatile.Write(ref value, fraction);
}
