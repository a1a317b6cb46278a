namespace AudioCluster.Reduction;

/// <summary>
/// The 2-d space-partitioning tree of Barnes-Hut t-SNE, built as scikit-learn's _QuadTree: a leaf
/// holds one point (or several within 1e-6 of it on both axes), children are made only for occupied
/// quadrants, and every cell keeps its centre of mass and point count. The node array is kept
/// between builds, so rebuilding every iteration allocates nothing once it is large enough.
/// </summary>
internal sealed class QuadTree
{
    const double Epsilon = 1e-6;

    struct Node
    {
        public double ComX, ComY, Width2, Size;
        public int C0, C1, C2, C3; // children by quadrant, -1 where empty
        public int Point;          // a leaf's first point; further duplicates chain through _next
        public bool Leaf;
    }

    Node[] _nodes = [];
    int _count;
    int _depth;
    int[] _next = [];
    int[] _order = [];
    int _orderLength;

    /// <summary>Deepest level of the last build (the root is level 1).</summary>
    public int Depth => _depth;
    public int NodeCount => _count;

    /// <summary>
    /// The points in depth-first (spatial) order of the last build. Inserting and visiting points in
    /// this order keeps nearby nodes close in memory and the same nodes in cache for neighbouring points.
    /// </summary>
    public ReadOnlySpan<int> Order => _order.AsSpan(0, _orderLength);

    /// <summary>Stack size enough for <see cref="Repulsion"/> on the current tree.</summary>
    public int StackSize => 3 * _depth + 4;

    /// <summary>Builds the tree over points (x, y) interleaved in <paramref name="positions"/>.</summary>
    public void Build(ReadOnlySpan<double> positions, int n)
    {
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double x = positions[2 * i], y = positions[2 * i + 1];
            if (x < minX) minX = x;
            if (x > maxX) maxX = x;
            if (y < minY) minY = y;
            if (y > maxY) maxY = y;
        }
        // A small margin so that the largest coordinates fall inside the upper halves.
        maxX += Math.Max(Math.Abs(minX), Math.Abs(maxX)) * 1e-3 + 1e-12;
        maxY += Math.Max(Math.Abs(minY), Math.Abs(maxY)) * 1e-3 + 1e-12;
        if (_next.Length < n) { _next = new int[n]; _order = new int[n]; _orderLength = 0; }
        if (_orderLength != n)
        {
            for (int i = 0; i < n; i++) _order[i] = i;
            _orderLength = n;
        }
        _count = 0;
        _depth = 1;
        NewNode(maxX - minX, maxY - minY);
        // The previous build's spatial order (points move little between iterations).
        for (int t = 0; t < n; t++)
        {
            int i = _order[t];
            Insert(positions[2 * i], positions[2 * i + 1], i, minX, minY, maxX, maxY);
        }
        CollectOrder();
    }

    int NewNode(double width, double height)
    {
        if (_count == _nodes.Length) Array.Resize(ref _nodes, Math.Max(64, 2 * _count));
        int id = _count++;
        ref var nd = ref _nodes[id];
        nd.ComX = 0; nd.ComY = 0; nd.Size = 0;
        nd.Width2 = Math.Max(width * width, height * height);
        nd.C0 = nd.C1 = nd.C2 = nd.C3 = -1;
        nd.Point = -1;
        nd.Leaf = true;
        return id;
    }

    void Insert(double x, double y, int index, double x0, double y0, double x1, double y1)
    {
        int cell = 0, level = 1;
        _next[index] = -1;
        while (true)
        {
            ref var nd = ref _nodes[cell];
            if (nd.Size == 0)
            {
                nd.Size = 1; nd.ComX = x; nd.ComY = y; nd.Point = index;
                break;
            }
            if (!nd.Leaf)
            {
                double c = nd.Size;
                nd.ComX = (c * nd.ComX + x) / (c + 1);
                nd.ComY = (c * nd.ComY + y) / (c + 1);
                nd.Size = c + 1;
                cell = Child(cell, x, y, ref x0, ref y0, ref x1, ref y1);
                level++;
                continue;
            }
            if (Math.Abs(x - nd.ComX) <= Epsilon && Math.Abs(y - nd.ComY) <= Epsilon)
            {
                nd.Size++; // duplicate: the leaf stands for both
                _next[index] = nd.Point;
                nd.Point = index;
                break;
            }
            // Split the leaf: move its point(s) into a child, then insert again at this cell.
            double px = nd.ComX, py = nd.ComY, ps = nd.Size;
            int pi = nd.Point;
            nd.Leaf = false;
            nd.Point = -1;
            double cx0 = x0, cy0 = y0, cx1 = x1, cy1 = y1;
            int child = Child(cell, px, py, ref cx0, ref cy0, ref cx1, ref cy1);
            ref var ch = ref _nodes[child];
            ch.Size = ps; ch.ComX = px; ch.ComY = py; ch.Point = pi;
        }
        if (level > _depth) _depth = level;
    }

    /// <summary>The child of <paramref name="cell"/> whose quadrant holds (x, y), made when missing; narrows the bounds to it.</summary>
    int Child(int cell, double x, double y, ref double x0, ref double y0, ref double x1, ref double y1)
    {
        double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
        bool right = x >= cx, top = y >= cy;
        if (right) x0 = cx; else x1 = cx;
        if (top) y0 = cy; else y1 = cy;
        int q = (right ? 1 : 0) | (top ? 2 : 0);
        int child = ChildAt(cell, q);
        if (child >= 0) return child;
        child = NewNode(x1 - x0, y1 - y0); // may move the array: index after
        ref var nd = ref _nodes[cell];
        switch (q)
        {
            case 0: nd.C0 = child; break;
            case 1: nd.C1 = child; break;
            case 2: nd.C2 = child; break;
            default: nd.C3 = child; break;
        }
        return child;
    }

    int ChildAt(int cell, int q)
    {
        ref var nd = ref _nodes[cell];
        return q switch { 0 => nd.C0, 1 => nd.C1, 2 => nd.C2, _ => nd.C3 };
    }

    void CollectOrder()
    {
        // Depth-first, quadrants in order; _order is reused as the output and a small stack suffices.
        Span<int> stack = stackalloc int[3 * Math.Min(_depth, 200) + 4];
        if (_depth > 200) stack = new int[3 * _depth + 4];
        int top = 0, written = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            ref var nd = ref _nodes[stack[--top]];
            if (nd.Leaf)
            {
                for (int p = nd.Point; p >= 0; p = _next[p]) _order[written++] = p;
                continue;
            }
            if (nd.C3 >= 0) stack[top++] = nd.C3;
            if (nd.C2 >= 0) stack[top++] = nd.C2;
            if (nd.C1 >= 0) stack[top++] = nd.C1;
            if (nd.C0 >= 0) stack[top++] = nd.C0;
        }
    }

    /// <summary>
    /// The repulsive sum for the point at (x, y): adds size * q^2 * (point - centre of mass) for every
    /// summarising cell to the forces and returns the sum of size * q with q = 1 / (1 + squared
    /// distance). A cell summarises when it is a leaf or when its squared width over the squared
    /// distance is below theta^2; the point's own leaf is skipped. Cells are visited depth-first in
    /// quadrant order, as scikit-learn does.
    /// </summary>
    public double Repulsion(double x, double y, double theta2, int[] stack, out double forceX, out double forceY)
    {
        var nodes = _nodes;
        double sumQ = 0, fx = 0, fy = 0;
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            ref var nd = ref nodes[stack[--top]];
            double dx = x - nd.ComX, dy = y - nd.ComY;
            double d2 = dx * dx + dy * dy;
            if (nd.Leaf)
            {
                if (Math.Abs(dx) <= Epsilon && Math.Abs(dy) <= Epsilon) continue;
            }
            else if (nd.Width2 >= theta2 * d2)
            {
                if (nd.C3 >= 0) stack[top++] = nd.C3;
                if (nd.C2 >= 0) stack[top++] = nd.C2;
                if (nd.C1 >= 0) stack[top++] = nd.C1;
                if (nd.C0 >= 0) stack[top++] = nd.C0;
                continue;
            }
            double q = 1.0 / (1.0 + d2);
            double sq = nd.Size * q;
            sumQ += sq;
            double m = sq * q;
            fx += m * dx;
            fy += m * dy;
        }
        forceX = fx;
        forceY = fy;
        return sumQ;
    }
}
