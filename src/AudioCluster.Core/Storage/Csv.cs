using System.Text;

namespace AudioCluster.Storage;

/// <summary>Minimal RFC 4180 CSV: comma-separated, fields quoted when they need it, CRLF or LF line ends.</summary>
public static class Csv
{
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 && value.Trim() == value
            ? value
            : "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    public static string Line(IEnumerable<string?> fields) => string.Join(",", fields.Select(Field));

    /// <summary>The records of a CSV text, a quoted field may span lines. A last line cut short
    /// (an interrupted append) comes back as it is; callers check the field count.</summary>
    public static IEnumerable<List<string>> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            char ch = (char)c;
            if (quoted)
            {
                if (ch != '"') { field.Append(ch); continue; }
                if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                else quoted = false;
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true; any = true;
                    break;
                case ',':
                    fields.Add(field.ToString()); field.Clear(); any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (any || field.Length > 0 || fields.Count > 0)
                    {
                        fields.Add(field.ToString());
                        yield return fields;
                    }
                    fields = new List<string>(); field.Clear(); any = false;
                    break;
                default:
                    field.Append(ch); any = true;
                    break;
            }
        }
        if (any || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
