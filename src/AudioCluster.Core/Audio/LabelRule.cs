using System.Text.RegularExpressions;

namespace AudioCluster.Audio;

/// <summary>How a clip's label is read from its path: a regex on the file name, or the parent folder.</summary>
public sealed class LabelRule
{
    readonly Regex? pattern;
    readonly bool fromDirectory;

    LabelRule(Regex? pattern, bool fromDirectory)
    {
        this.pattern = pattern;
        this.fromDirectory = fromDirectory;
    }

    public static LabelRule None { get; } = new(null, false);

    public static LabelRule FromDirectory { get; } = new(null, true);

    /// <summary>A regex applied to the file name; its named group 'label' is the label.</summary>
    public static LabelRule FromPattern(string regex)
    {
        Regex compiled;
        try
        {
            compiled = new Regex(regex, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The label pattern '{regex}' is not a valid regular expression: {e.Message}", nameof(regex), e);
        }
        if (Array.IndexOf(compiled.GetGroupNames(), "label") < 0)
            throw new ArgumentException($"The label pattern '{regex}' has no named group 'label', e.g. '^(?<label>\\d+)_'.", nameof(regex));
        return new LabelRule(compiled, false);
    }

    public bool IsNone => pattern == null && !fromDirectory;

    /// <summary>The label of a file, or null when the rule does not match it.</summary>
    public string? LabelOf(string path)
    {
        if (fromDirectory) return Path.GetFileName(Path.GetDirectoryName(path));
        if (pattern == null) return null;
        var match = pattern.Match(Path.GetFileName(path));
        return match.Success && match.Groups["label"].Success ? match.Groups["label"].Value : null;
    }
}
