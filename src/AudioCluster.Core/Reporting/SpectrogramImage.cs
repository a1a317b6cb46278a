using AudioCluster.Features;

namespace AudioCluster.Reporting;

/// <summary>How a spectrogram is drawn.</summary>
public sealed record SpectrogramImageOptions
{
    public ColorMapName ColorMap { get; init; } = ColorMapName.Viridis;
    /// <summary>Decibels below the clip's peak that the colour map spans; quieter is drawn as the lowest colour.</summary>
    public double DynamicRange { get; init; } = 80;
    /// <summary>Size of a font pixel in image pixels (1: 5 x 7 glyphs).</summary>
    public int FontScale { get; init; } = 2;
    /// <summary>"Frequency (Hz)" and "Time (s)" beside the tick labels; without them the units go on the ticks.</summary>
    public bool AxisTitles { get; init; } = true;
    public bool ColorBar { get; init; } = true;
    /// <summary>Text above the plot (the clip's name, usually).</summary>
    public string? Title { get; init; }

    public void Validate()
    {
        if (!(DynamicRange > 0) || double.IsInfinity(DynamicRange)) throw new ArgumentException($"DynamicRange must be positive, got {DynamicRange}.");
        if (FontScale is < 1 or > 8) throw new ArgumentException($"FontScale must be 1 to 8, got {FontScale}.");
    }
}

/// <summary>
/// Draws spectrograms as images: time to the right, frequency upwards, levels in dB below the
/// peak through a colour map, with Hz and seconds on the axes and an optional dB colour bar.
/// Mel spectrograms keep their mel spacing and get their ticks at the true frequencies.
/// </summary>
public static class SpectrogramImage
{
    static readonly Rgb Ink = Rgb.FromHex(0x222222);
    static readonly Rgb AxisColor = Rgb.FromHex(0x555555);

    /// <summary>One spectrogram in an image of <paramref name="width"/> x <paramref name="height"/> pixels, margins included.</summary>
    public static RgbImage Render(Spectrogram spectrogram, int width, int height, SpectrogramImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spectrogram);
        options ??= new SpectrogramImageOptions();
        options.Validate();
        var image = new RgbImage(width, height, Rgb.White);
        RenderInto(image, 0, 0, width, height, spectrogram, options);
        return image;
    }

    /// <summary>
    /// Several spectrograms in one image, <paramref name="columns"/> to a row, each in a cell of
    /// <paramref name="cellWidth"/> x <paramref name="cellHeight"/> with its own title and ticks; one colour bar on the right.
    /// </summary>
    public static RgbImage RenderGrid(IReadOnlyList<(Spectrogram Spectrogram, string Title)> items, int columns, int cellWidth, int cellHeight, SpectrogramImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("A grid needs at least one spectrogram.", nameof(items));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns));
        options ??= new SpectrogramImageOptions();
        options.Validate();
        columns = Math.Min(columns, items.Count);
        int rows = (items.Count + columns - 1) / columns;
        var cell = options with { AxisTitles = false, ColorBar = false };
        var barLayout = ColorBarWidth(options.FontScale);
        var image = new RgbImage(columns * cellWidth + barLayout, rows * cellHeight, Rgb.White);
        Layout? first = null;
        for (int i = 0; i < items.Count; i++)
        {
            var layout = RenderInto(image, i % columns * cellWidth, i / columns * cellHeight, cellWidth, cellHeight, items[i].Spectrogram, cell with { Title = items[i].Title });
            first ??= layout;
        }
        // Every cell is scaled to its own peak, so one bar serves them all.
        bool db = items.All(it => it.Spectrogram.Kind != SpectrogramKind.Mfcc);
        int s = options.FontScale;
        DrawColorBar(image, columns * cellWidth + 3 * s, first!.PlotTop, first.PlotHeight, options, db);
        return image;
    }

    sealed record Layout(int PlotLeft, int PlotTop, int PlotWidth, int PlotHeight);

    static int ColorBarWidth(int s) => 3 * s + 6 * s + 3 * s + 2 * s + BitmapFont.MeasureWidth("-100", s) + 3 * s;

    /// <summary>Draws one spectrogram with axes into the rectangle (x, y, width, height) of an image.</summary>
    static Layout RenderInto(RgbImage image, int x, int y, int width, int height, Spectrogram spectrogram, SpectrogramImageOptions options)
    {
        int s = options.FontScale, line = BitmapFont.Height * s, pad = 3 * s, tick = 3 * s;
        var axis = FrequencyAxis.Of(spectrogram);
        bool compact = !options.AxisTitles;

        int top = y + pad + (options.Title != null ? line + pad : 0) + (compact && axis.IsHz ? line + pad : line / 2);
        int bottom = y + height - (tick + pad + line + (options.AxisTitles ? pad + line : 0) + pad);
        int plotHeight = bottom - top;
        var yTicks = axis.Ticks(plotHeight, 2 * line);
        int labelWidth = yTicks.Count == 0 ? 0 : yTicks.Max(t => BitmapFont.MeasureWidth(t.Label, s));
        int left = x + pad + (options.AxisTitles ? line + pad : 0) + labelWidth + pad + tick;
        // Without a colour bar, room for half the last time label and a gap to the next grid cell.
        int right = x + width - (options.ColorBar ? ColorBarWidth(s) : BitmapFont.MeasureWidth("10.5 s", s) / 2 + 3 * pad);
        int plotWidth = right - left;
        if (plotWidth < 8 || plotHeight < 8)
            throw new ArgumentException($"{width} x {height} pixels leave no room for the plot; make the image larger.");

        if (options.Title != null)
            image.DrawText(x + pad, y + pad, BitmapFont.Fit(options.Title, width - 2 * pad, s), Ink, s);

        DrawPixels(image, left, top, plotWidth, plotHeight, spectrogram, options);
        image.DrawRect(left - 1, top - 1, plotWidth + 2, plotHeight + 2, AxisColor);

        // Frequency (or coefficient) ticks, right-aligned against the plot.
        foreach (var (position, label) in yTicks)
        {
            int ty = top + plotHeight - (int)Math.Round(position * plotHeight);
            image.HLine(left - 1 - tick, left - 2, ty, AxisColor);
            image.DrawText(left - 1 - tick - pad / 2 - BitmapFont.MeasureWidth(label, s), ty - line / 2, label, Ink, s);
        }
        if (options.AxisTitles)
        {
            // The mel note only where it fits beside the plot.
            var title = BitmapFont.MeasureWidth(axis.Title, s) <= plotHeight ? axis.Title : BitmapFont.Fit(axis.ShortTitle, plotHeight, s);
            image.DrawTextUp(x + pad, top + (plotHeight + BitmapFont.MeasureWidth(title, s)) / 2, title, Ink, s);
        }
        else if (axis.IsHz)
        {
            image.DrawText(left - 1 - tick - BitmapFont.MeasureWidth("Hz", s), top - line - pad, "Hz", Ink, s);
        }

        // Time ticks.
        double seconds = (double)spectrogram.Frames * spectrogram.HopLength / spectrogram.SampleRate;
        var xTicks = TimeTicks(seconds, plotWidth, BitmapFont.MeasureWidth("00.00", s) + 4 * pad);
        for (int i = 0; i < xTicks.Count; i++)
        {
            var (t, label) = xTicks[i];
            if (compact && i == xTicks.Count - 1) label += " s";
            int tx = left + (int)Math.Round(t / seconds * plotWidth);
            image.VLine(tx, top + plotHeight + 1, top + plotHeight + tick, AxisColor);
            int lx = Math.Clamp(tx - BitmapFont.MeasureWidth(label, s) / 2, x, x + width - BitmapFont.MeasureWidth(label, s));
            image.DrawText(lx, top + plotHeight + 1 + tick + pad, label, Ink, s);
        }
        if (options.AxisTitles)
        {
            const string title = "Time (s)";
            image.DrawText(left + (plotWidth - BitmapFont.MeasureWidth(title, s)) / 2, top + plotHeight + 1 + tick + pad + line + pad, title, Ink, s);
        }

        if (options.ColorBar)
            DrawColorBar(image, right + 3 * s, top, plotHeight, options, spectrogram.Kind != SpectrogramKind.Mfcc);
        return new Layout(left, top, plotWidth, plotHeight);
    }

    static void DrawPixels(RgbImage image, int left, int top, int plotWidth, int plotHeight, Spectrogram spectrogram, SpectrogramImageOptions options)
    {
        var levels = Levels(spectrogram, out bool db);
        float high = float.NegativeInfinity, low = float.PositiveInfinity;
        foreach (var v in levels) { if (v > high) high = v; if (v < low) low = v; }
        // dB: the peak is the top colour and DynamicRange below it the bottom one; MFCC: min to max.
        double floor = db ? high - options.DynamicRange : low;
        double span = db ? options.DynamicRange : Math.Max(high - low, 1e-12);
        var map = ColorMap.Get(options.ColorMap);

        int bins = spectrogram.Bins, frames = spectrogram.Frames;
        // Time first (each bin row to the plot width), then frequency (each column to the plot height).
        var wide = new float[bins * plotWidth];
        for (int b = 0; b < bins; b++)
            Resample(levels.AsSpan(b * frames, frames), wide.AsSpan(b * plotWidth, plotWidth));
        var column = new float[bins];
        var tall = new float[plotHeight];
        for (int px = 0; px < plotWidth; px++)
        {
            for (int b = 0; b < bins; b++) column[b] = wide[b * plotWidth + px];
            Resample(column, tall);
            for (int py = 0; py < plotHeight; py++)
            {
                var value = tall[plotHeight - 1 - py];    // highest bin at the top
                image.SetPixel(left + px, top + py, map[(value - floor) / span]);
            }
        }
    }

    /// <summary>Values to draw: dB for power, mel and log-mel spectrograms, the coefficients themselves for MFCC.</summary>
    internal static float[] Levels(Spectrogram spectrogram, out bool decibels)
    {
        double power = spectrogram.Options?.Power ?? 2.0;
        var data = spectrogram.Data;
        var levels = new float[data.Length];
        decibels = true;
        switch (spectrogram.Kind)
        {
            case SpectrogramKind.LogMel:
            {
                // ln(|X|^p) to 10 log10(|X|^2).
                double factor = 20.0 / (power * Math.Log(10));
                for (int i = 0; i < data.Length; i++) levels[i] = (float)(factor * data[i]);
                break;
            }
            case SpectrogramKind.Mfcc:
                decibels = false;
                Array.Copy(data, levels, data.Length);
                break;
            default:
            {
                double factor = 20.0 / power;
                for (int i = 0; i < data.Length; i++) levels[i] = (float)(factor * Math.Log10(Math.Max(data[i], 1e-30)));
                break;
            }
        }
        for (int i = 0; i < levels.Length; i++) if (!float.IsFinite(levels[i])) levels[i] = -300f;
        return levels;
    }

    /// <summary>Resizes a row of values: area averages when shrinking, linear interpolation when growing.</summary>
    internal static void Resample(ReadOnlySpan<float> source, Span<float> target)
    {
        int n = source.Length, m = target.Length;
        if (n == m) { source.CopyTo(target); return; }
        if (m < n)
        {
            double ratio = (double)n / m;
            for (int j = 0; j < m; j++)
            {
                double start = j * ratio, end = start + ratio, sum = 0;
                for (int i = (int)start; i < n && i < end; i++)
                    sum += source[i] * (Math.Min(end, i + 1) - Math.Max(start, i));
                target[j] = (float)(sum / ratio);
            }
            return;
        }
        for (int j = 0; j < m; j++)
        {
            double position = Math.Clamp((j + 0.5) * n / m - 0.5, 0, n - 1);
            int i = Math.Min((int)position, n - 2 < 0 ? 0 : n - 2);
            double f = position - i;
            target[j] = n == 1 ? source[0] : (float)(source[i] * (1 - f) + source[i + 1] * f);
        }
    }

    static void DrawColorBar(RgbImage image, int x, int top, int height, SpectrogramImageOptions options, bool decibels)
    {
        int s = options.FontScale, barWidth = 6 * s, tick = 3 * s, line = BitmapFont.Height * s;
        var map = ColorMap.Get(options.ColorMap);
        for (int py = 0; py < height; py++)
            image.HLine(x, x + barWidth - 1, top + py, map[1.0 - (double)py / Math.Max(1, height - 1)]);
        image.DrawRect(x - 1, top - 1, barWidth + 2, height + 2, AxisColor);
        var ticks = new List<(double Fraction, string Label)>();
        if (decibels)
        {
            double range = options.DynamicRange;
            double step = NiceStep(range / Math.Max(1, height / (3 * line)), new[] { 1.0, 2, 5, 10, 20, 40, 50, 100 });
            for (double db = 0; db <= range + 1e-9; db += step) ticks.Add((1 - db / range, db == 0 ? "0 dB" : "-" + db.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)));
        }
        else
        {
            ticks.Add((1, "max"));
            ticks.Add((0, "min"));
        }
        foreach (var (fraction, label) in ticks)
        {
            int ty = top + (int)Math.Round((1 - fraction) * (height - 1));
            image.HLine(x + barWidth + 1, x + barWidth + tick, ty, AxisColor);
            image.DrawText(x + barWidth + tick + 2 * s, ty - line / 2, label, Ink, s);
        }
    }

    /// <summary>Tick times: a round step giving ticks at least <paramref name="minSpacing"/> pixels apart.</summary>
    internal static List<(double Seconds, string Label)> TimeTicks(double seconds, int pixels, int minSpacing)
    {
        var ticks = new List<(double, string)>();
        if (!(seconds > 0)) return ticks;
        int most = Math.Max(1, pixels / Math.Max(1, minSpacing));
        double step = NiceStep(seconds / most, new[] { 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600 });
        for (int k = 0; k * step <= seconds * (1 + 1e-9); k++)
            ticks.Add((k * step, (k * step).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)));
        return ticks;
    }

    /// <summary>The smallest of the candidate steps (then powers of ten times them) at least <paramref name="minimum"/>.</summary>
    internal static double NiceStep(double minimum, double[] candidates)
    {
        foreach (var c in candidates) if (c >= minimum) return c;
        double scale = 1;
        while (true)
        {
            scale *= 10;
            foreach (var c in candidates) if (c * scale >= minimum) return c * scale;
        }
    }
}

/// <summary>Where frequencies lie along the bins of a spectrogram, for ticks in Hz.</summary>
sealed class FrequencyAxis
{
    readonly Func<double, double> binOf;    // continuous bin index of a frequency
    readonly double lowHz, highHz;
    readonly int bins;
    readonly bool mel;

    FrequencyAxis(int bins, bool isHz, bool mel, double lowHz, double highHz, Func<double, double> binOf, string title)
    {
        this.bins = bins; IsHz = isHz; this.mel = mel; this.lowHz = lowHz; this.highHz = highHz; this.binOf = binOf; Title = title;
    }

    public bool IsHz { get; }
    public string Title { get; }
    public string ShortTitle => IsHz ? "Frequency (Hz)" : Title;

    public static FrequencyAxis Of(Spectrogram s)
    {
        int n = s.Bins;
        double nyquist = s.SampleRate / 2.0;
        switch (s.Kind)
        {
            case SpectrogramKind.Power:
                // Bin k of an NFft-point transform sits at k * rate / NFft, with NFft = 2 (bins - 1).
                return new FrequencyAxis(n, true, false, 0, nyquist, hz => hz / nyquist * (n - 1), "Frequency (Hz)");
            case SpectrogramKind.Mel:
            case SpectrogramKind.LogMel:
            {
                var o = s.Options ?? new MelSpectrogramOptions { SampleRate = s.SampleRate };
                double fMin = o.FMin, fMax = Math.Min(o.EffectiveFMax, nyquist);
                double m0 = MelFilterbank.HzToMel(fMin, o.MelScale), m1 = MelFilterbank.HzToMel(fMax, o.MelScale);
                // Filter i peaks at the (i + 1)-th of NMels + 2 points evenly spaced in mel from fMin to fMax.
                return new FrequencyAxis(n, true, true, fMin, fMax, hz => (MelFilterbank.HzToMel(hz, o.MelScale) - m0) / (m1 - m0) * (n + 1) - 1, "Frequency (Hz, mel scale)");
            }
            default:
                return new FrequencyAxis(n, false, false, 0, n - 1, c => c, "Coefficient");
        }
    }

    /// <summary>Ticks as (fraction of the plot height from the bottom, label), at least <paramref name="minSpacing"/> pixels apart.</summary>
    public List<(double Position, string Label)> Ticks(int pixels, int minSpacing)
    {
        // The band edges sit half a bin outside the first and last bin's centre: allow them, on the edge.
        double edge = 0.5 / bins + 1e-9;
        double Position(double value) => Math.Clamp((binOf(value) + 0.5) / bins, 0, 1);
        var chosen = new List<double>();
        bool Fits(double value)
        {
            double p = (binOf(value) + 0.5) / bins;
            if (value < lowHz - 1e-9 || value > highHz + 1e-9 || p < -edge || p > 1 + edge) return false;
            p = Position(value);
            return chosen.All(c => Math.Abs(Position(c) - p) * pixels >= minSpacing);
        }
        if (mel)
        {
            // Round frequencies in order of preference; the mel scale spreads the low ones out.
            double[] preferred = { 0, 1000, 2000, 4000, 8000, 16000, 500, 3000, 6000, 12000, 20000, 200, 5000, 10000, 7000, 14000, 100, 300, 1500, 2500, 50 };
            foreach (var f in preferred) if (Fits(f)) chosen.Add(f);
        }
        else
        {
            int most = Math.Max(1, pixels / Math.Max(1, minSpacing));
            double step = SpectrogramImage.NiceStep((highHz - lowHz) / most, IsHz ? new[] { 1.0, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000 } : new[] { 1.0, 2, 5, 10 });
            for (double v = Math.Ceiling(lowHz / step) * step; v <= highHz + 1e-9; v += step) if (Fits(v)) chosen.Add(v);
        }
        chosen.Sort();
        return chosen.Select(v => (Position(v), IsHz ? HzLabel(v) : v.ToString("0", System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    static string HzLabel(double hz) => hz >= 1000
        ? (hz / 1000).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "k"
        : hz.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
}
