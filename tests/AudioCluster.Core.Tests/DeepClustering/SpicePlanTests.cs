using AudioCluster.Clustering;
using AudioCluster.DeepClustering;

namespace AudioCluster.Tests.DeepClustering;

/// <summary>How SPICE's settings resolve against the data size, and how its saved model reads back (no libtorch needed).</summary>
public sealed class SpicePlanTests
{
    [Fact]
    public void DefaultsOnThreeThousandInputsLabelAllOfThemInEveryRound()
    {
        var plan = SpicePlan.For(3000, new SpiceOptions { ClusterCount = 10 });
        Assert.Equal(3000, plan.BatchSize);
        Assert.Equal(150, plan.Confident);          // 0.5 x 3000 / 10
        Assert.Equal(300, plan.Labelled);           // 3000 / 10
        Assert.Equal(128, plan.TrainBatchSize);
        Assert.Equal(8 * (3000 / 128), plan.StepsPerRound);
        Assert.Equal(1, plan.RoundsPerEpoch);
        Assert.Equal(SpiceOptions.DefaultSteps, plan.Steps);
        Assert.Equal(nameof(SpiceOptions.BatchSize), Assert.Single(plan.Notes).Parameter);
    }

    [Fact]
    public void EpochsCountRoundsOfWholeBatches()
    {
        // 1000 inputs in batches of 300: 3 rounds per epoch (the last 100 are dropped, as the paper's loader does).
        var plan = SpicePlan.For(1000, new SpiceOptions { ClusterCount = 3, BatchSize = 300, Epochs = 2, Repeats = 2, TrainBatchSize = 100 });
        Assert.Equal(3, plan.RoundsPerEpoch);
        Assert.Equal(2 * 3, plan.StepsPerRound);    // 2 passes over 3 x 100 labelled inputs in batches of 100
        Assert.Equal(2 * 3 * 6, plan.Steps);
        Assert.Empty(plan.Notes);
    }

    [Theory]
    [InlineData(1, 2, "at least 2 inputs")]
    [InlineData(4, 5, "more than the 4 inputs")]
    public void RefusesDataTooSmallForTheClusters(int n, int k, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => SpicePlan.For(n, new SpiceOptions { ClusterCount = k }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void SavedModelRoundTripsItsWeightsAndPreprocessing()
    {
        var head = new SpiceHeadWeights(2, 3, 2, [1, 2, 3, 4, 5, 6], [0.5f, 0, -0.5f], [1, -1, 2, -2, 3, -3], [0.25f, -0.25f]);
        var model = new SpiceModel("SPICE stage 2 (frozen embeddings): test", new VectorPreparation(new Standardizer([1, 2], [0.5, 4]), true), head);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var back = SpiceModel.Load(stream);
        Assert.Equal(model.Method, back.Method);
        Assert.Equal(head.W1, back.Head.W1);
        Assert.Equal(head.B2, back.Head.B2);
        Assert.True(back.Preparation.L2Normalize);
        Assert.Equal([0.5, 4], back.Preparation.Standardizer!.Scale);
    }

    [Fact]
    public void ReadingAnotherFormatOrWrongSizesFailsClearly()
    {
        var other = Assert.Throws<InvalidDataException>(() => SpiceModel.Load(new MemoryStream("{\"format\":\"AudioCluster.TemiModel\"}"u8.ToArray())));
        Assert.Contains("AudioCluster.SpiceModel", other.Message);
        var sizes = Assert.Throws<InvalidDataException>(() => new SpiceHeadWeights(2, 3, 2, [1, 2], [0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0]).Check());
        Assert.Contains("w1 has 2 values, expected 6", sizes.Message);
    }

    [Fact]
    public void StageThreesStrongViewMixesInAnotherClipAndDeepClusterRefusesMixup()
    {
        var strong = new SpiceSemiOptions { EncoderModelPath = "unused.pth" }.Strong;
        Assert.Equal(0.4, strong.MixupRatio);
        Assert.StartsWith("mixup ≤0.4 with another clip, random resize crop", strong.Describe());
        Assert.Throws<ArgumentException>(() => (strong with { MixupRatio = 1.5 }).Validate());
        var deepCluster = new DeepClusterOptions { ClusterCount = 4, Augmentation = new AudioCluster.Encoders.Training.SpectrogramAugmentation { MixupRatio = 0.2 } };
        Assert.Contains("no mixup", Assert.ThrowsAny<ArgumentException>(deepCluster.Validate).Message);
    }
}
