using AudioCluster.Encoders;
using AudioCluster.Features;

namespace AudioCluster.Tests.Encoders;

public class OnnxEncoderOptionsTests
{
    [Fact]
    public void SidecarJsonReadsEveryField()
    {
        var o = OnnxEncoderOptions.FromJson("""
            { // comments and trailing commas are fine
              "input": "logMel", "sampleRate": 32000, "inputName": "logmel", "outputName": "embedding",
              "mel": { "nFft": 1024, "winLength": 800, "hopLength": 320, "nMels": 128, "fMin": 0, "fMax": 16000,
                       "melScale": "kaldi", "periodicWindow": false, "preEmphasis": 0.97, "logOffset": 1e-5 },
              "normalization": { "mean": -4.5, "std": 5 }, "pooling": "MeanMax", "framesFirst": true, "int16RoundTrip": true,
            }
            """);
        Assert.Equal(OnnxInputKind.LogMel, o.Input);
        Assert.Equal("logmel", o.InputName);
        Assert.Equal(TimePooling.MeanMax, o.Pooling);
        Assert.True(o.FramesFirst && o.Int16RoundTrip);
        Assert.Equal(new NormalizationStats(-4.5, 5), o.Normalization);
        Assert.Equal(OnnxEncoderOptions.EfficientAt.EffectiveMel, o.EffectiveMel);
    }

    [Fact]
    public void JsonRoundTripsAndDefaultsAreAWaveformAt16k()
    {
        var back = OnnxEncoderOptions.FromJson(OnnxEncoderOptions.EfficientAt.ToJson());
        Assert.Equal(OnnxEncoderOptions.EfficientAt.EffectiveMel, back.EffectiveMel);
        Assert.Equal(OnnxEncoderOptions.EfficientAt.Normalization, back.Normalization);
        var d = OnnxEncoderOptions.FromJson("{}");
        Assert.Equal(OnnxInputKind.Waveform, d.Input);
        Assert.Equal(16000, d.SampleRate);
        Assert.Equal(TimePooling.Mean, d.Pooling);
        // The mel sample rate follows the model's.
        Assert.Equal(8000, OnnxEncoderOptions.FromJson("""{ "input": "logmel", "sampleRate": 8000, "mel": { "fMax": 4000 } }""").EffectiveMel.SampleRate);
    }

    [Theory]
    [InlineData("""{ "pooling": "median" }""", "pooling")]
    [InlineData("""{ "sampleRat": 16000 }""", "sampleRat")]
    [InlineData("""{ "input": "logMel", "sampleRate": 8000 }""", "FMax")]
    [InlineData("""{ "normalization": { "mean": 0, "std": 0 } }""", "std")]
    [InlineData("""{ "sampleRate": 16000, "mel": { "sampleRate": 8000 } }""", "sample rate")]
    public void BadSettingsAreNamed(string json, string expected)
    {
        var e = Assert.ThrowsAny<Exception>(() => OnnxEncoderOptions.FromJson(json));
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SidecarIsFoundBesideTheModel()
    {
        using var dir = new TempDir();
        var model = dir.File("m.onnx");
        Assert.Null(OnnxEncoderOptions.FromSidecar(model, out var none));
        Assert.Null(none);
        File.WriteAllText(dir.File("m.json"), """{ "sampleRate": 22050 }""");
        Assert.Equal(22050, OnnxEncoderOptions.FromSidecar(model, out var found)!.SampleRate);
        Assert.Equal(dir.File("m.json"), found);
        File.WriteAllText(dir.File("m.onnx.json"), """{ "sampleRate": 44100 }""");
        Assert.Equal(44100, OnnxEncoderOptions.FromSidecar(model, out _)!.SampleRate);
        File.WriteAllText(dir.File("m.onnx.json"), """{ "sampleRate": """);
        var e = Assert.Throws<FormatException>(() => OnnxEncoderOptions.FromSidecar(model, out _));
        Assert.Contains("m.onnx.json", e.Message);
    }
}

public class TimePoolingTests
{
    [Fact]
    public void PoolsFramesByEachRule()
    {
        float[] frames = [1, -2, 3, 4, 5, -6]; // 3 frames x 2 dims
        Assert.Equal([3f, -4f / 3], TimePoolingMath.Pool(frames, 3, 2, TimePooling.Mean));
        Assert.Equal([5f, 4f], TimePoolingMath.Pool(frames, 3, 2, TimePooling.Max));
        Assert.Equal([8f, 4f - 4f / 3], TimePoolingMath.Pool(frames, 3, 2, TimePooling.MeanMax));
        Assert.Equal([1f, -2f], TimePoolingMath.Pool(frames, 3, 2, TimePooling.None));
        Assert.Throws<ArgumentException>(() => TimePoolingMath.Pool(frames, 2, 2, TimePooling.Mean));
    }

    [Fact]
    public void NormalizationAccumulatorGivesPopulationStatistics()
    {
        var acc = new NormalizationAccumulator();
        acc.Add([1, 2, 3]);
        acc.Add([4]);
        var s = acc.Result();
        Assert.Equal(2.5, s.Mean, 12);
        Assert.Equal(Math.Sqrt(1.25), s.Std, 12);
        Assert.Throws<InvalidOperationException>(() => new NormalizationAccumulator().Result());
        var x = new float[] { 2.5f, 5f };
        s.Apply(x);
        Assert.Equal(0f, x[0]);
    }
}
