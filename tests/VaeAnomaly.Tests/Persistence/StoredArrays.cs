using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Persistence;

/// <summary>
/// Named arrays held as a libtorch module's parameters, never trained: how a model fitted in closed form (a PCA's
/// components, a k-NN's training windows) was saved until 2026-12-07, kept as the reference that
/// <c>WeightsFile.SaveArrays</c> must match byte for byte.
/// </summary>
internal sealed class StoredArrays : nn.Module
{
    /// <summary>Zero-filled arrays of the given shapes, to be loaded from a bundle.</summary>
    /// <param name="shapes">Name to shape.</param>
    public StoredArrays(IReadOnlyDictionary<string, long[]> shapes)
        : base(nameof(StoredArrays))
    {
        foreach (var (name, shape) in shapes)
        {
            // Detached from any dispose scope the caller has open: the arrays live as long as the module.
            register_parameter(name, new TorchSharp.Modules.Parameter(zeros(shape, ScalarType.Float32).DetachFromDisposeScope(), requires_grad: false));
        }
    }

    /// <summary>Arrays with their values.</summary>
    /// <param name="arrays">Name to values (row-major) and shape.</param>
    public static StoredArrays Of(IReadOnlyDictionary<string, (float[] Values, long[] Shape)> arrays)
    {
        var stored = new StoredArrays(arrays.ToDictionary(kv => kv.Key, kv => kv.Value.Shape));
        using var noGrad = no_grad();
        foreach (var (name, (values, shape)) in arrays)
        {
            using var source = tensor(values, shape);
            stored.get_parameter(name)!.copy_(source);
        }

        return stored;
    }
}
