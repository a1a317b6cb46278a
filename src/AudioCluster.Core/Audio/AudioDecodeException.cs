namespace AudioCluster.Audio;

/// <summary>A file could not be decoded as audio. The message names the file and says why.</summary>
public class AudioDecodeException : IOException
{
    public AudioDecodeException(string path, string reason, Exception? inner = null)
        : base($"Cannot decode '{path}': {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that failed.</summary>
    public string Path { get; }
    /// <summary>Why it failed, without the file name.</summary>
    public string Reason { get; }
}
