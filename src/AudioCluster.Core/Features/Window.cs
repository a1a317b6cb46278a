namespace AudioCluster.Features;

/// <summary>Analysis windows.</summary>
public static class Window
{
    /// <summary>
    /// Hann window as torch.hann_window: periodic w[j] = 0.5 - 0.5 cos(2 pi j / N) (the symmetric window of
    /// N+1 points without its last one, as an STFT wants); symmetric uses N-1 in the denominator.
    /// </summary>
    public static double[] Hann(int length, bool periodic = true)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "Window length must be >= 0.");
        var w = new double[length];
        if (length == 1) { w[0] = 1.0; return w; }
        int denom = periodic ? length : length - 1;
        for (int j = 0; j < length; j++) w[j] = 0.5 - 0.5 * Math.Cos(2.0 * Math.PI * j / denom);
        return w;
    }

    /// <summary>A Hann window of <paramref name="winLength"/> zero-padded centrally to <paramref name="nFft"/>, as torch.stft does.</summary>
    public static double[] PaddedHann(int winLength, int nFft, bool periodic = true)
    {
        if (winLength > nFft) throw new ArgumentException($"Window length {winLength} exceeds n_fft {nFft}.");
        var w = new double[nFft];
        Hann(winLength, periodic).CopyTo(w, (nFft - winLength) / 2);
        return w;
    }

    /// <summary>
    /// Hann window in float32 as torch.hann_window computes it (angle n * float(2 pi / N), cosine, then
    /// -0.5 c + 0.5, each step rounded to float32), zero-padded centrally to <paramref name="nFft"/>.
    /// </summary>
    public static float[] PaddedHannFloat32(int winLength, int nFft, bool periodic = true)
    {
        if (winLength > nFft) throw new ArgumentException($"Window length {winLength} exceeds n_fft {nFft}.");
        var w = new float[nFft];
        int offset = (nFft - winLength) / 2;
        if (winLength == 1) { w[offset] = 1f; return w; }
        float step = (float)(Math.PI * 2.0 / (periodic ? winLength : winLength - 1));
        for (int n = 0; n < winLength; n++)
        {
            float c = (float)Math.Cos(n * step);
            w[offset + n] = c * -0.5f + 0.5f;
        }
        return w;
    }
}
