using AudioCluster.Features;
using AudioCluster.Reporting;

namespace AudioCluster.Tests.Reporting;

public class PngAndImageTests
{
    [Fact]
    public void PngRoundTripsEveryPixelWhateverFilterEachRowGets()
    {
        // Noise, flat areas and gradients make the encoder pick different filters row by row.
        var image = new RgbImage(67, 41, Rgb.White);
        var rng = new Random(3);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                image[x, y] = y < 10 ? new Rgb((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256))
                            : y < 20 ? new Rgb((byte)(x * 3), (byte)(y * 5), 200)
                            : y < 30 ? new Rgb(10, 20, 30)
                            : new Rgb((byte)(x * y), (byte)(255 - x), (byte)(x ^ y));
        image.DrawText(2, 31, "Hz 1.5k", Rgb.FromHex(0x000000));
        var png = PngEncoder.Encode(image);
        var back = PngDecoder.Decode(png);
        Assert.Equal(image.Pixels, back.Pixels);
        Assert.Equal((67, 41), PngDecoder.Size(png));
    }

    [Fact]
    public void DataUriIsBase64Png()
    {
        var uri = PngEncoder.ToDataUri(new RgbImage(3, 2, Rgb.White));
        Assert.StartsWith("data:image/png;base64,", uri);
        var back = PngDecoder.Decode(Convert.FromBase64String(uri["data:image/png;base64,".Length..]));
        Assert.All(back.Pixels, b => Assert.Equal(255, b));
    }

    [Fact]
    public void ColorMapsRunFromDarkToLight()
    {
        foreach (var name in Enum.GetValues<ColorMapName>())
        {
            var map = ColorMap.Get(name);
            double Luma(Rgb c) => 0.3 * c.R + 0.59 * c.G + 0.11 * c.B;
            Assert.True(Luma(map[0]) < 70, $"{name} starts light");
            Assert.True(Luma(map[1]) > 200, $"{name} ends dark");
            Assert.Equal(map[0], map[-5]);
            Assert.Equal(map[1], map[7]);
            Assert.Equal(map[0], map[double.NaN]);
        }
        Assert.Equal(Rgb.FromHex(0x440154), ColorMap.Viridis[0]);
        Assert.Equal(Rgb.FromHex(0xFDE725), ColorMap.Viridis[1]);
    }

    [Fact]
    public void TextIsDrawnInTheFontAndUnknownCharactersAsQuestionMarks()
    {
        var a = new RgbImage(20, 10, Rgb.White);
        a.DrawText(0, 0, "\u00e9", Rgb.FromHex(0));
        var b = new RgbImage(20, 10, Rgb.White);
        b.DrawText(0, 0, "?", Rgb.FromHex(0));
        Assert.Equal(b.Pixels, a.Pixels);
        Assert.Contains(a.Pixels, v => v == 0);
        Assert.Equal(29, BitmapFont.MeasureWidth("Hello"));
        Assert.Equal("abcdefg..", BitmapFont.Fit("abcdefghijklmnop", 6 * 9));
        Assert.True(BitmapFont.MeasureWidth(BitmapFont.Fit("abcdefghijklmnop", 6 * 9)) <= 6 * 9);
    }

    /// <summary>A power spectrogram with one loud bin: the brightest image row must be where its frequency is.</summary>
    [Theory]
    [InlineData(SpectrogramKind.Power)]
    [InlineData(SpectrogramKind.LogMel)]
    public void LoudBinLandsAtItsFrequency(SpectrogramKind kind)
    {
        const int bins = 64, frames = 50;
        var options = new MelSpectrogramOptions { SampleRate = 16000, NMels = bins, FMin = 0, FMax = 8000 };
        var data = new float[bins * frames];
        const int loud = 40;
        for (int b = 0; b < bins; b++)
            for (int t = 0; t < frames; t++)
            {
                double power = b == loud ? 1.0 : 1e-6;
                data[b * frames + t] = kind == SpectrogramKind.LogMel ? (float)Math.Log(power) : (float)power;
            }
        var s = new Spectrogram("x.wav", null, kind, bins, frames, 16000, 160, data) { Options = options };
        var image = SpectrogramImage.Render(s, 400, 300, new SpectrogramImageOptions { AxisTitles = false, ColorBar = false, FontScale = 1 });
        // The plot: the rows of the middle column that are neither background, axis nor text.
        int x = image.Width / 2;
        bool InPlot(int y) => image[x, y] != Rgb.White && image[x, y] != Rgb.FromHex(0x555555) && image[x, y] != Rgb.FromHex(0x222222);
        int top = Enumerable.Range(0, image.Height).First(InPlot);
        int bottom = Enumerable.Range(0, image.Height).Last(InPlot);
        int brightest = Enumerable.Range(top, bottom - top + 1).MaxBy(y => image[x, y].R + image[x, y].G);
        Assert.Equal(ColorMap.Viridis[1], image[x, brightest]);
        double fraction = (bottom + 0.5 - brightest) / (bottom - top + 1);
        Assert.InRange(fraction, (loud + 0.0) / bins, (loud + 1.0) / bins);
    }

    [Fact]
    public void QuietPartsSitAtTheBottomOfTheRangeAndSilenceDoesNotBreakTheImage()
    {
        var data = new float[8 * 10];
        data[3 * 10 + 5] = 1f;                   // everything else is digital silence (-inf dB)
        var s = new Spectrogram("x.wav", null, SpectrogramKind.Mel, 8, 10, 16000, 160, data);
        var image = SpectrogramImage.Render(s, 300, 200);
        var pixels = Enumerable.Range(0, image.Height).Select(y => image[image.Width / 3, y]).ToList();
        Assert.Contains(ColorMap.Viridis[0], pixels);
        var png = PngEncoder.Encode(image);
        Assert.Equal((300, 200), PngDecoder.Size(png));
    }

    [Fact]
    public void GridHoldsEveryCellAndOneColourBar()
    {
        var s = new Spectrogram("a.wav", "dog", SpectrogramKind.Power, 33, 20, 8000, 80, Enumerable.Range(0, 33 * 20).Select(i => (float)(i % 7 + 1)).ToArray());
        var image = SpectrogramImage.RenderGrid(new[] { (s, "a"), (s, "b"), (s, "c"), (s, "d"), (s, "e") }, 2, 240, 150);
        Assert.Equal(3 * 150, image.Height);
        Assert.True(image.Width > 2 * 240);
        Assert.Throws<ArgumentException>(() => SpectrogramImage.Render(s, 20, 20));
    }
}
