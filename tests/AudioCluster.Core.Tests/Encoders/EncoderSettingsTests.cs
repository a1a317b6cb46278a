using AudioCluster.Encoders;
using AudioCluster.Runtime;

namespace AudioCluster.Tests.Encoders;

public class EncoderSettingsTests
{
    static string Existing() => typeof(EncoderSettingsTests).Assembly.Location;

    public static TheoryData<EncoderSettings, string> Bad => new()
    {
        { new() { Kind = EncoderKind.Onnx }, "ModelPath" },
        { new() { Kind = EncoderKind.MelStats, ModelPath = Existing() }, "ModelPath" },
        { new() { Kind = EncoderKind.MelStats, Device = ComputeDevice.Auto }, "Device" },
        { new() { Kind = EncoderKind.MelStats, Seed = 1 }, "Seed" },
        { new() { Kind = EncoderKind.ByolA, Pooling = TimePooling.Max }, "Pooling" },
        { new() { Kind = EncoderKind.ByolA, ModelPath = Existing(), Seed = 2 }, "Seed" },
        { new() { Kind = EncoderKind.ByolA, NormalizationMean = 1 }, "NormalizationStd" },
        { new() { Kind = EncoderKind.ByolA, NormalizationStd = 1 }, "NormalizationMean" },
        { new() { Kind = EncoderKind.ByolA, NormalizationMean = 1, NormalizationStd = -1 }, "NormalizationStd" },
        { new() { Kind = EncoderKind.ByolA, ModelPath = "/nonexistent/x.pth" }, "ModelPath" },
        { new() { Kind = EncoderKind.Onnx, ModelPath = Existing(), Seed = 0 }, "Seed" },
        { new() { Kind = EncoderKind.EfficientAT }, "ModelPath" },
        { new() { Kind = EncoderKind.EfficientAT, ModelPath = "/nonexistent/mn04.onnx" }, "ModelPath" },
        { new() { Kind = EncoderKind.EfficientAT, ModelPath = Existing(), Pooling = TimePooling.Max }, "Pooling" },
        { new() { Kind = EncoderKind.EfficientAT, ModelPath = Existing(), NormalizationMean = -4.5, NormalizationStd = 5 }, "NormalizationMean" },
        { new() { Kind = EncoderKind.EfficientAT, ModelPath = Existing(), Seed = 1 }, "Seed" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void BadCombinationsNameTheParameter(EncoderSettings settings, string parameter)
    {
        var e = Assert.ThrowsAny<ArgumentException>(settings.Validate);
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void GoodCombinationsPassAndSayWhetherStatisticsComeFromTheData()
    {
        new EncoderSettings().Validate();
        var random = new EncoderSettings { Kind = EncoderKind.ByolA, Seed = 3, Device = ComputeDevice.Auto };
        random.Validate();
        Assert.True(random.NeedsDatasetStatistics);
        var given = random with { NormalizationMean = -4.8, NormalizationStd = 5.2 };
        given.Validate();
        Assert.False(given.NeedsDatasetStatistics);
        Assert.Equal(new NormalizationStats(-4.8, 5.2), given.Normalization);
        new EncoderSettings { Kind = EncoderKind.Onnx, ModelPath = Existing(), Pooling = TimePooling.None }.Validate();
        new EncoderSettings { Kind = EncoderKind.EfficientAT, ModelPath = Existing(), Device = ComputeDevice.Auto }.Validate();
    }
}
