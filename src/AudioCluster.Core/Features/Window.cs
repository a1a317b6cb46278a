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
}
