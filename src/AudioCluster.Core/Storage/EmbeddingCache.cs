using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AudioCluster.Encoders;
using Microsoft.Data.Sqlite;

namespace AudioCluster.Storage;

/// <summary>A problem with the cache database itself (corrupt, locked, not a cache), naming its file.</summary>
public sealed class EmbeddingCacheException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// Embeddings kept in an SQLite file, keyed by the content of the audio (SHA-256 of the file's
/// bytes, or of the decoded samples for clips given as objects) and the encoder id (which names
/// the weights and every setting that changes the output). Each vector is stored with a
/// checksum of its key and bytes, so a damaged entry is reported instead of returned. Thread-safe;
/// several processes may use one cache (WAL mode: readers never wait, writers take turns).
/// </summary>
public sealed class EmbeddingCache : IDisposable
{
    // Marks the database as ours ("ACEm"), so another SQLite file given by mistake is not written to.
    const int ApplicationId = 0x4143456d;
    const int SchemaVersion = 1;

    readonly SqliteConnection connection;
    readonly object gate = new();
    int hits, misses;

    public string Path { get; }
    public int Hits => hits;
    public int Misses => misses;

    EmbeddingCache(string path, SqliteConnection connection)
    {
        Path = path;
        this.connection = connection;
    }

    /// <summary>Opens the cache, creating it when the file does not exist.</summary>
    /// <param name="busyTimeout">How long to wait for another process that is writing.</param>
    public static EmbeddingCache Open(string path, TimeSpan? busyTimeout = null)
    {
        path = System.IO.Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // closing releases the file at once
            DefaultTimeout = (int)Math.Ceiling((busyTimeout ?? TimeSpan.FromSeconds(30)).TotalSeconds),
        };
        var connection = new SqliteConnection(builder.ToString());
        var cache = new EmbeddingCache(path, connection);
        try
        {
            cache.Guard(() =>
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
                connection.Open();
                cache.Prepare();
                return 0;
            });
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return cache;
    }

    void Prepare()
    {
        var app = Convert.ToInt32(Scalar("PRAGMA application_id"));
        var tables = Convert.ToInt64(Scalar("SELECT count(*) FROM sqlite_master"));
        if (app != ApplicationId && (app != 0 || tables > 0))
            throw new EmbeddingCacheException($"'{Path}' is an SQLite database but not an AudioCluster embedding cache; give another -CachePath.");
        var version = Convert.ToInt32(Scalar("PRAGMA user_version"));
        if (version > SchemaVersion)
            throw new EmbeddingCacheException($"The embedding cache '{Path}' was made by a newer AudioCluster (format {version}); update the module or give another -CachePath.");
        Execute("PRAGMA journal_mode=WAL");
        Execute("PRAGMA synchronous=NORMAL");
        if (tables == 0)
        {
            Execute($"""
                BEGIN IMMEDIATE;
                PRAGMA application_id={ApplicationId};
                PRAGMA user_version={SchemaVersion};
                CREATE TABLE IF NOT EXISTS embeddings(content TEXT NOT NULL, encoder TEXT NOT NULL, vector BLOB NOT NULL, checksum BLOB NOT NULL,
                                                      PRIMARY KEY(content, encoder)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS moments(content TEXT NOT NULL, frontend TEXT NOT NULL, sum REAL NOT NULL, sumsq REAL NOT NULL,
                                                   count INTEGER NOT NULL, frames INTEGER NOT NULL, checksum BLOB NOT NULL,
                                                   PRIMARY KEY(content, frontend)) WITHOUT ROWID;
                COMMIT;
                """);
        }
    }

    /// <summary>
    /// The content key of an audio file: SHA-256 of its bytes. Always hashed, never trusted from
    /// size and modification time, which a copy keeps (Copy-Item, cp -p, rsync); hashing costs
    /// far less than decoding.
    /// </summary>
    public static string KeyOfFile(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return "file:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The content key of decoded audio (a clip given as an object): SHA-256 of its samples and rate.</summary>
    public static string KeyOfSamples(ReadOnlySpan<float> mono, int sampleRate)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(BitConverter.GetBytes(sampleRate));
        hash.AppendData(MemoryMarshal.AsBytes(mono));
        return "pcm:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The stored vector for this content and encoder; a damaged entry throws.</summary>
    public bool TryGet(string key, string encoder, out float[] vector)
    {
        (byte[] Blob, byte[] Sum)? row = Guard(() =>
        {
            lock (gate)
            {
                using var query = Command("SELECT vector, checksum FROM embeddings WHERE content = $c AND encoder = $e", ("$c", key), ("$e", encoder));
                using var reader = query.ExecuteReader();
                return reader.Read() ? ((byte[])reader[0], (byte[])reader[1]) : ((byte[], byte[])?)null;
            }
        });
        if (row == null)
        {
            Interlocked.Increment(ref misses);
            vector = [];
            return false;
        }
        var (blob, sum) = row.Value;
        if (blob.Length % 4 != 0 || !Checksum(key, encoder, blob).AsSpan().SequenceEqual(sum))
            throw new EmbeddingCacheException($"The embedding cache '{Path}' is damaged: the entry for {key} does not match its checksum. Delete the file (it only holds computed embeddings) or give another -CachePath.");
        vector = MemoryMarshal.Cast<byte, float>(blob).ToArray();
        Interlocked.Increment(ref hits);
        return true;
    }

    public void Put(string key, string encoder, float[] vector)
    {
        var blob = MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        Guard(() =>
        {
            lock (gate)
            {
                using var insert = Command("INSERT OR REPLACE INTO embeddings(content, encoder, vector, checksum) VALUES($c, $e, $v, $s)",
                    ("$c", key), ("$e", encoder), ("$v", blob), ("$s", Checksum(key, encoder, blob)));
                return insert.ExecuteNonQuery();
            }
        });
    }

    /// <summary>
    /// The sums of a clip's model input (BYOL-A's raw log-mel) for dataset statistics, and its
    /// frame count: what a second run needs to get the statistics without decoding the clip.
    /// </summary>
    public bool TryGetMoments(string key, string frontEnd, out ValueMoments moments, out int frames)
    {
        var row = Guard<(double Sum, double SumSq, long Count, int Frames, byte[] Check)?>(() =>
        {
            lock (gate)
            {
                using var query = Command("SELECT sum, sumsq, count, frames, checksum FROM moments WHERE content = $c AND frontend = $f", ("$c", key), ("$f", frontEnd));
                using var reader = query.ExecuteReader();
                return reader.Read() ? (reader.GetDouble(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetInt32(3), (byte[])reader[4]) : null;
            }
        });
        moments = default;
        frames = 0;
        if (row == null) return false;
        var r = row.Value;
        if (!Checksum(key, frontEnd, MomentBytes(r.Sum, r.SumSq, r.Count, r.Frames)).AsSpan().SequenceEqual(r.Check))
            throw new EmbeddingCacheException($"The embedding cache '{Path}' is damaged: the statistics entry for {key} does not match its checksum. Delete the file (it only holds computed values) or give another -CachePath.");
        (moments, frames) = (new ValueMoments(r.Sum, r.SumSq, r.Count), r.Frames);
        return true;
    }

    public void PutMoments(string key, string frontEnd, ValueMoments moments, int frames)
    {
        var check = Checksum(key, frontEnd, MomentBytes(moments.Sum, moments.SumOfSquares, moments.Count, frames));
        Guard(() =>
        {
            lock (gate)
            {
                using var insert = Command("INSERT OR REPLACE INTO moments(content, frontend, sum, sumsq, count, frames, checksum) VALUES($c, $f, $s, $q, $n, $r, $k)",
                    ("$c", key), ("$f", frontEnd), ("$s", moments.Sum), ("$q", moments.SumOfSquares), ("$n", moments.Count), ("$r", frames), ("$k", check));
                return insert.ExecuteNonQuery();
            }
        });
    }

    static byte[] MomentBytes(double sum, double sumSquares, long count, int frames)
    {
        var bytes = new byte[28];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), sum);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), sumSquares);
        BitConverter.TryWriteBytes(bytes.AsSpan(16), count);
        BitConverter.TryWriteBytes(bytes.AsSpan(24), frames);
        return bytes;
    }

    /// <summary>The number of vectors stored.</summary>
    public long Count => Guard(() => { lock (gate) return Convert.ToInt64(Scalar("SELECT count(*) FROM embeddings")); });

    // The first 16 bytes of SHA-256 over key, encoder and vector: ties each vector to its key.
    static byte[] Checksum(string key, string encoder, byte[] blob)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(key + "\n" + encoder + "\n"));
        hash.AppendData(blob);
        return hash.GetHashAndReset()[..16];
    }

    /// <summary>Turns SQLite's errors into messages that name the cache file and say what to do.</summary>
    T Guard<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException e)
        {
            var reason = e.SqliteErrorCode switch
            {
                11 or 26 => $"is corrupt or not an SQLite database ({e.Message.TrimEnd('.')}). Delete it (it only holds computed embeddings) or give another -CachePath.",
                5 or 6 => $"is locked by another process that is writing to it ({e.Message.TrimEnd('.')}). Wait for it to finish or give another -CachePath.",
                8 => $"cannot be written ({e.Message.TrimEnd('.')}).",
                14 => $"cannot be opened ({e.Message.TrimEnd('.')}); check that its folder exists and can be written.",
                _ => $"failed: {e.Message}",
            };
            throw new EmbeddingCacheException($"The embedding cache '{Path}' {reason}", e);
        }
    }

    SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    object? Scalar(string sql)
    {
        using var command = Command(sql);
        return command.ExecuteScalar();
    }

    void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (gate) connection.Dispose();
    }
}
