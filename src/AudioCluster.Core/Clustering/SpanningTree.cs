namespace AudioCluster.Clustering;

/// <summary>Edges of a tree over the points, in the order an algorithm found them.</summary>
internal sealed record TreeEdges(int[] From, int[] To, double[] Weight);

/// <summary>Minimum spanning tree of the complete graph over the points, without a distance matrix.</summary>
internal static class SpanningTree
{
    const int Chunk = 512;

    /// <summary>
    /// Prim's algorithm from point 0, O(n^2) distance evaluations and O(n) memory. Weights are raw
    /// values (see <see cref="PointSet"/>); with <paramref name="coreRaw"/> the weight of (i, j) is
    /// max(raw(i, j), core[i], core[j]) (HDBSCAN's mutual reachability). Ties go to the lower index.
    /// </summary>
    public static TreeEdges Prim(PointSet p, double[]? coreRaw, ParallelOptions po)
    {
        int n = p.N;
        var from = new int[Math.Max(0, n - 1)];
        var to = new int[from.Length];
        var weight = new double[from.Length];
        if (n <= 1) return new TreeEdges(from, to, weight);

        // Points not yet in the tree, compacted; best[j] is j's lightest edge to the tree.
        var remaining = new int[n - 1];
        var where = new int[n];
        for (int j = 1; j < n; j++) { remaining[j - 1] = j; where[j] = j - 1; }
        int count = n - 1;
        var best = new double[n];
        Array.Fill(best, double.PositiveInfinity);
        var parent = new int[n];
        var dist = new double[n];
        int chunks = (n + Chunk - 1) / Chunk;
        var chunkValue = new double[chunks];
        var chunkPoint = new int[chunks];
        int current = 0;
        for (int step = 0; step < n - 1; step++)
        {
            int cur = current, live = count;
            int used = (live + Chunk - 1) / Chunk;
            double coreCur = coreRaw?[cur] ?? 0;
            Parallelism.For(used, (long)live * p.D, po, () => 0, (c, _) =>
            {
                int s = c * Chunk, e = Math.Min(live, s + Chunk);
                var js = remaining.AsSpan(s, e - s);
                var dd = dist.AsSpan(s, e - s);
                p.RawGather(cur, js, dd);
                double mv = double.PositiveInfinity;
                int mp = int.MaxValue;
                for (int b = 0; b < js.Length; b++)
                {
                    int j = js[b];
                    double w = dd[b];
                    if (coreRaw != null) w = Math.Max(w, Math.Max(coreCur, coreRaw[j]));
                    if (w < best[j]) { best[j] = w; parent[j] = cur; }
                    if (best[j] < mv || (best[j] == mv && j < mp)) { mv = best[j]; mp = j; }
                }
                chunkValue[c] = mv;
                chunkPoint[c] = mp;
            });
            double bv = double.PositiveInfinity;
            int bp = int.MaxValue;
            for (int c = 0; c < used; c++)
                if (chunkValue[c] < bv || (chunkValue[c] == bv && chunkPoint[c] < bp)) { bv = chunkValue[c]; bp = chunkPoint[c]; }
            from[step] = parent[bp];
            to[step] = bp;
            weight[step] = bv;
            // Swap-remove bp from the remaining points.
            int pos = where[bp], last = remaining[count - 1];
            remaining[pos] = last;
            where[last] = pos;
            count--;
            current = bp;
        }
        return new TreeEdges(from, to, weight);
    }
}

/// <summary>
/// A merge tree in scipy's linkage form: merge i joins nodes Children[i] (leaves are 0..n-1,
/// merge i creates node n + i) at height Distances[i], ascending.
/// </summary>
internal static class MergeTree
{
    /// <summary>
    /// Sorts merges given as pairs of member points (a[i], b[i]) at heights h[i] by height,
    /// stably, and names the merged nodes as scipy's linkage does (smaller node id first).
    /// </summary>
    public static ((int Left, int Right)[] Children, double[] Distances, int[] Counts) Build(int n, int[] a, int[] b, double[] h)
    {
        int m = a.Length;
        var order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Array.Sort(order, (p, q) => h[p] != h[q] ? h[p].CompareTo(h[q]) : p.CompareTo(q));
        var parent = new int[n + m];
        var size = new int[n + m];
        for (int i = 0; i < parent.Length; i++) { parent[i] = i; size[i] = 1; }
        var children = new (int, int)[m];
        var distances = new double[m];
        var counts = new int[m];
        for (int t = 0; t < m; t++)
        {
            int i = order[t];
            int ra = Find(parent, a[i]), rb = Find(parent, b[i]);
            if (ra == rb) throw new InvalidOperationException("Merge tree is inconsistent: a merge joins a cluster with itself.");
            int node = n + t;
            parent[ra] = parent[rb] = node;
            size[node] = size[ra] + size[rb];
            children[t] = (Math.Min(ra, rb), Math.Max(ra, rb));
            distances[t] = h[i];
            counts[t] = size[node];
        }
        return (children, distances, counts);
    }

    /// <summary>Leaf labels after the first <paramref name="merges"/> merges, numbered by first appearance.</summary>
    public static int[] Cut(int n, (int Left, int Right)[] children, int merges)
    {
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        var leafOf = new int[n + children.Length];
        for (int i = 0; i < n; i++) leafOf[i] = i;
        for (int t = 0; t < merges; t++)
        {
            int la = Find(parent, leafOf[children[t].Left]), lb = Find(parent, leafOf[children[t].Right]);
            parent[lb] = la;
            leafOf[n + t] = la;
        }
        var labels = new int[n];
        var id = new int[n];
        Array.Fill(id, -1);
        int next = 0;
        for (int i = 0; i < n; i++)
        {
            int r = Find(parent, i);
            if (id[r] < 0) id[r] = next++;
            labels[i] = id[r];
        }
        return labels;
    }

    public static int Find(int[] parent, int x)
    {
        int r = x;
        while (parent[r] != r) r = parent[r];
        while (parent[x] != r) { int nx = parent[x]; parent[x] = r; x = nx; }
        return r;
    }
}
