namespace AudioCluster.Clustering;

/// <summary>
/// Points as a dense row-major matrix of doubles (Rows points x Columns dimensions) in one flat
/// array, the layout the clustering loops read fastest.
/// </summary>
public sealed class DataMatrix
{
    /// <summary>A zero matrix.</summary>
    public DataMatrix(int rows, int columns)
        : this(new double[checked(CheckShape(rows, columns) * (long)columns)], rows, columns) { }

    /// <summary>Wraps <paramref name="data"/> (row-major, not copied).</summary>
    public DataMatrix(double[] data, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShape(rows, columns);
        if (data.LongLength != (long)rows * columns)
            throw new ArgumentException($"A {rows} x {columns} matrix needs {(long)rows * columns} values, got {data.LongLength}.", nameof(data));
        Data = data;
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }
    public int Columns { get; }
    /// <summary>The values, row after row.</summary>
    public double[] Data { get; }

    public double this[int row, int column]
    {
        get => Data[Index(row, column)];
        set => Data[Index(row, column)] = value;
    }

    public Span<double> Row(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row));
        return Data.AsSpan(row * Columns, Columns);
    }

    public DataMatrix Clone() => new((double[])Data.Clone(), Rows, Columns);

    public static DataMatrix FromRows(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int d = CheckRows(rows, r => r?.Length);
        var m = new DataMatrix(rows.Count, d);
        for (int i = 0; i < rows.Count; i++)
        {
            var dst = m.Row(i);
            var src = rows[i];
            for (int j = 0; j < d; j++) dst[j] = src[j];
        }
        return m;
    }

    public static DataMatrix FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int d = CheckRows(rows, r => r?.Length);
        var m = new DataMatrix(rows.Count, d);
        for (int i = 0; i < rows.Count; i++) rows[i].AsSpan().CopyTo(m.Row(i));
        return m;
    }

    public float[][] ToFloatRows()
    {
        var result = new float[Rows][];
        for (int i = 0; i < Rows; i++)
        {
            var src = Row(i);
            var row = result[i] = new float[Columns];
            for (int j = 0; j < Columns; j++) row[j] = (float)src[j];
        }
        return result;
    }

    public double[][] ToRows()
    {
        var result = new double[Rows][];
        for (int i = 0; i < Rows; i++) result[i] = Row(i).ToArray();
        return result;
    }

    /// <summary>The first non-finite value as (row, column), or null when all are finite.</summary>
    public (int Row, int Column)? FindNonFinite()
    {
        const int block = 1 << 16;
        var data = Data;
        int blocks = (data.Length + block - 1) / block;
        // Blocks in parallel, each screened with SIMD (x * 0 is NaN exactly for NaN and infinities); the first hit wins.
        int first = int.MaxValue;
        Parallel.For(0, blocks, b =>
        {
            var span = data.AsSpan(b * block, Math.Min(block, data.Length - b * block));
            if (AllFinite(span)) return;
            for (int i = 0; i < span.Length; i++)
                if (!double.IsFinite(span[i]))
                {
                    int at = b * block + i, seen;
                    while (at < (seen = Volatile.Read(ref first)) && Interlocked.CompareExchange(ref first, at, seen) != seen) { }
                    return;
                }
        });
        return first == int.MaxValue ? null : (first / Columns, first % Columns);
    }

    static bool AllFinite(ReadOnlySpan<double> values)
    {
        int i = 0, w = System.Numerics.Vector<double>.Count;
        var acc = System.Numerics.Vector<double>.Zero;
        for (; i <= values.Length - w; i += w) acc += new System.Numerics.Vector<double>(values.Slice(i, w)) * System.Numerics.Vector<double>.Zero;
        double s = System.Numerics.Vector.Sum(acc);
        for (; i < values.Length; i++) s += values[i] * 0;
        return !double.IsNaN(s);
    }

    int Index(int row, int column)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row));
        if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column));
        return row * Columns + column;
    }

    static int CheckShape(int rows, int columns)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Row count must not be negative.");
        if (columns < 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Column count must not be negative.");
        if ((long)rows * columns > Array.MaxLength) throw new ArgumentException($"A {rows} x {columns} matrix is too large for one array.");
        return rows;
    }

    static int CheckRows<T>(IReadOnlyList<T> rows, Func<T, int?> length)
    {
        if (rows.Count == 0) return 0;
        int d = length(rows[0]) ?? throw new ArgumentException("Row 0 is null.", nameof(rows));
        for (int i = 1; i < rows.Count; i++)
        {
            int? li = length(rows[i]);
            if (li is null) throw new ArgumentException($"Row {i} is null.", nameof(rows));
            if (li != d) throw new ArgumentException($"All vectors must have the same length: row 0 has {d} values, row {i} has {li}.", nameof(rows));
        }
        return d;
    }
}
