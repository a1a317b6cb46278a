using System.Globalization;

namespace AudioCluster.Metrics;

/// <summary>
/// Orders label strings so that integer ids sort by value ("2" before "10", "-1" first) and
/// everything else ordinally after them, which keeps tables readable for numeric cluster ids.
/// </summary>
public sealed class LabelComparer : IComparer<string>
{
    public static LabelComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        bool xn = long.TryParse(x, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var xv);
        bool yn = long.TryParse(y, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var yv);
        if (xn && yn)
        {
            int c = xv.CompareTo(yv);
            // "01" and "1" are different labels: fall back to ordinal so the order stays total.
            return c != 0 ? c : string.CompareOrdinal(x, y);
        }
        if (xn) return -1;
        if (yn) return 1;
        return string.CompareOrdinal(x, y);
    }
}
