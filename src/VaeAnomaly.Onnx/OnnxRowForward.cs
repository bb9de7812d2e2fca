using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>A row detector's scores run by ONNX Runtime on its graph (<see cref="RangeGraph"/>).</summary>
internal sealed class OnnxRowForward(InferenceSession session, string engine, int channels) : OnnxRunner(session, engine), IRowForward
{
    private static readonly string[] Outputs = ["score"];

    /// <inheritdoc />
    public float[] Run(float[] values, int rows) => rows == 0 ? [] : Run(values, [rows, channels], Outputs)[0];
}
