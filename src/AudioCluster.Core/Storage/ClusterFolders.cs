using System.Globalization;

namespace AudioCluster.Storage;

/// <summary>How files are put into the cluster folders.</summary>
public enum ClusterExportMode
{
    /// <summary>A copy of each file; the originals stay.</summary>
    Copy,
    /// <summary>A symbolic link to each original (absolute target); the originals stay.</summary>
    Link,
    /// <summary>Each file is moved (renamed); a manifest records where from, for Undo-AudioClusterExport.</summary>
    Move,
}

/// <summary>What a cluster folder is named after.</summary>
public enum ClusterFolderNaming
{
    /// <summary>cluster-00, cluster-01, ... (noise: "noise").</summary>
    Number,
    /// <summary>The most common label in the cluster.</summary>
    Label,
    /// <summary>The most common TopTag (an encoder's top AudioSet tag) in the cluster.</summary>
    Tag,
}

/// <summary>What happened (or is to happen) to one file.</summary>
public enum ClusterExportStatus { Pending, Copied, Linked, Moved, Failed, Restored, Removed, Skipped }

/// <summary>One file of a cluster export: a manifest row and the cmdlets' output.</summary>
public sealed class ClusterExportEntry(string source, string destination, int cluster, ClusterExportMode mode, ClusterExportStatus status)
{
    public string Source { get; } = source;
    public string Destination { get; } = destination;
    public int Cluster { get; } = cluster;
    public string Folder => Path.GetFileName(Path.GetDirectoryName(Destination)) ?? "";
    public ClusterExportMode Mode { get; } = mode;
    public ClusterExportStatus Status { get; internal set; } = status;
    /// <summary>Why a file failed or was skipped.</summary>
    public string? Message { get; internal set; }

    public override string ToString() => $"{Source} -> {Destination} ({Status})";
}

/// <summary>
/// Puts files into one folder per cluster, never overwriting (name_1.wav, name_2.wav ... instead),
/// and undoes such an export from its manifest. A manifest is a CSV (Mode, Status, Cluster,
/// Source, Destination) in the destination folder.
/// </summary>
public static class ClusterFolders
{
    public const string ManifestPrefix = "audiocluster-export-";
    static readonly string[] ManifestHeader = ["Mode", "Status", "Cluster", "Source", "Destination"];

    /// <summary>Folder names by number: cluster-00 ... with as many digits as the largest needs; -1 (noise) is "noise".</summary>
    public static string NumberName(int cluster, int largest)
    {
        if (cluster < 0) return "noise";
        int digits = Math.Max(2, largest.ToString(CultureInfo.InvariantCulture).Length);
        return "cluster-" + cluster.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// One folder name per cluster from the most common name among its members (ties: the
    /// name that sorts first); a cluster without any gets its number name. Names made safe for
    /// any file system; a name taken by a bigger cluster gets the number appended.
    /// </summary>
    public static Dictionary<int, string> FolderNames(IEnumerable<(int Cluster, string? Name)> members, bool byNumber)
    {
        var list = members.ToList();
        int largest = list.Count == 0 ? 0 : list.Max(m => m.Cluster);
        var clusters = list.GroupBy(m => m.Cluster).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).ToList();
        var names = new Dictionary<int, string>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in clusters)
        {
            var number = NumberName(group.Key, largest);
            string? chosen = null;
            if (!byNumber)
            {
                chosen = group.Select(m => SafeName(m.Name)).OfType<string>()
                    .GroupBy(n => n, StringComparer.OrdinalIgnoreCase)
                    .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .FirstOrDefault()?.Key;
                if (group.Key < 0 && chosen != null) chosen = "noise-" + chosen;
                if (chosen != null && used.Contains(chosen)) chosen += "-" + number;
            }
            chosen ??= number;
            used.Add(chosen);
            names[group.Key] = chosen;
        }
        return names;
    }

    /// <summary>A name usable as a folder on Linux, macOS and Windows, or null when nothing is left.</summary>
    public static string? SafeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var invalid = Path.GetInvalidFileNameChars().Concat("<>:\"/\\|?*").ToHashSet();
        var chars = name.Trim().Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray();
        var safe = new string(chars).Trim().TrimEnd('.');
        if (safe.Length > 80) safe = safe[..80];
        return safe.Length == 0 || safe.All(c => c == '.' || c == '_') ? null : safe;
    }

    /// <summary>
    /// Where each file goes: destination/folder/name, with _1, _2 ... before the extension when
    /// the name is taken on disk or by an earlier file of the plan.
    /// </summary>
    public static List<ClusterExportEntry> Plan(IEnumerable<(string Source, int Cluster)> files, string destination, IReadOnlyDictionary<int, string> folders, ClusterExportMode mode)
    {
        destination = Path.GetFullPath(destination);
        var planned = new HashSet<string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        var entries = new List<ClusterExportEntry>();
        foreach (var (source, cluster) in files)
        {
            var full = Path.GetFullPath(source);
            var folder = Path.Combine(destination, folders[cluster]);
            var stem = Path.GetFileNameWithoutExtension(full);
            var extension = Path.GetExtension(full);
            var target = Path.Combine(folder, stem + extension);
            for (int n = 1; planned.Contains(target) || Taken(target); n++)
                target = Path.Combine(folder, $"{stem}_{n}{extension}");
            planned.Add(target);
            entries.Add(new ClusterExportEntry(full, target, cluster, mode, ClusterExportStatus.Pending));
        }
        return entries;
    }

    /// <summary>Does one planned copy, link or move; never replaces an existing file.</summary>
    public static void Execute(ClusterExportEntry entry)
    {
        try
        {
            if (!File.Exists(entry.Source)) throw new FileNotFoundException($"'{entry.Source}' does not exist (any more).", entry.Source);
            Directory.CreateDirectory(Path.GetDirectoryName(entry.Destination)!);
            if (Taken(entry.Destination)) throw new IOException($"'{entry.Destination}' appeared meanwhile; '{entry.Source}' was left where it is.");
            switch (entry.Mode)
            {
                case ClusterExportMode.Copy:
                    // Through a temporary name, so an interrupted copy never looks like a whole file.
                    var temp = Path.Combine(Path.GetDirectoryName(entry.Destination)!, $".{Path.GetFileName(entry.Destination)}.{Guid.NewGuid():N}.tmp");
                    try
                    {
                        File.Copy(entry.Source, temp);
                        File.Move(temp, entry.Destination, overwrite: false);
                    }
                    finally
                    {
                        if (File.Exists(temp)) File.Delete(temp);
                    }
                    entry.Status = ClusterExportStatus.Copied;
                    break;
                case ClusterExportMode.Link:
                    File.CreateSymbolicLink(entry.Destination, entry.Source);
                    entry.Status = ClusterExportStatus.Linked;
                    break;
                case ClusterExportMode.Move:
                    File.Move(entry.Source, entry.Destination, overwrite: false);
                    entry.Status = ClusterExportStatus.Moved;
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            entry.Status = ClusterExportStatus.Failed;
            entry.Message = e.Message;
            throw;
        }
    }

    /// <summary>
    /// Undoes one row: a moved file goes back to where it came from, a copy or link is removed
    /// while its original is still there. Never overwrites and never removes the last copy of a
    /// file; a row already undone (or never done) is skipped.
    /// </summary>
    public static ClusterExportEntry Undo(ClusterExportEntry row)
    {
        var result = new ClusterExportEntry(row.Source, row.Destination, row.Cluster, row.Mode, ClusterExportStatus.Skipped);
        bool atDestination = Taken(row.Destination), atSource = File.Exists(row.Source);
        if (row.Mode == ClusterExportMode.Move)
        {
            if (atDestination && !atSource)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(row.Source)!);
                File.Move(row.Destination, row.Source, overwrite: false);
                result.Status = ClusterExportStatus.Restored;
            }
            else if (atDestination && atSource)
                throw new IOException($"Both '{row.Source}' and '{row.Destination}' exist; neither was touched.");
            else if (!atDestination && !atSource)
                throw new FileNotFoundException($"Neither '{row.Destination}' nor '{row.Source}' exists: the file was moved or deleted after the export.", row.Destination);
            else result.Message = "already in place";
            return result;
        }
        if (!atDestination) { result.Message = "already removed"; return result; }
        bool isLink = new FileInfo(row.Destination).LinkTarget != null;
        if (row.Mode == ClusterExportMode.Link && !isLink)
            throw new IOException($"'{row.Destination}' is no longer a link; it was left alone.");
        if (row.Mode == ClusterExportMode.Copy && !atSource) throw new IOException($"'{row.Destination}' was kept: its original '{row.Source}' is gone, so it may be the only copy.");
        File.Delete(row.Destination); // removes a link, not its target
        result.Status = ClusterExportStatus.Removed;
        return result;
    }

    /// <summary>Removes the cluster folders of these rows that are now empty (never any other folder).</summary>
    public static void RemoveEmptyFolders(IEnumerable<ClusterExportEntry> rows)
    {
        foreach (var folder in rows.Select(r => Path.GetDirectoryName(r.Destination)!).Distinct())
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>A manifest name not taken in the destination: audiocluster-export-yyyyMMdd-HHmmss.csv.</summary>
    public static string NewManifestPath(string destination, DateTime utcNow)
    {
        var stem = Path.Combine(Path.GetFullPath(destination), ManifestPrefix + utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var path = stem + ".csv";
        for (int n = 1; Taken(path); n++) path = $"{stem}_{n}.csv";
        return path;
    }

    /// <summary>Writes the manifest in one piece (temporary file and rename).</summary>
    public static void WriteManifest(string path, IEnumerable<ClusterExportEntry> entries)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            writer.WriteLine(Csv.Line(ManifestHeader));
            foreach (var e in entries)
                writer.WriteLine(Csv.Line([e.Mode.ToString(), e.Status.ToString(), e.Cluster.ToString(CultureInfo.InvariantCulture), e.Source, e.Destination]));
        });
    }

    public static List<ClusterExportEntry> ReadManifest(string path)
    {
        using var reader = new StreamReader(path);
        var records = Csv.Read(reader).ToList();
        if (records.Count == 0 || !records[0].SequenceEqual(ManifestHeader, StringComparer.OrdinalIgnoreCase))
            throw new InvalidDataException($"'{path}' is not a manifest of Export-AudioCluster (its header should be {string.Join(",", ManifestHeader)}).");
        var rows = new List<ClusterExportEntry>();
        for (int i = 1; i < records.Count; i++)
        {
            var f = records[i];
            if (f.Count == 1 && f[0].Length == 0) continue;
            if (f.Count != ManifestHeader.Length
                || !Enum.TryParse<ClusterExportMode>(f[0], true, out var mode)
                || !Enum.TryParse<ClusterExportStatus>(f[1], true, out var status)
                || !int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cluster)
                || f[3].Length == 0 || f[4].Length == 0)
                throw new InvalidDataException($"'{path}', record {i + 1}: not a manifest row ({string.Join(",", f)}).");
            rows.Add(new ClusterExportEntry(f[3], f[4], cluster, mode, status));
        }
        return rows;
    }

    /// <summary>Is the name in use (a file, a folder, or a link, even a broken one)?</summary>
    public static bool Taken(string path) =>
        File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget != null;
}
