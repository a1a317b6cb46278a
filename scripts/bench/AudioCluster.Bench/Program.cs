using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.Reduction;

// Runs each classic workload on the same data as scikit-learn (made by sklearn_peer.py) and
// prints seconds for both and the ratio ours/sklearn. Without python3-sklearn it times ours alone.
var requested = args.Where(a => !a.StartsWith("--")).ToArray();
var workloads = Workloads.All.Where(w => requested.Length == 0 || requested.Contains(w.Name)).ToList();
var peerScript = Path.Combine(AppContext.BaseDirectory, "sklearn_peer.py");
var peer = Peer.Available(peerScript);
Console.WriteLine(peer ? $"peer: scikit-learn via {Peer.Python}, {Environment.ProcessorCount} threads" : "peer: scikit-learn not found (apt-get install python3-sklearn); timing ours only");
Console.WriteLine();
Console.WriteLine($"{"workload",-34} {"ours s",8} {"sklearn s",10} {"ratio",6}  {"ours quality",14} {"sklearn quality",16}");
foreach (var w in workloads)
{
    var dataPath = Path.Combine(Path.GetTempPath(), $"audiocluster-bench-{w.Name}.bin");
    try
    {
        PeerResult? theirs = peer ? Peer.Run(peerScript, w.Name, dataPath) : null;
        if (theirs == null) w.MakeData(dataPath);
        var (seconds, quality) = w.Run(dataPath);
        var ratio = theirs == null ? "" : (seconds / theirs.Seconds).ToString("0.00", CultureInfo.InvariantCulture);
        Console.WriteLine($"{w.Title,-34} {seconds,8:0.000} {(theirs == null ? "" : theirs.Seconds.ToString("0.000")),10} {ratio,6}  {quality,14:G6} {(theirs == null ? "" : theirs.Quality.ToString("G6")),16}");
    }
    finally
    {
        File.Delete(dataPath);
    }
}
if (Peer.Blas != null) Console.WriteLine($"\npeer BLAS: {Peer.Blas}");

sealed record PeerResult(double Seconds, double Quality);

static class Peer
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The BLAS the peer's numpy ran with, as threadpoolctl reports it.</summary>
    public static string? Blas { get; private set; }

    public static bool Available(string script)
    {
        if (!File.Exists(Python) || !File.Exists(script)) return false;
        var (code, _) = Exec(Python, "-c", "import sklearn, numpy");
        return code == 0;
    }

    public static PeerResult Run(string script, string workload, string dataPath)
    {
        var (code, output) = Exec(Python, script, workload, dataPath);
        if (code != 0) throw new InvalidOperationException($"sklearn_peer.py {workload} failed: {output}");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        if (json.RootElement.TryGetProperty("blas", out var blas) && Blas == null) Blas = blas.GetString();
        return new PeerResult(json.RootElement.GetProperty("seconds").GetDouble(), json.RootElement.GetProperty("quality").GetDouble());
    }

    static (int Code, string Output) Exec(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        // Some machines pin an old OpenBLAS kernel through these variables (a workaround for old
        // builds); they slow a current numpy, so the peer runs without them and reports its kernel.
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}

sealed record Workload(string Name, string Title, int Rows, int Cols, Func<string, (double Seconds, double Quality)> Run, Action<string> MakeData);

static class Workloads
{
    public static readonly Workload[] All =
    {
        Matrix("kmeans", "KMeans k=100, 100000x512", 100_000, 512, x =>
            KMeans.Fit(x, new KMeansOptions(100, Restarts: 1, Seed: 0)).Inertia),
        Matrix("pca", "PCA to 32 (randomized), 100000x512", 100_000, 512, x =>
        {
            Pca.FitTransform(x, new PcaOptions { Dimensions = 32, Solver = PcaSolver.Randomized }, out var model);
            return model.ExplainedVarianceRatio.Sum();
        }),
        Matrix("ward10k", "Agglomerative ward, 10000x512", 10_000, 512, Ward),
        Matrix("ward20k", "Agglomerative ward, 20000x64", 20_000, 64, Ward),
        Matrix("tsne3k", "t-SNE Barnes-Hut, 3000x512", 3_000, 512, x => Tsne.Fit(x, new TsneOptions()).KlDivergence),
        Matrix("tsne10k", "t-SNE Barnes-Hut, 10000x50", 10_000, 50, x => Tsne.Fit(x, new TsneOptions()).KlDivergence),
        Labels("nmi", "NMI, 1e7 labels", t => ClusterMetrics.NormalizedMutualInformation(t)),
        Labels("ari", "ARI, 1e7 labels", t => ClusterMetrics.AdjustedRandIndex(t)),
    };

    // Ward's quality: ARI of our 20 clusters against scikit-learn's on the same data (1 = same
    // partition; the peer's own column is 1 by definition). Without the peer: the cluster count.
    static double Ward(DataMatrix x, string path)
    {
        var labels = Agglomerative.Fit(x, new AgglomerativeOptions(ClusterCount: 20)).Labels;
        var peerLabels = path + ".labels";
        if (!File.Exists(peerLabels)) return labels.Distinct().Count();
        var raw = File.ReadAllBytes(peerLabels);
        var theirs = new int[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, theirs, 0, raw.Length);
        File.Delete(peerLabels);
        return ClusterMetrics.AdjustedRandIndex(ContingencyTable.Create<int>(labels, theirs));
    }

    static Workload Matrix(string name, string title, int rows, int cols, Func<DataMatrix, double> run) =>
        Matrix(name, title, rows, cols, (x, _) => run(x));

    // The run may compare its result with the peer's output (a few milliseconds next to the algorithm).
    static Workload Matrix(string name, string title, int rows, int cols, Func<DataMatrix, string, double> run) =>
        new(name, title, rows, cols, path =>
        {
            var x = ReadMatrix(path, rows, cols);
            var clock = Stopwatch.StartNew();
            var quality = run(x, path);
            return (clock.Elapsed.TotalSeconds, quality);
        }, path => WriteBlobs(path, rows, cols));

    static Workload Labels(string name, string title, Func<ContingencyTable, double> run) =>
        new(name, title, 10_000_000, 2, path =>
        {
            var raw = File.ReadAllBytes(path);
            var all = new int[raw.Length / 4];
            Buffer.BlockCopy(raw, 0, all, 0, raw.Length);
            var a = new ArraySegment<int>(all, 0, all.Length / 2);
            var b = new ArraySegment<int>(all, all.Length / 2, all.Length / 2);
            var clock = Stopwatch.StartNew();
            var quality = run(ContingencyTable.Create<int>(a, b));
            return (clock.Elapsed.TotalSeconds, quality);
        }, path => WriteLabels(path, 10_000_000));

    static DataMatrix ReadMatrix(string path, int rows, int cols)
    {
        var raw = File.ReadAllBytes(path);
        if (raw.Length != (long)rows * cols * 4) throw new InvalidDataException($"{path}: {raw.Length} bytes, expected {rows} x {cols} float32");
        var f = new float[rows * cols];
        Buffer.BlockCopy(raw, 0, f, 0, raw.Length);
        var data = new double[f.Length];
        for (int i = 0; i < f.Length; i++) data[i] = f[i];
        return new DataMatrix(data, rows, cols);
    }

    // Stand-in data when scikit-learn is absent: Gaussian blobs around 50 random centres.
    static void WriteBlobs(string path, int rows, int cols)
    {
        var rng = new Random(0);
        var centres = new float[50 * cols];
        for (int i = 0; i < centres.Length; i++) centres[i] = (float)(rng.NextDouble() * 20 - 10);
        using var w = new BinaryWriter(File.Create(path));
        for (int r = 0; r < rows; r++)
        {
            int c = rng.Next(50);
            for (int j = 0; j < cols; j++) w.Write(centres[c * cols + j] + (float)Gauss(rng));
        }
    }

    static void WriteLabels(string path, int n)
    {
        var rng = new Random(0);
        var a = new int[n];
        for (int i = 0; i < n; i++) a[i] = rng.Next(100);
        using var w = new BinaryWriter(File.Create(path));
        foreach (var v in a) w.Write(v);
        foreach (var v in a) w.Write(rng.NextDouble() < 0.7 ? v : rng.Next(100));
    }

    static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
