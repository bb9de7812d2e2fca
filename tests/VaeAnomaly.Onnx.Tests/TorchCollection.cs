namespace VaeAnomaly.Onnx.Tests;

/// <summary>Tests that touch libtorch share its global seed and threads, so they never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "libtorch";
}
