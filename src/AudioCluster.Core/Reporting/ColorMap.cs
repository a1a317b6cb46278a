namespace AudioCluster.Reporting;

/// <summary>Colour maps for spectrogram images: perceptually even Viridis and Magma, or plain gray.</summary>
public enum ColorMapName { Viridis, Magma, Gray }

/// <summary>
/// Maps a value in [0, 1] to a colour through a 256-entry table, interpolated between a few
/// anchor colours of each map (Viridis: dark blue - teal - yellow; Magma: black - purple -
/// orange - pale yellow).
/// </summary>
public sealed class ColorMap
{
    static readonly int[] ViridisAnchors = { 0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6ECE58, 0xFDE725 };
    static readonly int[] MagmaAnchors = { 0x000004, 0x1C1044, 0x4F127B, 0x812581, 0xB5367A, 0xE55064, 0xFB8761, 0xFEC287, 0xFCFDBF };
    static readonly int[] GrayAnchors = { 0x000000, 0xFFFFFF };

    readonly Rgb[] table = new Rgb[256];

    ColorMap(int[] anchors)
    {
        for (int i = 0; i < 256; i++)
        {
            double position = i / 255.0 * (anchors.Length - 1);
            int k = Math.Min((int)position, anchors.Length - 2);
            double f = position - k;
            Rgb a = Rgb.FromHex(anchors[k]), b = Rgb.FromHex(anchors[k + 1]);
            table[i] = new Rgb(Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
        }
    }

    static byte Mix(byte a, byte b, double f) => (byte)Math.Round(a + (b - a) * f);

    public static ColorMap Viridis { get; } = new(ViridisAnchors);
    public static ColorMap Magma { get; } = new(MagmaAnchors);
    public static ColorMap Gray { get; } = new(GrayAnchors);

    public static ColorMap Get(ColorMapName name) => name switch
    {
        ColorMapName.Magma => Magma,
        ColorMapName.Gray => Gray,
        _ => Viridis,
    };

    /// <summary>The colour of <paramref name="t"/>, clamped to [0, 1]; NaN gives the lowest colour.</summary>
    public Rgb this[double t] => table[double.IsNaN(t) ? 0 : (int)Math.Round(Math.Clamp(t, 0, 1) * 255)];
}
