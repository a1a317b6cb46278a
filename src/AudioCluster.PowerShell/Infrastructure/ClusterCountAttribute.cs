using System.Management.Automation;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>Lets -ClusterCount take the word Auto (stored as 0) besides a number.</summary>
sealed class ClusterCountTransformationAttribute : ArgumentTransformationAttribute
{
    public const int Auto = 0;

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject p ? p.BaseObject : inputData;
        if (value is string s && s.Trim().Equals("Auto", StringComparison.OrdinalIgnoreCase)) return Auto;
        return value;
    }
}

/// <summary>Offers Auto for -ClusterCount in tab completion.</summary>
sealed class ClusterCountCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        if ("Auto".StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
            yield return new CompletionResult("Auto", "Auto", CompletionResultType.ParameterValue, "Choose the cluster count from -ClusterCountRange");
    }
}
