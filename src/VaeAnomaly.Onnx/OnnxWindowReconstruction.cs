using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>A window autoencoder's reconstructions run by ONNX Runtime on its graph (<see cref="WindowAutoencoderGraph"/>, scaled input).</summary>
internal sealed class OnnxWindowReconstruction(InferenceSession session, string engine, int window, int channels) : OnnxRunner(session, engine), IWindowReconstruction
{
    private static readonly string[] Outputs = ["reconstruction"];

    /// <inheritdoc />
    public float[] Reconstruct(SequenceSet windows) =>
        windows.Count == 0 ? [] : Run([.. windows.Sequences.SelectMany(s => s.Values)], [windows.Count, window, channels], Outputs)[0];
}
