namespace AudioCluster.Storage;

/// <summary>Writes a file through a temporary file in the same folder and a rename, so an
/// interrupted write never leaves a half-written file under the real name.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write) => Replace(path, keepContent: false, write);

    /// <summary>
    /// Changes a file the same way: <paramref name="update"/> gets a readable, writable, seekable
    /// copy of the current content (empty when there is no file yet), and the copy replaces the
    /// file only once it returns. Used to append without risking what the file already holds.
    /// </summary>
    public static void Update(string path, Action<FileStream> update) => Replace(path, keepContent: true, update);

    static void Replace(string path, bool keepContent, Action<FileStream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, keepContent ? FileAccess.ReadWrite : FileAccess.Write, FileShare.None))
            {
                if (keepContent && File.Exists(full))
                {
                    using (var current = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read)) current.CopyTo(stream);
                    stream.Position = 0;
                }
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
