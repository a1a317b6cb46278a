using System.Collections;
using System.Management.Automation;
using AudioCluster.Clustering;
using AudioCluster.Metrics;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

public enum NoiseHandling { OwnCluster, Exclude }

/// <summary>
/// <para type="synopsis">Scores clusters against known labels: NMI, ARI, AMI, accuracy (Hungarian), purity and more.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "ClusterQuality")]
[OutputType(typeof(ClusterQuality))]
[OutputType(typeof(PSObject))]
public sealed class MeasureClusterQualityCommand : AudioClusterCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Property holding the true label.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string LabelProperty { get; set; } = "Label";

    /// <summary>Property holding the cluster.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ClusterProperty { get; set; } = "Cluster";

    /// <summary>How NMI normalises: Arithmetic (scikit-learn's default), Geometric, Min or Max.</summary>
    [Parameter]
    public NmiAverage NmiAverage { get; set; } = NmiAverage.Arithmetic;

    /// <summary>Also emit the contingency table: one row per label, one column per cluster.</summary>
    [Parameter]
    public SwitchParameter ConfusionMatrix { get; set; }

    /// <summary>Noise points (cluster -1 from DBSCAN/HDBSCAN) in the label metrics: OwnCluster (as scikit-learn) or Exclude.</summary>
    [Parameter]
    public NoiseHandling NoiseHandling { get; set; } = NoiseHandling.OwnCluster;

    /// <summary>Property holding the vector for silhouette, Calinski-Harabasz and Davies-Bouldin.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string VectorProperty { get; set; } = "Vector";

    /// <summary>Above this many inputs the silhouette is computed on a seeded random sample of this size.</summary>
    [Parameter]
    [ValidateRange(100, int.MaxValue)]
    public int SilhouetteSampleSize { get; set; } = 20000;

    const string Noise = "-1";
    readonly List<string> labels = new();
    readonly List<string> clusters = new();
    readonly List<string> allClusters = new();
    readonly List<float[]> vectors = new();
    bool missingVector;
    int unlabelled;

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        var cluster = VectorInput.Text(InputObject, ClusterProperty);
        if (cluster == null)
        {
            WriteItemError(new ArgumentException($"The input has no '{ClusterProperty}' property; pipe ClusterAssignment objects or name the property with -ClusterProperty."),
                "NoCluster", ErrorCategory.InvalidData, InputObject);
            return;
        }
        allClusters.Add(cluster);
        var vector = InputObject.Properties[VectorProperty]?.Value;
        if (vector is PSObject wrapped) vector = wrapped.BaseObject;
        switch (vector)
        {
            case float[] f: vectors.Add(f); break;
            case double[] d: vectors.Add(Array.ConvertAll(d, x => (float)x)); break;
            // Any list of numbers, as Invoke-AudioClustering takes (a calculated property gives object[]).
            case IEnumerable items and not string:
                try { vectors.Add(VectorInput.ToFloats(items, allClusters.Count - 1)); }
                catch (ArgumentException) { missingVector = true; }
                break;
            default: missingVector = true; break;
        }
        var label = VectorInput.Text(InputObject, LabelProperty);
        if (string.IsNullOrEmpty(label))
        {
            unlabelled++;
            return;
        }
        if (NoiseHandling == NoiseHandling.Exclude && cluster == Noise) return;
        labels.Add(label);
        clusters.Add(cluster);
    }

    protected override void EndProcessing()
    {
        bool haveVectors = allClusters.Count > 0 && !missingVector;
        // Without any labels but with vectors, the label-free indices are the point: no warning then.
        if (unlabelled > 0 && (labels.Count > 0 || !haveVectors))
            WriteWarning($"{unlabelled} input(s) have no '{LabelProperty}' and were left out of the label metrics.");
        if (labels.Count == 0 && !haveVectors)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"Nothing to measure: no input had both '{LabelProperty}' and '{ClusterProperty}', nor a '{VectorProperty}' for the label-free indices. Import the audio with -LabelPattern or -LabelFromDirectory to give it labels."),
                "NoLabelledInput", ErrorCategory.InvalidData, null));
        }
        var quality = labels.Count > 0
            ? ClusterMetrics.Evaluate(labels, clusters, NmiAverage)
            : new ClusterQuality { NMI = double.NaN, ARI = double.NaN, AMI = double.NaN, Accuracy = double.NaN, AccuracyNoiseAsWrong = double.NaN, Purity = double.NaN,
                                   Homogeneity = double.NaN, Completeness = double.NaN, VMeasure = double.NaN, RandIndex = double.NaN, FowlkesMallows = double.NaN,
                                   MutualInformation = double.NaN, LabelEntropy = double.NaN, ClusterEntropy = double.NaN, NmiAverage = NmiAverage,
                                   N = allClusters.Count, Clusters = allClusters.Where(c => c != Noise).Distinct().Count(), NoisePoints = allClusters.Count(c => c == Noise) };
        if (haveVectors) quality = WithInternalIndices(quality);
        WriteObject(quality);
        if (ConfusionMatrix && labels.Count > 0) WriteConfusionMatrix();
    }

    /// <summary>Silhouette, Calinski-Harabasz and Davies-Bouldin over every input (noise left out).</summary>
    ClusterQuality WithInternalIndices(ClusterQuality quality)
    {
        if (vectors.Any(v => v.Length != vectors[0].Length))
        {
            WriteWarning("The vectors differ in length, so the label-free indices (silhouette, ...) were not computed.");
            return quality;
        }
        var ids = allClusters.Where(c => c != Noise).Distinct().ToList();
        var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var codes = allClusters.Select(c => c == Noise ? InternalMetrics.Noise : index[c]).ToArray();
        int scored = codes.Count(c => c != InternalMetrics.Noise);
        if (ids.Count < 2 || ids.Count >= scored)
        {
            WriteVerbose($"Label-free indices need 2 to n-1 clusters; there are {ids.Count} for {scored} points.");
            return quality;
        }
        var data = DataMatrix.FromRows(vectors);
        try
        {
            // The silhouette costs O(n^2): past the sample size it is estimated on a seeded sample.
            var silhouette = scored > SilhouetteSampleSize
                ? InternalMetrics.Silhouette(data, codes, SilhouetteSampleSize, seed: 0, Cancellation)
                : InternalMetrics.Silhouette(data, codes, Cancellation);
            return quality with
            {
                Silhouette = silhouette,
                CalinskiHarabasz = InternalMetrics.CalinskiHarabasz(data, codes),
                DaviesBouldin = InternalMetrics.DaviesBouldin(data, codes),
            };
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    void WriteConfusionMatrix()
    {
        var table = ContingencyTable.Create(labels, clusters);
        for (int i = 0; i < table.ClassCount; i++)
        {
            var row = new PSObject();
            row.Properties.Add(new PSNoteProperty("Label", table.ClassIds[i]));
            for (int j = 0; j < table.ClusterCount; j++)
                row.Properties.Add(new PSNoteProperty(table.ClusterIds[j], table[i, j]));
            row.TypeNames.Insert(0, "AudioCluster.ConfusionRow");
            WriteObject(row);
        }
    }
}
