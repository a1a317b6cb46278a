using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace AudioCluster.Encoders;

/// <summary>Reads a PyTorch state dict (torch.save of a module's state_dict) into named tensors.</summary>
internal static class TorchStateDict
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        Hashtable raw;
        try
        {
            using var stream = File.OpenRead(path);
            raw = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"'{path}' is not a PyTorch state dict saved with torch.save: {e.Message}", e);
        }
        var state = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in raw)
            if (entry.Value is Tensor t) state[(string)entry.Key] = t;
        return state;
    }
}
