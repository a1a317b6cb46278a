namespace AudioCluster.Reporting;

/// <summary>
/// A 5 x 7 pixel font for printable ASCII, so images carry their own axis labels without a font
/// library. Characters outside ASCII are drawn as '?'.
/// </summary>
public static class BitmapFont
{
    public const int Width = 5;
    public const int Height = 7;
    /// <summary>Horizontal distance from one character to the next, one blank column included.</summary>
    public const int Advance = 6;

    // Seven rows per glyph, two hex digits each, top row first; bit 4 is the leftmost column.
    // Characters 32 (space) to 126 (~) in order.
    const string Glyphs =
        "00000000000000040404040400040A0A00000000000A0A1F0A1F0A0A040F140E051E0418190204081303" +   //  !"#$%
        "0C12140815120D0404000000000002040808080402080402020204080004150E1504000004041F040400" +   // &'()*+
        "000000000C04080000001F00000000000000000C0C000102040810000E11131519110E040C040404040E" +   // ,-./01
        "0E11010204081F1F02040201110E02060A121F02021F101E0101110E0608101E11110E1F010204080808" +   // 234567
        "0E11110E11110E0E11110F01020C000C0C000C0C00000C0C000C04080204081008040200001F001F0000" +   // 89:;<=
        "080402010204080E1101020400040E11010D15150E0E1111111F11111E11111E11111E0E11101010110E" +   // >?@ABC
        "1C12111111121C1F10101E10101F1F10101E1010100E11101711110F1111111F1111110E04040404040E" +   // DEFGHI
        "0702020202120C111214181412111010101010101F111B1515111111111119151311110E11111111110E" +   // JKLMNO
        "1E11111E1010100E11111115120D1E11111E1412110F10100E01011E1F0404040404041111111111110E" +   // PQRSTU
        "11111111110A041111111515150A11110A040A11111111110A0404041F01020408101F0E08080808080E" +   // VWXYZ[
        "001008040201000E02020202020E040A11000000000000000000001F0804000000000000000E010F110F" +   // \]^_`a
        "1010161911111E00000E1010110E01010D1311110F00000E111F100E0609081C080808000F11110F010E" +   // bcdefg
        "1010161911111104000C0404040E0200060202120C101012141814120C04040404040E00001A15151111" +   // hijklm
        "0000161911111100000E1111110E00001E111E101000000D130F01010000161910101000000E100E011E" +   // nopqrs
        "08081C080809060000111111130D00001111110A040000111115150A0000110A040A11000011110F010E" +   // tuvwxy
        "00001F0204081F02040408040402040404040404040804040204040800000815020000";     // z{|}~

    static readonly byte[][] Table = Build();

    static byte[][] Build()
    {
        int count = 127 - 32;
        if (Glyphs.Length != count * 14) throw new InvalidOperationException($"The font table holds {Glyphs.Length / 14.0} glyphs, not {count}.");
        var table = new byte[count][];
        for (int g = 0; g < count; g++)
        {
            table[g] = new byte[Height];
            for (int r = 0; r < Height; r++) table[g][r] = Convert.ToByte(Glyphs.Substring(g * 14 + r * 2, 2), 16);
        }
        return table;
    }

    /// <summary>The seven row bit masks of a character.</summary>
    public static ReadOnlySpan<byte> Glyph(char c) => Table[(c >= 32 && c < 127 ? c : '?') - 32];

    /// <summary>Width in pixels of a text at a scale (no trailing blank column).</summary>
    public static int MeasureWidth(string text, int scale = 1) => text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;

    /// <summary>The text cut to at most <paramref name="maxWidth"/> pixels, ending in ".." when cut.</summary>
    public static string Fit(string text, int maxWidth, int scale = 1)
    {
        if (MeasureWidth(text, scale) <= maxWidth) return text;
        int chars = Math.Max(0, (maxWidth / scale + 1) / Advance - 2);
        return chars == 0 ? "" : text[..chars] + "..";
    }
}
