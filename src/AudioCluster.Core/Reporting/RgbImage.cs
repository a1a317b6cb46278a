namespace AudioCluster.Reporting;

/// <summary>A colour, 8 bits per channel.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb FromHex(int rgb) => new((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
    public static readonly Rgb White = new(255, 255, 255);
    public string ToHex() => $"#{R:x2}{G:x2}{B:x2}";
}

/// <summary>
/// A plain RGB raster (row-major, top row first) with the few drawing operations the
/// spectrogram images need: rectangles, lines and text in <see cref="BitmapFont"/>.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, Rgb background)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"An image needs a positive size, got {width} x {height}.");
        Width = width; Height = height;
        Pixels = new byte[checked(width * height * 3)];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>R, G, B bytes of each pixel, row by row.</summary>
    public byte[] Pixels { get; }

    public Rgb this[int x, int y]
    {
        get { int i = (y * Width + x) * 3; return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]); }
        set => SetPixel(x, y, value);
    }

    /// <summary>Sets one pixel; points outside the image are ignored, so callers need not clip.</summary>
    public void SetPixel(int x, int y, Rgb c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = (y * Width + x) * 3;
        Pixels[i] = c.R; Pixels[i + 1] = c.G; Pixels[i + 2] = c.B;
    }

    public void FillRect(int x, int y, int width, int height, Rgb c)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y);
        int x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++)
            {
                int i = (yy * Width + xx) * 3;
                Pixels[i] = c.R; Pixels[i + 1] = c.G; Pixels[i + 2] = c.B;
            }
    }

    public void HLine(int x0, int x1, int y, Rgb c) => FillRect(Math.Min(x0, x1), y, Math.Abs(x1 - x0) + 1, 1, c);

    public void VLine(int x, int y0, int y1, Rgb c) => FillRect(x, Math.Min(y0, y1), 1, Math.Abs(y1 - y0) + 1, c);

    /// <summary>A one-pixel outline just inside the rectangle.</summary>
    public void DrawRect(int x, int y, int width, int height, Rgb c)
    {
        HLine(x, x + width - 1, y, c);
        HLine(x, x + width - 1, y + height - 1, c);
        VLine(x, y, y + height - 1, c);
        VLine(x + width - 1, y, y + height - 1, c);
    }

    /// <summary>Copies another image in with its top-left corner at (x, y).</summary>
    public void Draw(RgbImage source, int x, int y)
    {
        for (int sy = 0; sy < source.Height; sy++)
        {
            int ty = y + sy;
            if ((uint)ty >= (uint)Height) continue;
            int sx0 = Math.Max(0, -x), sx1 = Math.Min(source.Width, Width - x);
            if (sx1 <= sx0) continue;
            Buffer.BlockCopy(source.Pixels, (sy * source.Width + sx0) * 3, Pixels, (ty * Width + x + sx0) * 3, (sx1 - sx0) * 3);
        }
    }

    /// <summary>Draws text with its top-left corner at (x, y), each font pixel a scale x scale square.</summary>
    public void DrawText(int x, int y, string text, Rgb c, int scale = 1)
    {
        foreach (var ch in text)
        {
            var rows = BitmapFont.Glyph(ch);
            for (int r = 0; r < BitmapFont.Height; r++)
                for (int col = 0; col < BitmapFont.Width; col++)
                    if ((rows[r] & (1 << (BitmapFont.Width - 1 - col))) != 0)
                        FillRect(x + col * scale, y + r * scale, scale, scale, c);
            x += BitmapFont.Advance * scale;
        }
    }

    /// <summary>Draws text turned a quarter turn anticlockwise (reading upwards); (x, y) is its bottom-left corner.</summary>
    public void DrawTextUp(int x, int y, string text, Rgb c, int scale = 1)
    {
        foreach (var ch in text)
        {
            var rows = BitmapFont.Glyph(ch);
            for (int r = 0; r < BitmapFont.Height; r++)
                for (int col = 0; col < BitmapFont.Width; col++)
                    if ((rows[r] & (1 << (BitmapFont.Width - 1 - col))) != 0)
                        FillRect(x + r * scale, y - (col + 1) * scale, scale, scale, c);
            y -= BitmapFont.Advance * scale;
        }
    }
}
