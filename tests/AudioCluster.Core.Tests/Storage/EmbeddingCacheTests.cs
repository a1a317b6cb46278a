using AudioCluster.Storage;
using Microsoft.Data.Sqlite;

namespace AudioCluster.Tests.Storage;

public sealed class EmbeddingCacheTests : IDisposable
{
    readonly TempDir temp = new();
    public void Dispose() => temp.Dispose();

    string Db => temp.File("emb.db");

    string AudioFile(string name, byte fill)
    {
        var path = temp.File(name);
        File.WriteAllBytes(path, Enumerable.Repeat(fill, 1000).ToArray());
        return path;
    }

    [Fact]
    public void StoresByContentAndEncoderAndSurvivesReopening()
    {
        var a = AudioFile("a.wav", 1);
        var copy = AudioFile("copy-of-a.wav", 1);
        float[] vector = [1.5f, -0f, float.Epsilon];
        using (var cache = EmbeddingCache.Open(Db))
        {
            var key = EmbeddingCache.KeyOfFile(a);
            Assert.False(cache.TryGet(key, "enc1", out _));
            cache.Put(key, "enc1", vector);
            Assert.Equal(key, EmbeddingCache.KeyOfFile(copy)); // same bytes, same key
            Assert.Equal(1, cache.Misses);
        }
        using (var cache = EmbeddingCache.Open(Db))
        {
            Assert.True(cache.TryGet(EmbeddingCache.KeyOfFile(a), "enc1", out var back));
            Assert.Equal(vector.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
            Assert.False(cache.TryGet(EmbeddingCache.KeyOfFile(a), "enc2", out _)); // another encoder
            Assert.Equal((1, 1), (cache.Hits, cache.Misses));
        }
    }

    [Fact]
    public void AChangedFileGetsANewKeyEvenWithTheSameSizeAndTime()
    {
        var a = AudioFile("a.wav", 1);
        var before = EmbeddingCache.KeyOfFile(a);
        var time = File.GetLastWriteTimeUtc(a);
        File.WriteAllBytes(a, Enumerable.Repeat((byte)2, 1000).ToArray()); // as a copy that keeps the time would leave it
        File.SetLastWriteTimeUtc(a, time);
        Assert.NotEqual(before, EmbeddingCache.KeyOfFile(a));
    }

    [Fact]
    public void SampleKeysDependOnSamplesAndRate()
    {
        float[] x = [0.1f, 0.2f];
        Assert.Equal(EmbeddingCache.KeyOfSamples(x, 16000), EmbeddingCache.KeyOfSamples([0.1f, 0.2f], 16000));
        Assert.NotEqual(EmbeddingCache.KeyOfSamples(x, 16000), EmbeddingCache.KeyOfSamples(x, 8000));
        Assert.NotEqual(EmbeddingCache.KeyOfSamples(x, 16000), EmbeddingCache.KeyOfSamples([0.1f, 0.3f], 16000));
    }

    [Fact]
    public void AFileThatIsNotADatabaseIsAClearError()
    {
        File.WriteAllText(Db, new string('x', 5000));
        var e = Assert.Throws<EmbeddingCacheException>(() => EmbeddingCache.Open(Db));
        Assert.Contains(Db, e.Message);
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void AnotherSqliteDatabaseIsNotTouched()
    {
        using (var other = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            other.Open();
            using var command = other.CreateCommand();
            command.CommandText = "CREATE TABLE t(x)";
            command.ExecuteNonQuery();
        }
        var e = Assert.Throws<EmbeddingCacheException>(() => EmbeddingCache.Open(Db));
        Assert.Contains("not an AudioCluster embedding cache", e.Message);
    }

    [Fact]
    public void ADamagedVectorIsReportedNeverReturned()
    {
        using (var cache = EmbeddingCache.Open(Db)) cache.Put("file:abc", "enc", [1f, 2f]);
        using (var raw = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE embeddings SET vector = $v";
            command.Parameters.AddWithValue("$v", new byte[] { 0, 0, 128, 63, 0, 0, 0, 65 }); // [1, 8]
            command.ExecuteNonQuery();
        }
        using var reopened = EmbeddingCache.Open(Db);
        var e = Assert.Throws<EmbeddingCacheException>(() => reopened.TryGet("file:abc", "enc", out _));
        Assert.Contains(Db, e.Message);
        Assert.Contains("damaged", e.Message);
    }

    [Fact]
    public void ALockedCacheIsAClearErrorAfterTheTimeout()
    {
        using (var cache = EmbeddingCache.Open(Db)) cache.Put("file:abc", "enc", [1f]);
        using var holder = new SqliteConnection($"Data Source={Db};Pooling=False");
        holder.Open();
        using (var command = holder.CreateCommand())
        {
            // An exclusive lock that even WAL readers cannot pass.
            command.CommandText = "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;";
            command.ExecuteNonQuery();
        }
        var e = Assert.Throws<EmbeddingCacheException>(() =>
        {
            using var cache = EmbeddingCache.Open(Db, TimeSpan.FromSeconds(1));
            cache.Put("file:def", "enc", [2f]);
        });
        Assert.Contains(Db, e.Message);
        Assert.Contains("locked", e.Message);
    }

    [Fact]
    public void TwoOpenCachesReadAndWriteTogether()
    {
        using var one = EmbeddingCache.Open(Db);
        using var two = EmbeddingCache.Open(Db);
        one.Put("file:1", "enc", [1f]);
        Assert.True(two.TryGet("file:1", "enc", out var v));
        Assert.Equal([1f], v);
        Parallel.For(0, 50, i => (i % 2 == 0 ? one : two).Put($"file:p{i}", "enc", [i]));
        Assert.Equal(51, one.Count);
    }
}
