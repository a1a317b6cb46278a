using System.Diagnostics;
using System.Text;

namespace AudioCluster.Audio;

/// <summary>Finds and runs the ffmpeg executable, which decodes the formats not built in (FLAC, AAC, Opus, WMA ...).</summary>
public static class Ffmpeg
{
    /// <summary>Environment variable: an explicit path to ffmpeg, or "none" to act as if it were not installed.</summary>
    public const string EnvironmentVariable = "AUDIOCLUSTER_FFMPEG";

    /// <summary>How long one decode may run before ffmpeg is stopped.</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Path of ffmpeg, or null when it is disabled or not found. Reads the environment on every call.</summary>
    public static string? Locate()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim();
        if (!string.IsNullOrEmpty(env))
        {
            if (env.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
            return File.Exists(env) ? Path.GetFullPath(env) : null;
        }
        var names = OperatingSystem.IsWindows() ? new[] { "ffmpeg.exe" } : new[] { "ffmpeg" };
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                try
                {
                    var candidate = Path.Combine(dir.Trim('"'), name);
                    if (File.Exists(candidate)) return candidate;
                }
                catch (ArgumentException) { }   // malformed PATH entry
            }
        }
        return null;
    }

    /// <summary>Why ffmpeg is unavailable and how to fix it, for error messages.</summary>
    internal static string MissingAdvice(string what)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim();
        if (string.Equals(env, "none", StringComparison.OrdinalIgnoreCase))
            return $"{what} is decoded through ffmpeg, which is disabled ({EnvironmentVariable}=none); unset {EnvironmentVariable} or point it at an ffmpeg executable";
        if (!string.IsNullOrEmpty(env))
            return $"{what} is decoded through ffmpeg, but {EnvironmentVariable} points to '{env}', which does not exist; fix or unset it";
        return $"{what} is decoded through ffmpeg, which was not found on PATH; install it (e.g. apt-get install ffmpeg, brew install ffmpeg, winget install ffmpeg) or set {EnvironmentVariable} to its path";
    }

    /// <summary>
    /// Decodes any file ffmpeg can read, bypassing the built-in decoders (e.g. to compare with them,
    /// or for an MP3/Ogg the managed decoders reject). Throws when ffmpeg is not available.
    /// </summary>
    public static AudioClip Decode(string path, AudioReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new AudioReadOptions();
        options.Validate();
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new AudioDecodeException(full, "file not found");
        var ffmpeg = Locate() ?? throw new AudioDecodeException(full, MissingAdvice("this file"));
        var (s, r, c) = DecodeRaw(ffmpeg, full, options);
        return AudioDecoder.Finish(full, s, r, c, FormatTag(full, "audio"), options);
    }

    internal static string FormatTag(string path, string what)
    {
        string tag = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        if (tag.Length == 0) tag = what.Split('/', ' ')[0].ToLowerInvariant();
        return "ffmpeg:" + tag;
    }

    /// <summary>Decodes to float32 at the file's native rate and channel count.</summary>
    internal static (float[] Samples, int SampleRate, int Channels) DecodeRaw(string ffmpeg, string path, AudioReadOptions options)
    {
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        // First audio stream, float32 WAV on stdout; the WAV header carries the rate and channels.
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-i", path,
                                  "-map", "0:a:0", "-vn", "-sn", "-dn", "-c:a", "pcm_f32le", "-f", "wav", "-" })
            psi.ArgumentList.Add(a);

        using var process = new Process { StartInfo = psi };
        try { process.Start(); }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new AudioDecodeException(path, $"could not start ffmpeg ('{ffmpeg}'): {ex.Message}", ex);
        }

        var stderr = new StringBuilder();
        var stderrTask = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardError.ReadLine()) != null)
                lock (stderr) if (stderr.Length < 8192) stderr.AppendLine(line);
        });
        bool timedOut = false;
        using var timer = new Timer(_ =>
        {
            timedOut = true;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }, null, Timeout, System.Threading.Timeout.InfiniteTimeSpan);

        (float[], int, int)? result = null;
        Exception? parseError = null;
        bool stoppedEarly = false;
        var stdout = process.StandardOutput.BaseStream;
        try
        {
            result = WavReader.Read(stdout, path, options, fromPipe: true);
            // Output left over means only an excerpt was needed: stop ffmpeg rather than drain it.
            stoppedEarly = stdout.Read(new byte[1], 0, 1) > 0;
        }
        catch (Exception ex) when (ex is AudioDecodeException or IOException) { parseError = ex; }
        finally
        {
            if (stoppedEarly || parseError != null)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
            process.WaitForExit();
            stderrTask.Wait(TimeSpan.FromSeconds(5));
        }

        string err;
        lock (stderr) err = stderr.ToString().Trim();
        if (timedOut) throw new AudioDecodeException(path, $"ffmpeg did not finish within {Timeout.TotalSeconds:0} s");
        if (result == null && process.ExitCode == 0 && parseError is AudioDecodeException decodeError) throw decodeError;
        if (result == null || (!stoppedEarly && process.ExitCode != 0))
        {
            string detail = err.Length > 0 ? err
                : parseError is AudioDecodeException ade ? ade.Reason
                : parseError?.Message ?? $"exit code {process.ExitCode}";
            throw new AudioDecodeException(path, $"ffmpeg could not decode it: {detail}", parseError);
        }
        return result.Value;
    }
}
