using System.Management.Automation;
using AudioCluster.Clustering;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>
/// Base of the collecting cmdlets that work on vectors (reduction, clustering): gathers every
/// input with a numeric Vector in ProcessRecord, rejects bad ones one by one, and builds the
/// data matrix (optionally standardised and L2-normalised) in EndProcessing.
/// </summary>
public abstract class VectorCollectingCmdlet : AudioClusterCmdlet
{
    /// <summary>AudioEmbedding objects, or any objects with a numeric Vector property.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Scale each dimension to zero mean and unit variance first.</summary>
    [Parameter]
    public SwitchParameter Standardize { get; set; }

    /// <summary>Scale each vector to unit length first (after -Standardize when both are given).</summary>
    [Parameter]
    public SwitchParameter L2Normalize { get; set; }

    private protected List<VectorItem> Items { get; } = new();

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        VectorItem item;
        try
        {
            item = VectorInput.Read(InputObject, Items.Count);
        }
        catch (ArgumentException e)
        {
            WriteItemError(e, "InvalidVector", ErrorCategory.InvalidData, InputObject);
            return;
        }
        if (Items.Count > 0 && item.Vector.Length != Items[0].Vector.Length)
        {
            WriteItemError(new ArgumentException($"'{item.Source}' has a {item.Vector.Length}-dimensional vector; the first input has {Items[0].Vector.Length}. It was left out."),
                "DimensionMismatch", ErrorCategory.InvalidData, InputObject);
            return;
        }
        if (item.Vector.Any(v => !float.IsFinite(v)))
        {
            WriteItemError(new ArgumentException($"'{item.Source}' has NaN or infinite values in its vector. It was left out."), "NonFiniteVector", ErrorCategory.InvalidData, InputObject);
            return;
        }
        Items.Add(item);
    }

    /// <summary>The collected vectors as a matrix, preprocessed as asked; stops when there are none.</summary>
    protected DataMatrix CollectedMatrix()
    {
        if (Items.Count == 0)
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException("No vectors to work on: the pipeline gave no valid input."), "NoInput", ErrorCategory.InvalidData, null));
        var data = DataMatrix.FromRows(Items.Select(i => i.Vector).ToList());
        if (Standardize)
        {
            FittedStandardizer = Standardizer.Fit(data);
            data = FittedStandardizer.Apply(data);
        }
        if (L2Normalize) data = VectorPreprocessing.L2Normalize(data);
        return data;
    }

    /// <summary>The z-scoring learnt by <see cref="CollectedMatrix"/> with -Standardize (to save with a model).</summary>
    protected Standardizer? FittedStandardizer { get; private set; }

    /// <summary>Preprocessing applied, for ids and verbose messages.</summary>
    protected string PreprocessingNote => (Standardize.IsPresent, L2Normalize.IsPresent) switch
    {
        (true, true) => "standardized, L2-normalized",
        (true, false) => "standardized",
        (false, true) => "L2-normalized",
        _ => "raw",
    };
}
