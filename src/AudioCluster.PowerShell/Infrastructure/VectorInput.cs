using System.Collections;
using System.Management.Automation;
using AudioCluster.Encoders;

namespace AudioCluster.PowerShell.Infrastructure;

/// <summary>One pipeline object reduced to what clustering needs: its vector, source and label.</summary>
sealed record VectorItem(float[] Vector, string Source, string? Label, PSObject Original);

static class VectorInput
{
    /// <summary>Reads an AudioEmbedding, or any object with a numeric Vector property.</summary>
    public static VectorItem Read(PSObject input, int index)
    {
        if (input.BaseObject is AudioEmbedding e) return new VectorItem(e.Vector, e.Source, e.Label, input);
        var value = input.Properties["Vector"]?.Value;
        if (value is PSObject wrapped) value = wrapped.BaseObject;
        var vector = value switch
        {
            float[] f => f,
            double[] d => Array.ConvertAll(d, x => (float)x),
            IEnumerable items and not string => ToFloats(items, index),
            _ => throw new ArgumentException($"Input {index} has no numeric 'Vector' property (got {(value == null ? "none" : value.GetType().Name)}); pipe AudioEmbedding objects or objects with a float[] Vector."),
        };
        var source = Text(input, "Source") ?? Text(input, "FullName") ?? Text(input, "Path") ?? Text(input, "Name") ?? $"#{index}";
        return new VectorItem(vector, source, Text(input, "Label"), input);
    }

    /// <summary>
    /// The output for one input: the typed result, carrying along (as note properties) the
    /// input's own properties that the result does not have, so objects from other tools keep
    /// their data through the pipeline.
    /// </summary>
    public static PSObject WithInputProperties(object result, VectorItem item)
    {
        var output = PSObject.AsPSObject(result);
        // Of an AudioEmbedding, only what was added to it (carried from an earlier step) is the input's
        // own data; its typed properties (Encoder, Dimensions) do not belong on the result.
        bool typed = item.Original.BaseObject is AudioEmbedding;
        foreach (var property in item.Original.Properties)
        {
            if (typed && property is not PSNoteProperty) continue;
            if (property.Name == "Vector" || output.Properties[property.Name] != null) continue;
            object? value;
            try { value = property.Value; }
            catch (GetValueException) { continue; }
            output.Properties.Add(new PSNoteProperty(property.Name, value));
        }
        return output;
    }

    public static string? Text(PSObject input, string property)
    {
        var value = input.Properties[property]?.Value;
        return value == null ? null : LanguagePrimitives.ConvertTo<string>(value);
    }

    public static float[] ToFloats(IEnumerable items, int index)
    {
        var list = new List<float>();
        foreach (var item in items)
        {
            try
            {
                list.Add(LanguagePrimitives.ConvertTo<float>(item));
            }
            catch (PSInvalidCastException)
            {
                throw new ArgumentException($"Input {index}: Vector holds a non-numeric value '{item}'.");
            }
        }
        return list.ToArray();
    }
}
