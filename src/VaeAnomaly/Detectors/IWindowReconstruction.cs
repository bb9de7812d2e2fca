using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>A window autoencoder's reconstructions as another engine computes them (ONNX Runtime: see the VaeAnomaly.Onnx library).</summary>
internal interface IWindowReconstruction : IDisposable
{
    /// <summary>The engine's name, as <c>--engine</c> takes it.</summary>
    string Engine { get; }

    /// <summary>The reconstruction of every window, scaled, row-major (window, step, channel).</summary>
    /// <param name="windows">Scaled windows of the model's length.</param>
    float[] Reconstruct(SequenceSet windows);
}
