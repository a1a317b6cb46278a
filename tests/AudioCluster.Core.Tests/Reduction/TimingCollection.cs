namespace AudioCluster.Tests.Reduction;

/// <summary>Timing tests run alone, so that the printed times are not those of a shared CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Reduction timings";
}
