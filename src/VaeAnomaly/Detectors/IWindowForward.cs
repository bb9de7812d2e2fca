using VaeAnomaly.Data;

namespace VaeAnomaly.Detectors;

/// <summary>A window-feature model's errors as another engine computes them (ONNX Runtime: see the VaeAnomaly.Onnx library).</summary>
internal interface IWindowForward : IDisposable
{
    /// <summary>The engine's name, as <c>--engine</c> takes it.</summary>
    string Engine { get; }

    /// <summary>As <see cref="IWindowErrors.Errors"/>: per window its score, per step its error.</summary>
    /// <param name="windows">Scaled windows of the model's length.</param>
    (float[] Scores, float[] Steps) Errors(SequenceSet windows);
}
