namespace AudioCluster.Clustering;

/// <summary>
/// Parameters of <see cref="SpectralClustering"/>, as scikit-learn 1.2's SpectralClustering with
/// affinity="nearest_neighbors": Neighbors is n_neighbors (the point itself counts as one),
/// Restarts is the n_init of the k-means on the embedding.
/// </summary>
public sealed record SpectralClusteringOptions(
    int ClusterCount,
    int Neighbors = 10,
    int Restarts = 10,
    int Seed = 0)
{
    /// <summary>Threads for the per-point work; -1 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>A spectral partition, with the embedding and the Laplacian spectrum it came from.</summary>
public sealed class SpectralClusteringResult
{
    internal SpectralClusteringResult(int[] labels, DataMatrix embedding, double[] eigenvalues, int components, KMeansResult kmeans)
    {
        Labels = labels; Embedding = embedding; Eigenvalues = eigenvalues; ConnectedComponents = components; KMeans = kmeans;
    }

    /// <summary>Cluster of every point, 0-based.</summary>
    public int[] Labels { get; }
    /// <summary>Spectral embedding (n x ClusterCount) that k-means partitioned.</summary>
    public DataMatrix Embedding { get; }
    /// <summary>Smallest ClusterCount + 1 eigenvalues of the normalised Laplacian, ascending (for the eigengap).</summary>
    public double[] Eigenvalues { get; }
    /// <summary>Connected components of the kNN affinity graph; more than ClusterCount means some clusters are forced.</summary>
    public int ConnectedComponents { get; }
    /// <summary>The k-means run on the embedding.</summary>
    public KMeansResult KMeans { get; }
}

/// <summary>
/// Spectral clustering with a k-nearest-neighbour affinity, as scikit-learn 1.2 computes it:
/// A = kneighbors_graph(X, Neighbors, include_self=True) (0/1), W = (A + A^T) / 2; the normalised
/// Laplacian L = I - D^-1/2 W D^-1/2 (self-loops left out of W and D, as scipy does); its eigenvectors
/// of the ClusterCount smallest eigenvalues, divided by sqrt(D) and sign-fixed, are the embedding;
/// k-means (Restarts runs) partitions it.
/// Scale: the neighbours are found by brute force (O(n^2 d) time, in parallel, O(n Neighbors) memory);
/// the eigenvectors by thick-restart Lanczos on the sparse Laplacian, one connected component at a
/// time (so a disconnected graph gives one exact indicator vector per component), O(n ClusterCount)
/// memory. No dense n x n matrix is ever formed, so n is limited by time, not memory.
/// </summary>
public static class SpectralClustering
{
    // Residual bound for the eigenpairs; the spectrum lies in [0, 2].
    const double EigenTolerance = 1e-10;

    public static SpectralClusteringResult Fit(DataMatrix data, SpectralClusteringOptions options, CancellationToken cancellationToken = default)
    {
        Validate(data, options);
        int n = data.Rows, k = options.ClusterCount;
        var po = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        var graph = Graph.Build(data, options.Neighbors, po);
        var (values, vectors) = graph.SmallestEigenpairs(Math.Min(n, k + 1), options.Seed, po);

        // Embedding rows are points; columns the eigenvectors of the k smallest eigenvalues.
        var embedding = new DataMatrix(n, k);
        for (int c = 0; c < k; c++)
        {
            var u = vectors[c];
            int arg = 0;
            for (int i = 0; i < n; i++)
            {
                u[i] /= graph.SqrtDegree[i];
                if (Math.Abs(u[i]) > Math.Abs(u[arg])) arg = i;
            }
            // scikit-learn's deterministic sign: the largest-magnitude entry is positive.
            double sign = u[arg] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) embedding[i, c] = sign * u[i];
        }
        var km = KMeans.Fit(embedding, new KMeansOptions(k, Restarts: options.Restarts, Seed: options.Seed)
            { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, cancellationToken);
        return new SpectralClusteringResult(km.Labels, embedding, values, graph.Components, km);
    }

    /// <summary>
    /// The <paramref name="count"/> smallest eigenvalues (ascending) of the normalised Laplacian of
    /// the kNN affinity graph, as <see cref="Fit"/> builds it; for choosing k by the eigengap.
    /// </summary>
    public static double[] LaplacianEigenvalues(DataMatrix data, int count, int neighbors = 10, int seed = 0,
        CancellationToken cancellationToken = default)
    {
        Validate(data, new SpectralClusteringOptions(1, neighbors, 1, seed));
        if (count < 1 || count > data.Rows)
            throw new ArgumentException($"count must be between 1 and the number of points ({data.Rows}); got {count}.", nameof(count));
        var po = new ParallelOptions { CancellationToken = cancellationToken };
        return Graph.Build(data, neighbors, po).SmallestEigenpairs(count, seed, po).Values;
    }

    static void Validate(DataMatrix data, SpectralClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int n = data.Rows, k = options.ClusterCount;
        if (n < 2) throw new ArgumentException($"Spectral clustering needs at least 2 points; got {n}.", nameof(data));
        if (data.Columns == 0) throw new ArgumentException("The vectors have no dimensions.", nameof(data));
        if (k < 1) throw new ArgumentException($"ClusterCount must be at least 1 (got {k}).", nameof(options));
        if (k > n) throw new ArgumentException($"ClusterCount ({k}) must not exceed the number of points ({n}).", nameof(options));
        if (options.Neighbors < 2 || options.Neighbors > n)
            throw new ArgumentException($"Neighbors must be between 2 and the number of points ({n}), the point itself included; got {options.Neighbors}.", nameof(options));
        if (options.Restarts < 1) throw new ArgumentException($"Restarts must be at least 1 (got {options.Restarts}).", nameof(options));
        if (options.MaxDegreeOfParallelism == 0 || options.MaxDegreeOfParallelism < -1)
            throw new ArgumentException($"MaxDegreeOfParallelism must be -1 (all cores) or positive (got {options.MaxDegreeOfParallelism}).", nameof(options));
        KMeans.CheckFinite(data, nameof(data));
    }

    // Keeps the `size` nearest rows of each row in a chunk: ascending distance, lower index first on ties.
    struct NearestVisitor : IPairVisitor
    {
        public double[] Dist;
        public int[] Index;
        public int Size, Start;

        public void Visit(int i, int j, double squaredDistance)
        {
            int off = (i - Start) * Size;
            var dist = Dist;
            if (squaredDistance >= dist[off + Size - 1]) return;
            int p = Size - 1;
            while (p > 0 && dist[off + p - 1] > squaredDistance)
            {
                dist[off + p] = dist[off + p - 1];
                Index[off + p] = Index[off + p - 1];
                p--;
            }
            dist[off + p] = squaredDistance;
            Index[off + p] = j;
        }
    }

    /// <summary>The symmetric kNN affinity in CSR form, normalised: entries W_ij / sqrt(d_i d_j), i != j.</summary>
    sealed class Graph
    {
        public required int[] RowStart { get; init; }
        public required int[] Column { get; init; }
        public required double[] Value { get; init; }
        public required double[] SqrtDegree { get; init; }
        public required int[] Component { get; init; }
        public required int Components { get; init; }

        public static Graph Build(DataMatrix x, int neighbors, ParallelOptions po)
        {
            int n = x.Rows;
            var nearest = new int[n * neighbors];
            PairwiseKernels.ForChunks(n, PairwiseKernels.RowChunk, (long)n * n * x.Columns, po, (start, end) =>
            {
                var visitor = new NearestVisitor
                {
                    Dist = new double[(end - start) * neighbors], Index = new int[(end - start) * neighbors], Size = neighbors, Start = start,
                };
                Array.Fill(visitor.Dist, double.PositiveInfinity);
                PairwiseKernels.ForEachPair(x, start, end, ref visitor);
                Array.Copy(visitor.Index, 0, nearest, start * neighbors, (end - start) * neighbors);
            });

            // W = (A + A^T) / 2 without the diagonal: 1 for mutual neighbours, 0.5 for one-way ones.
            var edges = new List<(int Row, int Col)>(2 * n * neighbors);
            for (int i = 0; i < n; i++)
                for (int t = 0; t < neighbors; t++)
                {
                    int j = nearest[i * neighbors + t];
                    if (j == i) continue;
                    edges.Add((i, j));
                    edges.Add((j, i));
                }
            edges.Sort();
            var rowStart = new int[n + 1];
            var column = new List<int>(edges.Count);
            var value = new List<double>(edges.Count);
            for (int e = 0; e < edges.Count; e++)
            {
                if (e > 0 && edges[e] == edges[e - 1]) { value[^1] += 0.5; continue; }
                column.Add(edges[e].Col);
                value.Add(0.5);
                rowStart[edges[e].Row + 1]++;
            }
            for (int i = 0; i < n; i++) rowStart[i + 1] += rowStart[i];
            var col = column.ToArray();
            var val = value.ToArray();
            var sqrtDegree = new double[n];
            for (int i = 0; i < n; i++)
            {
                double deg = 0;
                for (int p = rowStart[i]; p < rowStart[i + 1]; p++) deg += val[p];
                sqrtDegree[i] = deg == 0 ? 1 : Math.Sqrt(deg);   // scipy: isolated nodes keep 1
            }
            for (int i = 0; i < n; i++)
                for (int p = rowStart[i]; p < rowStart[i + 1]; p++) val[p] /= sqrtDegree[i] * sqrtDegree[col[p]];

            var (component, count) = ConnectedComponents(rowStart, col);
            return new Graph { RowStart = rowStart, Column = col, Value = val, SqrtDegree = sqrtDegree, Component = component, Components = count };
        }

        static (int[] Component, int Count) ConnectedComponents(int[] rowStart, int[] col)
        {
            int n = rowStart.Length - 1, count = 0;
            var component = new int[n];
            Array.Fill(component, -1);
            var stack = new Stack<int>();
            for (int s = 0; s < n; s++)
            {
                if (component[s] >= 0) continue;
                component[s] = count;
                stack.Push(s);
                while (stack.Count > 0)
                {
                    int i = stack.Pop();
                    for (int p = rowStart[i]; p < rowStart[i + 1]; p++)
                        if (component[col[p]] < 0) { component[col[p]] = count; stack.Push(col[p]); }
                }
                count++;
            }
            return (component, count);
        }

        /// <summary>
        /// The <paramref name="count"/> smallest eigenvalues of L = I - N (ascending) with unit
        /// eigenvectors over all points. L is block-diagonal over the connected components, so each
        /// component is solved alone (as the largest eigenpairs of I + N, whose spectrum is in [0, 2])
        /// and the smallest eigenvalues of all components are merged.
        /// </summary>
        public (double[] Values, double[][] Vectors) SmallestEigenpairs(int count, int seed, ParallelOptions po)
        {
            int n = SqrtDegree.Length;
            var rng = new SeededRandom(seed);
            var found = new List<(double Value, double[] Vector)>();
            var members = new List<int>[Components];
            for (int c = 0; c < Components; c++) members[c] = new List<int>();
            for (int i = 0; i < n; i++) members[Component[i]].Add(i);
            var local = new int[n];
            for (int c = 0; c < Components; c++)
            {
                var idx = members[c];
                int size = idx.Count;
                for (int m = 0; m < size; m++) local[idx[m]] = m;
                // y = (I + N) x on this component, rows in fixed chunks.
                void Apply(double[] x, double[] y) => PairwiseKernels.ForChunks(size, 1024, (long)size * 20, po, (s, e) =>
                {
                    for (int m = s; m < e; m++)
                    {
                        int i = idx[m];
                        double sum = x[m];
                        for (int p = RowStart[i]; p < RowStart[i + 1]; p++) sum += Value[p] * x[local[Column[p]]];
                        y[m] = sum;
                    }
                });
                var (values, vectors) = SymmetricLanczos.Largest(size, Math.Min(count, size), Apply, EigenTolerance, rng, po);
                for (int t = 0; t < values.Length; t++)
                {
                    var full = new double[n];
                    for (int m = 0; m < size; m++) full[idx[m]] = vectors[t][m];
                    found.Add((Math.Max(0, 2 - values[t]), full));
                }
            }
            // Stable: equal eigenvalues keep component order.
            var best = found.Select((f, i) => (f, i)).OrderBy(p => p.f.Value).ThenBy(p => p.i).Take(count).Select(p => p.f).ToArray();
            return (best.Select(b => b.Value).ToArray(), best.Select(b => b.Vector).ToArray());
        }
    }
}
