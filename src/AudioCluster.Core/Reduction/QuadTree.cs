namespace AudioCluster.Reduction;

/// <summary>
/// The 2-d space-partitioning tree of Barnes-Hut t-SNE, built as scikit-learn's _QuadTree: a leaf
/// holds one point (or several within 1e-6 of it on both axes), children are made only for occupied
/// quadrants, and every cell keeps its centre of mass and point count. The node arrays are kept
/// between builds, so rebuilding every iteration allocates nothing once they are large enough.
/// </summary>
internal sealed class QuadTree
{
    const double Epsilon = 1e-6;

    // Structure of arrays, indexed by node.
    double[] _minX = [], _minY = [], _maxX = [], _maxY = [];
    double[] _comX = [], _comY = [], _width2 = [];
    int[] _count = [], _point = [];
    int[] _children = []; // four slots per node, -1 where a quadrant is empty
    bool[] _leaf = [];
    int _nodes;
    int _depth;

    /// <summary>Deepest level of the last build (the root is level 1).</summary>
    public int Depth => _depth;
    public int NodeCount => _nodes;

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
        double mx = Math.Max(Math.Abs(minX), Math.Abs(maxX)) * 1e-3 + 1e-12;
        double my = Math.Max(Math.Abs(minY), Math.Abs(maxY)) * 1e-3 + 1e-12;
        _nodes = 0;
        _depth = 1;
        NewNode(minX, minY, maxX + mx, maxY + my);
        for (int i = 0; i < n; i++) Insert(positions[2 * i], positions[2 * i + 1], i);
    }

    int NewNode(double minX, double minY, double maxX, double maxY)
    {
        if (_nodes == _count.Length) Grow(Math.Max(64, _nodes * 2));
        int id = _nodes++;
        _minX[id] = minX; _minY[id] = minY; _maxX[id] = maxX; _maxY[id] = maxY;
        double wx = maxX - minX, wy = maxY - minY;
        _width2[id] = Math.Max(wx * wx, wy * wy);
        _comX[id] = 0; _comY[id] = 0; _count[id] = 0; _point[id] = -1; _leaf[id] = true;
        _children[4 * id] = _children[4 * id + 1] = _children[4 * id + 2] = _children[4 * id + 3] = -1;
        return id;
    }

    void Grow(int capacity)
    {
        Array.Resize(ref _minX, capacity); Array.Resize(ref _minY, capacity);
        Array.Resize(ref _maxX, capacity); Array.Resize(ref _maxY, capacity);
        Array.Resize(ref _comX, capacity); Array.Resize(ref _comY, capacity);
        Array.Resize(ref _width2, capacity); Array.Resize(ref _count, capacity);
        Array.Resize(ref _point, capacity); Array.Resize(ref _leaf, capacity);
        Array.Resize(ref _children, 4 * capacity);
    }

    void Insert(double x, double y, int index)
    {
        int cell = 0, level = 1;
        while (true)
        {
            if (_count[cell] == 0)
            {
                _count[cell] = 1; _comX[cell] = x; _comY[cell] = y; _point[cell] = index;
                break;
            }
            if (!_leaf[cell])
            {
                int c = _count[cell];
                _comX[cell] = (c * _comX[cell] + x) / (c + 1);
                _comY[cell] = (c * _comY[cell] + y) / (c + 1);
                _count[cell] = c + 1;
                cell = ChildFor(cell, x, y);
                level++;
                continue;
            }
            if (Math.Abs(x - _comX[cell]) <= Epsilon && Math.Abs(y - _comY[cell]) <= Epsilon)
            {
                _count[cell]++; // duplicate: the leaf stands for both
                break;
            }
            // Split the leaf: move its point(s) into a child, then insert again at this cell.
            double px = _comX[cell], py = _comY[cell];
            int pc = _count[cell], pi = _point[cell];
            _leaf[cell] = false;
            _point[cell] = -1;
            int child = ChildFor(cell, px, py);
            _count[child] = pc; _comX[child] = px; _comY[child] = py; _point[child] = pi;
        }
        if (level > _depth) _depth = level;
    }

    /// <summary>The child of <paramref name="cell"/> whose quadrant holds (x, y), made when missing.</summary>
    int ChildFor(int cell, double x, double y)
    {
        double cx = (_minX[cell] + _maxX[cell]) / 2, cy = (_minY[cell] + _maxY[cell]) / 2;
        int q = (x >= cx ? 1 : 0) | (y >= cy ? 2 : 0);
        int child = _children[4 * cell + q];
        if (child >= 0) return child;
        double x0 = q % 2 == 1 ? cx : _minX[cell], x1 = q % 2 == 1 ? _maxX[cell] : cx;
        double y0 = q >= 2 ? cy : _minY[cell], y1 = q >= 2 ? _maxY[cell] : cy;
        child = NewNode(x0, y0, x1, y1); // may reallocate the arrays: index after
        _children[4 * cell + q] = child;
        return child;
    }

    /// <summary>
    /// The repulsive sum for the point at (x, y): adds size * q^2 * (point - centre of mass) for every
    /// summarising cell to <paramref name="forceX"/>/<paramref name="forceY"/> and returns the sum of
    /// size * q with q = 1 / (1 + squared distance). A cell summarises when it is a leaf or when its
    /// squared width over the squared distance is below theta^2; the point's own leaf is skipped.
    /// </summary>
    public double Repulsion(double x, double y, double theta2, int[] stack, out double forceX, out double forceY)
    {
        double sumQ = 0, fx = 0, fy = 0;
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            int cell = stack[--top];
            double dx = x - _comX[cell], dy = y - _comY[cell];
            double d2 = dx * dx + dy * dy;
            bool leaf = _leaf[cell];
            if (leaf && Math.Abs(dx) <= Epsilon && Math.Abs(dy) <= Epsilon) continue;
            if (leaf || _width2[cell] / d2 < theta2)
            {
                double q = 1.0 / (1.0 + d2);
                double size = _count[cell];
                sumQ += size * q;
                double m = size * q * q;
                fx += m * dx;
                fy += m * dy;
                continue;
            }
            // Visit children in quadrant order (pushed in reverse).
            int b = 4 * cell;
            for (int c = 3; c >= 0; c--)
            {
                int child = _children[b + c];
                if (child >= 0) stack[top++] = child;
            }
        }
        forceX = fx;
        forceY = fy;
        return sumQ;
    }

    /// <summary>Stack size enough for <see cref="Repulsion"/> on the current tree.</summary>
    public int StackSize => 3 * _depth + 4;
}
