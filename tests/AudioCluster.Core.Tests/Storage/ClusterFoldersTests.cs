using AudioCluster.Storage;

namespace AudioCluster.Tests.Storage;

public sealed class ClusterFoldersTests : IDisposable
{
    readonly TempDir temp = new();
    public void Dispose() => temp.Dispose();

    string Source(string relative, string content)
    {
        var path = Path.Combine(temp.Path, "in", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void NumberNamesArePaddedAndNoiseIsNamed()
    {
        Assert.Equal("cluster-03", ClusterFolders.NumberName(3, 9));
        Assert.Equal("cluster-003", ClusterFolders.NumberName(3, 120));
        Assert.Equal("noise", ClusterFolders.NumberName(-1, 5));
    }

    [Fact]
    public void NamesByMajorityAreSafeAndUnique()
    {
        var names = ClusterFolders.FolderNames(
        [
            (0, "dog"), (0, "dog"), (0, "cat"),
            (1, "dog"), (1, "dog"),
            (2, null),
            (3, "a/b:c"), (3, ".."),
        ], byNumber: false);
        Assert.Equal("dog", names[0]);           // the bigger cluster keeps the plain name
        Assert.Equal("dog-cluster-01", names[1]);
        Assert.Equal("cluster-02", names[2]);     // no names at all: the number
        Assert.Equal("a_b_c", names[3]);
    }

    [Fact]
    public void PlanNeverOverwritesAndSuffixesCollisions()
    {
        var a = Source("x/a.wav", "1");
        var a2 = Source("y/a.wav", "2");
        var dest = Path.Combine(temp.Path, "out");
        Directory.CreateDirectory(Path.Combine(dest, "cluster-00"));
        File.WriteAllText(Path.Combine(dest, "cluster-00", "a.wav"), "already there");
        var folders = new Dictionary<int, string> { [0] = "cluster-00" };
        var plan = ClusterFolders.Plan([(a, 0), (a2, 0)], dest, folders, ClusterExportMode.Copy);
        Assert.Equal(["a_1.wav", "a_2.wav"], plan.Select(p => Path.GetFileName(p.Destination)));
        foreach (var entry in plan) ClusterFolders.Execute(entry);
        Assert.Equal("already there", File.ReadAllText(Path.Combine(dest, "cluster-00", "a.wav")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(dest, "cluster-00", "a_2.wav")));
        Assert.All(plan, p => Assert.Equal(ClusterExportStatus.Copied, p.Status));
        Assert.True(File.Exists(a));
    }

    [Fact]
    public void MoveThenUndoPutsEverythingBackAndTwiceIsHarmless()
    {
        var files = new[] { Source("a.wav", "A"), Source("sub/b.wav", "B"), Source("c.wav", "C") };
        var dest = Path.Combine(temp.Path, "out");
        var folders = ClusterFolders.FolderNames([(0, null), (1, null)], byNumber: true);
        var plan = ClusterFolders.Plan([(files[0], 0), (files[1], 1), (files[2], 1)], dest, folders, ClusterExportMode.Move);
        var manifest = ClusterFolders.NewManifestPath(dest, DateTime.UtcNow);
        ClusterFolders.WriteManifest(manifest, plan);
        foreach (var entry in plan) ClusterFolders.Execute(entry);
        Assert.All(files, f => Assert.False(File.Exists(f)));
        Assert.Equal("B", File.ReadAllText(Path.Combine(dest, "cluster-01", "b.wav")));

        var rows = ClusterFolders.ReadManifest(manifest);
        Assert.Equal(plan.Select(p => (p.Source, p.Destination)), rows.Select(r => (r.Source, r.Destination)));
        Assert.All(rows.Select(ClusterFolders.Undo), r => Assert.Equal(ClusterExportStatus.Restored, r.Status));
        ClusterFolders.RemoveEmptyFolders(rows);
        Assert.Equal(["A", "B", "C"], files.Select(File.ReadAllText));
        Assert.False(Directory.Exists(Path.Combine(dest, "cluster-00")));
        Assert.All(rows.Select(ClusterFolders.Undo), r => Assert.Equal(ClusterExportStatus.Skipped, r.Status));
    }

    [Fact]
    public void AnInterruptedMoveIsUndoneFromThePlan()
    {
        var files = new[] { Source("a.wav", "A"), Source("b.wav", "B") };
        var dest = Path.Combine(temp.Path, "out");
        var plan = ClusterFolders.Plan([(files[0], 0), (files[1], 0)], dest, new Dictionary<int, string> { [0] = "k" }, ClusterExportMode.Move);
        var manifest = Path.Combine(dest, "m.csv");
        ClusterFolders.WriteManifest(manifest, plan);
        ClusterFolders.Execute(plan[0]); // stopped before the second file
        var undone = ClusterFolders.ReadManifest(manifest).Select(ClusterFolders.Undo).ToList();
        Assert.Equal([ClusterExportStatus.Restored, ClusterExportStatus.Skipped], undone.Select(u => u.Status));
        Assert.Equal(["A", "B"], files.Select(File.ReadAllText));
    }

    [Fact]
    public void UndoNeverOverwritesNorRemovesALastCopy()
    {
        var a = Source("a.wav", "A");
        var dest = Path.Combine(temp.Path, "out");
        var plan = ClusterFolders.Plan([(a, 0)], dest, new Dictionary<int, string> { [0] = "k" }, ClusterExportMode.Move);
        ClusterFolders.Execute(plan[0]);
        File.WriteAllText(a, "new file at the old place");
        Assert.Throws<IOException>(() => ClusterFolders.Undo(plan[0]));
        Assert.Equal("new file at the old place", File.ReadAllText(a));
        Assert.Equal("A", File.ReadAllText(plan[0].Destination));

        var b = Source("b.wav", "B");
        var copy = ClusterFolders.Plan([(b, 0)], dest, new Dictionary<int, string> { [0] = "k" }, ClusterExportMode.Copy)[0];
        ClusterFolders.Execute(copy);
        File.Delete(b);
        Assert.Throws<IOException>(() => ClusterFolders.Undo(copy));
        Assert.Equal("B", File.ReadAllText(copy.Destination));
    }

    [SkippableFact]
    public void LinksPointAtTheOriginalsAndUndoRemovesOnlyTheLinks()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need extra rights on Windows");
        var a = Source("a.wav", "A");
        var dest = Path.Combine(temp.Path, "out");
        var entry = ClusterFolders.Plan([(a, 2)], dest, new Dictionary<int, string> { [2] = "cluster-02" }, ClusterExportMode.Link)[0];
        ClusterFolders.Execute(entry);
        Assert.Equal(a, new FileInfo(entry.Destination).LinkTarget);
        Assert.Equal("A", File.ReadAllText(entry.Destination));
        Assert.Equal(ClusterExportStatus.Removed, ClusterFolders.Undo(entry).Status);
        Assert.False(ClusterFolders.Taken(entry.Destination));
        Assert.Equal("A", File.ReadAllText(a));
    }
}
