using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AudioCluster.Audio;
using AudioCluster.Clustering;
using AudioCluster.Features;
using AudioCluster.Metrics;

namespace AudioCluster.Reporting;

/// <summary>Whether the report carries the audio itself or links to the files.</summary>
public enum EmbedAudioMode
{
    /// <summary>Embed when all the files together are under the limit, otherwise link.</summary>
    Auto,
    Always,
    /// <summary>Link to the files, relative to the report's folder.</summary>
    Never,
}

/// <summary>One clip of the report: where it came from, its cluster and what else is known about it.</summary>
public sealed record ReportClip(string Source, string? Label, string Cluster, double? Confidence, double? Distance, IReadOnlyList<string> Tags, float[]? Vector);

public sealed record ClusterReportOptions
{
    public string Title { get; init; } = "Audio clusters";
    /// <summary>Folder the report is written to; links to the audio are relative to it.</summary>
    public string OutputDirectory { get; init; } = ".";
    public EmbedAudioMode EmbedAudio { get; init; } = EmbedAudioMode.Auto;
    /// <summary>With <see cref="EmbedAudioMode.Auto"/>, embed only when the files add up to less than this.</summary>
    public long EmbedLimitBytes { get; init; } = 20L * 1024 * 1024;
    public int ExamplesPerCluster { get; init; } = 3;
    /// <summary>Clips averaged into each cluster's mean spectrogram.</summary>
    public int SpectrogramClipsPerCluster { get; init; } = 16;
    /// <summary>Only the largest clusters get a mean spectrogram, so huge cluster counts stay quick.</summary>
    public int SpectrogramClusterLimit { get; init; } = 100;
    /// <summary>Scores to show; null computes them (label metrics where labels exist, internal indices from the vectors).</summary>
    public ClusterQuality? Quality { get; init; }
    /// <summary>How the map coordinates were made, for the page.</summary>
    public string MapDescription { get; init; } = "";
    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>A step of the report's work, for progress bars.</summary>
public readonly record struct ReportProgress(string Stage, int Done, int Total);

/// <summary>
/// Builds the self-contained HTML cluster report: the map, per-cluster cards (size, examples,
/// mean log-mel spectrogram, top labels and tags), the quality table and the confusion matrix.
/// Everything (CSS, script, data, images, audio when embedded) is inside the one file.
/// </summary>
public static class ClusterReport
{
    /// <summary>Extensions browsers play as they are, with the MIME type of a data URI.</summary>
    static readonly Dictionary<string, string> PlayableTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".wav"] = "audio/wav", [".wave"] = "audio/wav", [".mp3"] = "audio/mpeg", [".ogg"] = "audio/ogg", [".oga"] = "audio/ogg",
        [".opus"] = "audio/ogg", [".flac"] = "audio/flac", [".m4a"] = "audio/mp4", [".mp4"] = "audio/mp4", [".aac"] = "audio/aac",
        [".webm"] = "audio/webm",
    };

    /// <summary>Writes the report as UTF-8 HTML. <paramref name="xy"/> holds one map position per clip (n x 2).</summary>
    public static IReadOnlyList<string> Write(Stream output, IReadOnlyList<ReportClip> clips, DataMatrix xy, ClusterReportOptions options,
                                              IProgress<ReportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var html = Build(clips, xy, options, out var warnings, progress, cancellationToken);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write(html);
        return warnings;
    }

    /// <summary>The report's HTML; <paramref name="warnings"/> lists what could not be included (undecodable files ...).</summary>
    public static string Build(IReadOnlyList<ReportClip> clips, DataMatrix xy, ClusterReportOptions options, out IReadOnlyList<string> warnings,
                               IProgress<ReportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(xy);
        ArgumentNullException.ThrowIfNull(options);
        if (clips.Count == 0) throw new ArgumentException("A report needs at least one clip.", nameof(clips));
        if (xy.Rows != clips.Count || xy.Columns != 2) throw new ArgumentException($"The map needs {clips.Count} x 2 coordinates, got {xy.Rows} x {xy.Columns}.", nameof(xy));
        var notes = new List<string>();

        // Clusters in numeric order with noise (-1) last; labels in the same order as the metrics use.
        var clusterIds = clips.Select(c => c.Cluster).Distinct().OrderBy(c => c == ClusterMetrics.NoiseCluster ? 1 : 0).ThenBy(c => c, LabelComparer.Instance).ToList();
        var clusterIndex = clusterIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var labelIds = clips.Where(c => !string.IsNullOrEmpty(c.Label)).Select(c => c.Label!).Distinct().OrderBy(l => l, LabelComparer.Instance).ToList();
        var labelIndex = labelIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var members = clusterIds.Select(_ => new List<int>()).ToList();
        for (int i = 0; i < clips.Count; i++) members[clusterIndex[clips[i].Cluster]].Add(i);

        var examples = members.Select(m => ChooseExamples(clips, m, options.ExamplesPerCluster)).ToList();
        var audio = AudioSources(clips, options, notes, out var audioNote, progress, cancellationToken);
        var thumbs = MeanSpectrograms(clips, members, examples, options, notes, progress, cancellationToken);

        var clusters = new List<object>();
        for (int k = 0; k < clusterIds.Count; k++)
        {
            var m = members[k];
            clusters.Add(new
            {
                id = clusterIds[k],
                size = m.Count,
                noise = clusterIds[k] == ClusterMetrics.NoiseCluster,
                examples = examples[k],
                thumb = thumbs[k],
                labels = Top(m.Select(i => clips[i].Label).Where(l => !string.IsNullOrEmpty(l)).Select(l => l!), 3),
                tags = Top(m.SelectMany(i => clips[i].Tags), 5),
            });
        }

        var (qualityRows, qualityNote) = QualityRows(clips, options.Quality, cancellationToken);
        var data = new
        {
            title = options.Title,
            generated = DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            map = options.MapDescription,
            audioNote,
            n = clips.Count,
            x = Normalised(xy, 0),
            y = Normalised(xy, 1),
            cluster = clips.Select(c => clusterIndex[c.Cluster]).ToArray(),
            label = clips.Select(c => string.IsNullOrEmpty(c.Label) ? -1 : labelIndex[c.Label]).ToArray(),
            conf = clips.Select(c => c.Confidence is double v && double.IsFinite(v) ? Math.Round(v, 4) : (double?)null).ToArray(),
            name = clips.Select(c => Path.GetFileName(c.Source)).ToArray(),
            audio = audio.Index,
            audioSources = audio.Sources,
            clusters,
            labels = labelIds,
            quality = qualityRows,
            qualityNote,
            confusion = Confusion(clips, clusterIndex),
        };
        warnings = notes;
        return Render(options.Title, data);
    }

    /// <summary>The clips to play for a cluster: most confident first, else nearest its centre, else in input order.</summary>
    static int[] ChooseExamples(IReadOnlyList<ReportClip> clips, List<int> members, int count)
    {
        IEnumerable<int> order = members;
        if (members.Any(i => clips[i].Confidence is double c && double.IsFinite(c)))
            order = members.OrderByDescending(i => clips[i].Confidence is double c && double.IsFinite(c) ? c : double.NegativeInfinity);
        else if (members.Any(i => clips[i].Distance is double d && double.IsFinite(d)))
            order = members.OrderBy(i => clips[i].Distance is double d && double.IsFinite(d) ? d : double.PositiveInfinity);
        return order.Take(count).ToArray();
    }

    static List<object[]> Top(IEnumerable<string> values, int count) =>
        values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, LabelComparer.Instance).Take(count)
              .Select(g => new object[] { g.Key, g.Count() }).ToList();

    /// <summary>
    /// One map coordinate shifted to start at 0 and divided by the larger of the two axis spans,
    /// so the page keeps the map's proportions; rounded to keep the file small.
    /// </summary>
    static double[] Normalised(DataMatrix xy, int column)
    {
        double Span(int c)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < xy.Rows; i++) { lo = Math.Min(lo, xy[i, c]); hi = Math.Max(hi, xy[i, c]); }
            return hi - lo;
        }
        double min = double.PositiveInfinity;
        for (int i = 0; i < xy.Rows; i++) min = Math.Min(min, xy[i, column]);
        double span = Math.Max(Span(0), Span(1));
        var result = new double[xy.Rows];
        for (int i = 0; i < xy.Rows; i++) result[i] = span > 0 && double.IsFinite(span) ? Math.Round((xy[i, column] - min) / span, 5) : 0;
        return result;
    }

    sealed record AudioTable(int[] Index, List<string> Sources);

    /// <summary>
    /// What each clip's player plays: a data URI (embedded) or a link relative to the report.
    /// Clips whose source is not a file get none.
    /// </summary>
    static AudioTable AudioSources(IReadOnlyList<ReportClip> clips, ClusterReportOptions options, List<string> notes, out string note,
                                   IProgress<ReportProgress>? progress, CancellationToken cancellationToken)
    {
        var index = new int[clips.Count];
        Array.Fill(index, -1);
        var sources = new List<string>();
        var files = new List<(int Clip, string Path, long Size)>();
        for (int i = 0; i < clips.Count; i++)
        {
            var path = clips[i].Source;
            try
            {
                if (Path.IsPathFullyQualified(path) && File.Exists(path)) files.Add((i, path, new FileInfo(path).Length));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { }
        }
        if (files.Count == 0)
        {
            note = "no audio files";
            return new AudioTable(index, sources);
        }
        long total = files.Sum(f => f.Size);
        bool embed = options.EmbedAudio == EmbedAudioMode.Always || (options.EmbedAudio == EmbedAudioMode.Auto && total < options.EmbedLimitBytes);
        const string stage = "Embedding audio";
        int done = 0;
        var failed = 0;
        string? firstError = null;
        foreach (var (clip, path, _) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? source;
            if (embed)
            {
                try
                {
                    source = DataUri(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or AudioDecodeException)
                {
                    failed++;
                    firstError ??= e.Message;
                    source = null;
                }
            }
            else
            {
                source = RelativeUrl(options.OutputDirectory, path);
            }
            if (source != null)
            {
                index[clip] = sources.Count;
                sources.Add(source);
            }
            if (++done % 50 == 0 || done == files.Count) progress?.Report(new ReportProgress(stage, done, files.Count));
        }
        if (failed > 0) notes.Add($"{failed} clip(s) could not be embedded and have no player: {firstError}");
        note = embed ? $"audio embedded ({total / 1048576.0:0.0} MB of files)" : "audio linked relative to the report's folder (keep the files where they are)";
        return new AudioTable(index, sources);
    }

    /// <summary>A data URI of the file's bytes, or of a 16 kHz WAV where browsers cannot play the format.</summary>
    static string DataUri(string path)
    {
        if (PlayableTypes.TryGetValue(Path.GetExtension(path), out var type))
            return $"data:{type};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}";
        var clip = AudioDecoder.Decode(path, new AudioReadOptions { SampleRate = 16000, Mono = true });
        return "data:audio/wav;base64," + Convert.ToBase64String(Wav16(clip.Samples, 16000));
    }

    /// <summary>A mono 16-bit PCM WAV file in memory.</summary>
    internal static byte[] Wav16(ReadOnlySpan<float> samples, int sampleRate)
    {
        var bytes = new byte[44 + samples.Length * 2];
        var span = bytes.AsSpan();
        Encoding.ASCII.GetBytes("RIFF").CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], bytes.Length - 8);
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);                 // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);                 // mono
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        Encoding.ASCII.GetBytes("data").CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], samples.Length * 2);
        for (int i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], (short)Math.Clamp(Math.Round(samples[i] * 32768.0), short.MinValue, short.MaxValue));
        return bytes;
    }

    /// <summary>A URL for the file relative to the report's folder (a file: URL when there is no relative path).</summary>
    internal static string RelativeUrl(string reportDirectory, string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(reportDirectory), path);
        if (Path.IsPathRooted(relative)) return new Uri(path).AbsoluteUri;
        var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return string.Join("/", parts.Select(Uri.EscapeDataString));
    }

    /// <summary>
    /// A mean log-mel spectrogram image per cluster (null where none could be made): the chosen clips
    /// decoded at 16 kHz (at most 10 s each), aligned at their start and averaged frame by frame.
    /// </summary>
    static string?[] MeanSpectrograms(IReadOnlyList<ReportClip> clips, List<List<int>> members, List<int[]> examples, ClusterReportOptions options,
                                      List<string> notes, IProgress<ReportProgress>? progress, CancellationToken cancellationToken)
    {
        var thumbs = new string?[members.Count];
        var chosen = new List<(int Cluster, int Clip)>();
        foreach (var k in Enumerable.Range(0, members.Count).OrderByDescending(k => members[k].Count).Take(options.SpectrogramClusterLimit))
        {
            var files = members[k].Where(i => IsFile(clips[i].Source)).ToList();
            if (files.Count == 0) continue;
            // The examples (they are what the reader listens to), then clips spread evenly over the rest.
            var pick = examples[k].Where(i => IsFile(clips[i].Source)).ToList();
            int want = Math.Min(options.SpectrogramClipsPerCluster, files.Count);
            for (int j = 0; pick.Count < want && j < files.Count; j++)
            {
                int candidate = files[(int)((long)j * files.Count / want % files.Count)];
                if (!pick.Contains(candidate)) pick.Add(candidate);
            }
            for (int j = 0; pick.Count < want && j < files.Count; j++) if (!pick.Contains(files[j])) pick.Add(files[j]);
            chosen.AddRange(pick.Select(i => (k, i)));
        }
        if (chosen.Count == 0) return thumbs;

        var mel = new MelSpectrogramOptions();
        var read = new AudioReadOptions { SampleRate = mel.SampleRate, Mono = true, Duration = TimeSpan.FromSeconds(10) };
        var results = new Spectrogram?[chosen.Count];
        var errors = new ConcurrentQueue<string>();
        int done = 0;
        const string stage = "Mean spectrograms";
        progress?.Report(new ReportProgress(stage, 0, chosen.Count));
        Parallel.For(0, chosen.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, j =>
        {
            try
            {
                var clip = AudioDecoder.Decode(clips[chosen[j].Clip].Source, read);
                results[j] = LogMel.Compute(clip.Samples, mel, clip.Source);
            }
            catch (Exception e) when (e is AudioDecodeException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                errors.Enqueue(e.Message);
            }
            int now = Interlocked.Increment(ref done);
            if (now % 16 == 0 || now == chosen.Count) progress?.Report(new ReportProgress(stage, now, chosen.Count));
        });
        if (!errors.IsEmpty) notes.Add($"{errors.Count} clip(s) could not be decoded for the mean spectrograms, e.g. {errors.First()}");

        foreach (var group in Enumerable.Range(0, chosen.Count).GroupBy(j => chosen[j].Cluster))
        {
            var parts = group.Select(j => results[j]).OfType<Spectrogram>().ToList();
            if (parts.Count == 0) continue;
            var mean = Mean(parts, mel);
            thumbs[group.Key] = PngEncoder.ToDataUri(SpectrogramImage.Render(mean, 300, 140,
                new SpectrogramImageOptions { FontScale = 1, AxisTitles = false, ColorBar = false }));
        }
        return thumbs;
    }

    static bool IsFile(string path)
    {
        try { return Path.IsPathFullyQualified(path) && File.Exists(path); }
        catch (ArgumentException) { return false; }
    }

    /// <summary>Frame-by-frame mean over the clips that reach each frame, as long as the median clip.</summary>
    internal static Spectrogram Mean(IReadOnlyList<Spectrogram> parts, MelSpectrogramOptions options)
    {
        int bins = parts[0].Bins;
        var lengths = parts.Select(p => p.Frames).Order().ToList();
        int frames = Math.Max(1, lengths[lengths.Count / 2]);
        var sum = new double[bins * frames];
        var count = new int[frames];
        foreach (var p in parts)
        {
            int reach = Math.Min(frames, p.Frames);
            for (int t = 0; t < reach; t++) count[t]++;
            for (int b = 0; b < bins; b++)
                for (int t = 0; t < reach; t++) sum[b * frames + t] += p.Data[b * p.Frames + t];
        }
        var data = new float[bins * frames];
        for (int b = 0; b < bins; b++)
            for (int t = 0; t < frames; t++) data[b * frames + t] = (float)(sum[b * frames + t] / Math.Max(1, count[t]));
        return new Spectrogram("mean", null, SpectrogramKind.LogMel, bins, frames, options.SampleRate, options.HopLength, data) { Options = options };
    }

    /// <summary>Rows of the quality table: the given scores, or those that can be computed here.</summary>
    static (List<object[]> Rows, string Note) QualityRows(IReadOnlyList<ReportClip> clips, ClusterQuality? given, CancellationToken cancellationToken)
    {
        string note;
        var quality = given;
        if (quality != null)
        {
            note = "as given (-Quality)";
        }
        else
        {
            var labelled = clips.Where(c => !string.IsNullOrEmpty(c.Label)).ToList();
            quality = labelled.Count > 0 ? ClusterMetrics.Evaluate(labelled.Select(c => c.Label!).ToList(), labelled.Select(c => c.Cluster).ToList()) : null;
            note = labelled.Count > 0 ? $"label metrics over the {labelled.Count} labelled clips" : "no labels: label-free indices only";
            var internalScores = InternalScores(clips, cancellationToken);
            if (internalScores is var (s, ch, db))
            {
                quality = (quality ?? new ClusterQuality
                          {
                              NMI = double.NaN, ARI = double.NaN, AMI = double.NaN, Accuracy = double.NaN, Purity = double.NaN, VMeasure = double.NaN,
                              Homogeneity = double.NaN, Completeness = double.NaN, N = clips.Count,
                              Clusters = clips.Select(c => c.Cluster).Where(c => c != ClusterMetrics.NoiseCluster).Distinct().Count(),
                              NoisePoints = clips.Count(c => c.Cluster == ClusterMetrics.NoiseCluster),
                          })
                          with { Silhouette = s, CalinskiHarabasz = ch, DaviesBouldin = db };
                if (clips.Count > SilhouetteSample) note += $"; silhouette on a sample of {SilhouetteSample}";
            }
        }
        var rows = new List<object[]>();
        if (quality == null) return (rows, note);
        void Add(string name, double? value, string hint)
        {
            if (value is double v && double.IsFinite(v)) rows.Add(new object[] { name, Math.Round(v, 4), hint });
        }
        Add("NMI", quality.NMI, "normalized mutual information with the labels, 0 to 1");
        Add("ARI", quality.ARI, "adjusted Rand index, 1 is perfect, 0 is chance");
        Add("AMI", quality.AMI, "adjusted mutual information, 1 is perfect, 0 is chance");
        Add("Accuracy", quality.Accuracy, "share right after matching clusters to labels (Hungarian)");
        Add("Purity", quality.Purity, "share in the majority label of their cluster");
        Add("V-measure", quality.VMeasure, "harmonic mean of homogeneity and completeness");
        Add("Homogeneity", quality.Homogeneity, "each cluster holds one label");
        Add("Completeness", quality.Completeness, "each label sits in one cluster");
        Add("Silhouette", quality.Silhouette, "-1 to 1, higher is better (from the vectors)");
        Add("Calinski-Harabasz", quality.CalinskiHarabasz, "higher is better (from the vectors)");
        Add("Davies-Bouldin", quality.DaviesBouldin, "lower is better (from the vectors)");
        if (quality.N > 0) rows.Add(new object[] { "Clips", quality.N, "" });
        if (quality.Clusters > 0) rows.Add(new object[] { "Clusters", quality.Clusters, quality.NoisePoints > 0 ? $"{quality.NoisePoints} noise points" : "" });
        if (quality.Classes > 0) rows.Add(new object[] { "Labels", quality.Classes, "" });
        return (rows, note);
    }

    const int SilhouetteSample = 2000;

    /// <summary>Silhouette (sampled above 2000 clips), Calinski-Harabasz and Davies-Bouldin, when every clip has a vector.</summary>
    static (double, double, double)? InternalScores(IReadOnlyList<ReportClip> clips, CancellationToken cancellationToken)
    {
        if (clips.Any(c => c.Vector == null) || clips.Select(c => c.Vector!.Length).Distinct().Count() != 1) return null;
        var ids = clips.Select(c => c.Cluster).Where(c => c != ClusterMetrics.NoiseCluster).Distinct().ToList();
        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var codes = clips.Select(c => c.Cluster == ClusterMetrics.NoiseCluster ? InternalMetrics.Noise : index[c.Cluster]).ToArray();
        int scored = codes.Count(c => c != InternalMetrics.Noise);
        if (ids.Count < 2 || ids.Count >= scored) return null;
        var data = DataMatrix.FromRows(clips.Select(c => c.Vector!).ToList());
        return (InternalMetrics.Silhouette(data, codes, SilhouetteSample, seed: 0, cancellationToken),
                InternalMetrics.CalinskiHarabasz(data, codes), InternalMetrics.DaviesBouldin(data, codes));
    }

    /// <summary>Cells larger than this are left out of the page: the matrix would be unreadable and heavy.</summary>
    const long MaxConfusionCells = 250_000;

    /// <summary>
    /// Labels (rows) against clusters (columns), the columns ordered so that each label's matched
    /// cluster (Hungarian matching) sits on the diagonal, unmatched clusters after, noise last.
    /// </summary>
    static object? Confusion(IReadOnlyList<ReportClip> clips, Dictionary<string, int> clusterIndex)
    {
        var labelled = clips.Where(c => !string.IsNullOrEmpty(c.Label)).ToList();
        if (labelled.Count == 0) return null;
        var table = ContingencyTable.Create(labelled.Select(c => c.Label!).ToList(), labelled.Select(c => c.Cluster).ToList());
        if ((long)table.ClassCount * table.ClusterCount > MaxConfusionCells) return new { tooLarge = true, rows = table.ClassCount, cols = table.ClusterCount };
        int noise = table.ClusterIndex(ClusterMetrics.NoiseCluster);
        var classOfCluster = ClusterMetrics.MatchClustersToClasses(table, noise);
        var order = new List<int>();
        for (int row = 0; row < table.ClassCount; row++)
            for (int col = 0; col < table.ClusterCount; col++)
                if (classOfCluster[col] == row) order.Add(col);
        order.AddRange(Enumerable.Range(0, table.ClusterCount).Where(c => !order.Contains(c) && c != noise).OrderByDescending(c => table.ClusterSizes[c]));
        if (noise >= 0) order.Add(noise);
        var counts = new int[table.ClassCount][];
        for (int row = 0; row < table.ClassCount; row++)
            counts[row] = order.Select(col => table[row, col]).ToArray();
        return new
        {
            rows = table.ClassIds,
            cols = order.Select(col => clusterIndex[table.ClusterIds[col]]).ToArray(),
            matched = order.Select(col => classOfCluster[col]).ToArray(),
            counts,
        };
    }

    static string Render(string title, object data)
    {
        // Relaxed escaping keeps base64 compact; '<' is escaped afterwards so no "</script>" can end the block.
        var json = JsonSerializer.Serialize(data, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
                                 .Replace("<", "\\u003c");
        var page = Asset("report.html").Replace("{{CSS}}", Asset("report.css")).Replace("{{JS}}", Asset("report.js"));
        // One pass for the user's text, so that nothing in it is taken for a placeholder.
        return System.Text.RegularExpressions.Regex.Replace(page, @"\{\{(TITLE|DATA)\}\}",
            m => m.Groups[1].Value == "TITLE" ? System.Net.WebUtility.HtmlEncode(title) : json);
    }

    static string Asset(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("AudioCluster.Reporting." + name)
            ?? throw new InvalidOperationException($"The report template {name} is missing from the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
