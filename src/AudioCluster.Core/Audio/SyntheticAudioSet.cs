namespace AudioCluster.Audio;

/// <summary>A generated file and its class.</summary>
public sealed record SyntheticClipInfo(string Path, string Label);

/// <summary>
/// Generates a labelled set of clearly different synthetic sound classes, for demos and tests of
/// the clustering pipeline without any downloaded data. Each clip varies pitch, level, timing and
/// envelope and carries a little background noise, so the task is not trivial but the classes separate.
/// </summary>
public static class SyntheticAudioSet
{
    delegate void Synth(Span<double> y, int sampleRate, Random rng);

    static readonly (string Label, Synth Make)[] Kinds =
    [
        ("tone", Tone), ("chirp", Chirp), ("noise", NoiseBursts), ("clicks", Clicks), ("harmonic", Harmonic),
        ("am", AmTone), ("drone", Drone), ("pluck", Pluck), ("bell", Bell), ("rumble", Rumble),
    ];

    /// <summary>Most classes <see cref="Generate"/> can make.</summary>
    public static int MaxClassCount => Kinds.Length;

    /// <summary>The class labels, in the order classes are taken.</summary>
    public static IReadOnlyList<string> Labels { get; } = Kinds.Select(k => k.Label).ToArray();

    /// <summary>
    /// Writes perClass PCM16 files for each of the first classCount classes into directory, named
    /// "{label}_{index:000}.wav". The same seed gives byte-identical files.
    /// </summary>
    public static IReadOnlyList<SyntheticClipInfo> Generate(string directory, int classCount, int perClass, int seed,
        int sampleRate = 16000, double seconds = 1.0, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (classCount < 1 || classCount > Kinds.Length)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"Class count must be between 1 and {Kinds.Length} (the number of synthetic sound kinds: {string.Join(", ", Labels)}).");
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "Need at least one clip per class.");
        if (perClass > 999) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "At most 999 clips per class (three-digit file numbers).");
        if (sampleRate < 4000) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Sample rate must be at least 4000 Hz.");
        if (!(seconds >= 0.1 && seconds <= 600)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Clip length must be 0.1 .. 600 seconds.");

        Directory.CreateDirectory(directory);
        int n = (int)Math.Round(seconds * sampleRate);
        var result = new List<SyntheticClipInfo>(classCount * perClass);
        var y = new double[n];
        var samples = new float[n];
        for (int k = 0; k < classCount; k++)
        {
            for (int i = 0; i < perClass; i++)
            {
                ct.ThrowIfCancellationRequested();
                // One generator per clip, seeded from (seed, class, index): clips do not depend on each other.
                var rng = new Random(unchecked(seed * 1_000_003 + k * 7_919 + i * 104_729));
                Array.Clear(y);
                Render(y, sampleRate, rng, Kinds[k].Make);
                for (int j = 0; j < n; j++) samples[j] = (float)y[j];
                var (label, _) = Kinds[k];
                string path = Path.Combine(directory, $"{label}_{i:000}.wav");
                WavWriter.Write(path, samples, sampleRate);
                result.Add(new SyntheticClipInfo(Path.GetFullPath(path), label));
                progress?.Report(result.Count);
            }
        }
        return result;
    }

    // Places the sound at a random onset with a random length, adds a noise floor and sets the level.
    static void Render(Span<double> y, int sr, Random rng, Synth make)
    {
        int n = y.Length;
        int onset = (int)(n * 0.15 * rng.NextDouble());
        int length = Math.Max(1, (int)((n - onset) * (0.65 + 0.35 * rng.NextDouble())));
        var sound = y.Slice(onset, length);
        make(sound, sr, rng);
        // Short fades so no class is recognisable by a click at its edges.
        int fade = Math.Min(length / 2, sr / 200);
        for (int j = 0; j < fade; j++)
        {
            double g = (double)j / fade;
            sound[j] *= g;
            sound[length - 1 - j] *= g;
        }
        Normalise(y, 1.0);
        double floor = Math.Pow(10, -2.5 - rng.NextDouble());   // -50 .. -70 dB relative noise floor
        for (int j = 0; j < n; j++) y[j] += floor * Gauss(rng);
        Normalise(y, 0.4 + 0.3 * rng.NextDouble());
    }

    static void Tone(Span<double> y, int sr, Random rng)
    {
        double f = Uniform(rng, 500, 700), phase = rng.NextDouble() * 2 * Math.PI;
        double attack = Uniform(rng, 0.005, 0.05), release = Uniform(rng, 0.05, 0.2);
        for (int j = 0; j < y.Length; j++)
            y[j] = Math.Sin(2 * Math.PI * f * j / sr + phase) * AttackRelease(j, y.Length, sr, attack, release);
    }

    static void Chirp(Span<double> y, int sr, Random rng)
    {
        // Exponential sweep up by 2 to 3 octaves.
        double f0 = Uniform(rng, 150, 400), ratio = Uniform(rng, 4, 8), T = (double)y.Length / sr;
        double k = Math.Log(ratio);
        for (int j = 0; j < y.Length; j++)
        {
            double t = (double)j / sr;
            double phase = 2 * Math.PI * f0 * T / k * (Math.Exp(k * t / T) - 1);
            y[j] = Math.Sin(phase) * AttackRelease(j, y.Length, sr, 0.01, 0.05);
        }
    }

    static void NoiseBursts(Span<double> y, int sr, Random rng)
    {
        // Band-passed white noise, switched on in 2-4 bursts.
        double centre = Uniform(rng, 600, Math.Min(1200, 0.35 * sr)), q = Uniform(rng, 1.5, 4);
        var bp = Biquad.BandPass(centre, q, sr);
        int bursts = rng.Next(2, 5);
        var gate = new double[y.Length];
        for (int b = 0; b < bursts; b++)
        {
            int len = (int)(Uniform(rng, 0.08, 0.2) * sr);
            int start = rng.Next(0, Math.Max(1, y.Length - len));
            for (int j = start; j < Math.Min(y.Length, start + len); j++)
                gate[j] = Math.Max(gate[j], Math.Sin(Math.PI * (j - start) / len));
        }
        for (int j = 0; j < y.Length; j++) y[j] = bp.Next(Gauss(rng)) * gate[j];
    }

    static void Clicks(Span<double> y, int sr, Random rng)
    {
        // Regular train of short ringing clicks, 4-20 per second.
        double rate = Uniform(rng, 4, 20), ring = Uniform(rng, Math.Min(3000, 0.3 * sr), Math.Min(5000, 0.4 * sr));
        double decay = Uniform(rng, 0.0008, 0.002), jitter = 0.05 / rate;
        for (double t = Uniform(rng, 0, 1 / rate); t < (double)y.Length / sr; t += 1 / rate + jitter * Gauss(rng))
        {
            int start = (int)(t * sr);
            double amp = Uniform(rng, 0.6, 1);
            for (int j = start; j < Math.Min(y.Length, start + (int)(8 * decay * sr)); j++)
            {
                double u = (double)(j - start) / sr;
                y[j] += amp * Math.Exp(-u / decay) * Math.Sin(2 * Math.PI * ring * u);
            }
        }
    }

    static void Harmonic(Span<double> y, int sr, Random rng)
    {
        // Decaying harmonic stack (struck string / piano-like), 6-10 partials with 1/k amplitudes.
        double f0 = Uniform(rng, 100, 160), tau = Uniform(rng, 0.2, 0.6);
        int partials = rng.Next(6, 11);
        for (int h = 1; h <= partials && h * f0 < 0.45 * sr; h++)
        {
            double phase = rng.NextDouble() * 2 * Math.PI, amp = 1.0 / h, tauH = tau / Math.Sqrt(h);
            for (int j = 0; j < y.Length; j++)
                y[j] += amp * Math.Exp(-(double)j / sr / tauH) * Math.Sin(2 * Math.PI * h * f0 * j / sr + phase);
        }
    }

    static void AmTone(Span<double> y, int sr, Random rng)
    {
        double fc = Uniform(rng, 1600, 2400), fm = Uniform(rng, 3, 12), depth = Uniform(rng, 0.6, 1);
        double phase = rng.NextDouble() * 2 * Math.PI;
        for (int j = 0; j < y.Length; j++)
        {
            double t = (double)j / sr;
            y[j] = (1 - depth * 0.5 * (1 + Math.Cos(2 * Math.PI * fm * t + phase))) * Math.Sin(2 * Math.PI * fc * t);
        }
    }

    static void Drone(Span<double> y, int sr, Random rng)
    {
        // Low tone with two harmonics and slow vibrato.
        double f = Uniform(rng, 60, 90), vib = Uniform(rng, 4, 7), depth = Uniform(rng, 0.01, 0.03);
        double phase = 0;
        for (int j = 0; j < y.Length; j++)
        {
            double t = (double)j / sr;
            phase += 2 * Math.PI * f * (1 + depth * Math.Sin(2 * Math.PI * vib * t)) / sr;
            y[j] = Math.Sin(phase) + 0.5 * Math.Sin(2 * phase) + 0.25 * Math.Sin(3 * phase);
        }
    }

    static void Pluck(Span<double> y, int sr, Random rng)
    {
        // Karplus-Strong: a noise burst circulating in a delay line with a averaging low-pass.
        double f0 = Uniform(rng, 250, 350), loss = Uniform(rng, 0.990, 0.998);
        int period = Math.Max(2, (int)Math.Round(sr / f0));
        var line = new double[period];
        for (int j = 0; j < period; j++) line[j] = rng.NextDouble() * 2 - 1;
        for (int j = 0, p = 0; j < y.Length; j++, p = (p + 1) % period)
        {
            y[j] = line[p];
            line[p] = loss * 0.5 * (line[p] + line[(p + 1) % period]);
        }
    }

    static void Bell(Span<double> y, int sr, Random rng)
    {
        // Inharmonic partials (ratios of a struck bar/bell), the higher ones dying faster.
        double f = Uniform(rng, 900, 1200), tau = Uniform(rng, 0.3, 0.8);
        double[] ratios = [1.0, 2.76, 5.40, 8.93];
        double[] amps = [1.0, 0.6, 0.4, 0.25];
        for (int h = 0; h < ratios.Length && ratios[h] * f < 0.45 * sr; h++)
        {
            double phase = rng.NextDouble() * 2 * Math.PI;
            for (int j = 0; j < y.Length; j++)
                y[j] += amps[h] * Math.Exp(-(double)j / sr / (tau / ratios[h])) * Math.Sin(2 * Math.PI * ratios[h] * f * j / sr + phase);
        }
    }

    static void Rumble(Span<double> y, int sr, Random rng)
    {
        // Brown noise low-passed below ~300 Hz with a slow swell.
        var lp = Biquad.LowPass(Uniform(rng, 120, 300), 0.707, sr);
        double swell = Uniform(rng, 0.5, 2), phase = rng.NextDouble() * 2 * Math.PI, walk = 0;
        for (int j = 0; j < y.Length; j++)
        {
            walk = 0.995 * walk + 0.1 * Gauss(rng);
            y[j] = lp.Next(walk) * (0.6 + 0.4 * Math.Sin(2 * Math.PI * swell * j / sr + phase));
        }
    }

    static double AttackRelease(int j, int n, int sr, double attack, double release)
    {
        double t = (double)j / sr, left = (double)(n - j) / sr;
        return Math.Min(1, Math.Min(t / attack, left / release));
    }

    static double Uniform(Random rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();

    // Box-Muller; deterministic given the generator.
    static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    static void Normalise(Span<double> y, double peak)
    {
        double max = 0;
        foreach (var v in y) max = Math.Max(max, Math.Abs(v));
        if (max == 0) return;
        double g = peak / max;
        for (int j = 0; j < y.Length; j++) y[j] *= g;
    }

    /// <summary>RBJ cookbook second-order section, direct form I.</summary>
    sealed class Biquad(double b0, double b1, double b2, double a1, double a2)
    {
        double _x1, _x2, _y1, _y2;

        public static Biquad BandPass(double f, double q, int sr)
        {
            double w = 2 * Math.PI * f / sr, alpha = Math.Sin(w) / (2 * q), a0 = 1 + alpha;
            return new Biquad(alpha / a0, 0, -alpha / a0, -2 * Math.Cos(w) / a0, (1 - alpha) / a0);
        }

        public static Biquad LowPass(double f, double q, int sr)
        {
            double w = 2 * Math.PI * f / sr, alpha = Math.Sin(w) / (2 * q), c = Math.Cos(w), a0 = 1 + alpha;
            return new Biquad((1 - c) / 2 / a0, (1 - c) / a0, (1 - c) / 2 / a0, -2 * c / a0, (1 - alpha) / a0);
        }

        public double Next(double x)
        {
            double y = b0 * x + b1 * _x1 + b2 * _x2 - a1 * _y1 - a2 * _y2;
            (_x2, _x1, _y2, _y1) = (_x1, x, _y1, y);
            return y;
        }
    }
}
