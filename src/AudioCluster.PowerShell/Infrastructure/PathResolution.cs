using System.Management.Automation;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>Turns -Path (wildcards) and -LiteralPath (FileInfo.PSPath/FullName) into file-system paths.</summary>
static class PathResolution
{
    public static readonly string[] AudioExtensions =
    {
        ".wav", ".wave", ".aif", ".aiff", ".aifc", ".mp3", ".ogg", ".oga", ".flac", ".m4a", ".aac",
        ".opus", ".wma", ".webm", ".mka", ".mp4", ".caf", ".au", ".snd",
    };

    public static bool IsAudioFile(string path) =>
        AudioExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Resolves paths to files. A folder expands to the audio files in it (recursively with
    /// <paramref name="recurse"/>). Unresolvable paths are reported through <paramref name="onError"/>.
    /// </summary>
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, bool recurse, Action<Exception, string> onError)
    {
        foreach (var input in paths)
        {
            List<string> resolved = new();
            try
            {
                if (literal)
                {
                    resolved.Add(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(input));
                }
                else
                {
                    resolved.AddRange(cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(input, out var provider));
                    if (provider.Name != "FileSystem") throw new ArgumentException($"'{input}' is not a file-system path.");
                }
            }
            catch (ItemNotFoundException)
            {
                onError(new FileNotFoundException($"Cannot find '{input}': no such file or folder.", input), input);
                continue;
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException)
            {
                onError(e, input);
                continue;
            }

            foreach (var path in resolved)
            {
                if (Directory.Exists(path))
                {
                    var option = recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
                    foreach (var file in Directory.EnumerateFiles(path, "*", option).Where(IsAudioFile).OrderBy(f => f, StringComparer.Ordinal))
                        yield return file;
                }
                else
                {
                    yield return path;
                }
            }
        }
    }
}
