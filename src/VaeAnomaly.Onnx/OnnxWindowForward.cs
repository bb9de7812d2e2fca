using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>A window-feature model's errors run by ONNX Runtime on its graph (<see cref="WindowFeatureGraph"/>, scaled input); the reduction stays the detector's.</summary>
internal sealed class OnnxWindowForward(InferenceSession session, string engine, WindowFeatureShape shape) : OnnxRunner(session, engine), IWindowForward
{
    private static readonly string[] Outputs = ["squared_error"];

    /// <inheritdoc />
    public (float[] Scores, float[] Steps) Errors(SequenceSet windows) => windows.Count == 0
        ? ([], [])
        : shape.Reduce(Run([.. windows.Sequences.SelectMany(s => s.Values)], [windows.Count, shape.Window, shape.Channels.Count], Outputs)[0], windows.Count);
}
