using System.Management.Automation;
using AudioCluster.Metrics;
using AudioCluster.PowerShell.Infrastructure;

namespace AudioCluster.PowerShell.Cmdlets;

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

    readonly List<string> labels = new();
    readonly List<string> clusters = new();
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
        var label = VectorInput.Text(InputObject, LabelProperty);
        if (string.IsNullOrEmpty(label))
        {
            unlabelled++;
            return;
        }
        labels.Add(label);
        clusters.Add(cluster);
    }

    protected override void EndProcessing()
    {
        if (unlabelled > 0)
            WriteWarning($"{unlabelled} input(s) have no '{LabelProperty}' and were left out of the measure.");
        if (labels.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"Nothing to measure: no input had both '{LabelProperty}' and '{ClusterProperty}'. Import the audio with -LabelPattern or -LabelFromDirectory to give it labels."),
                "NoLabelledInput", ErrorCategory.InvalidData, null));
        }
        WriteObject(ClusterMetrics.Evaluate(labels, clusters, NmiAverage));
        if (ConfusionMatrix) WriteConfusionMatrix();
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
