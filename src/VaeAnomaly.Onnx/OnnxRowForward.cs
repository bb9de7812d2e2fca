using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>A row detector's scores run by ONNX Runtime on its graph (<see cref="RangeGraph"/>).</summary>
internal sealed class OnnxRowForward(InferenceSession session, string engine, int channels) : IRowForward
{
    private static readonly string[] Inputs = ["values"];
    private static readonly string[] Outputs = ["score"];
    private readonly RunOptions options = new();

    /// <inheritdoc />
    public string Engine => engine;

    /// <inheritdoc />
    public float[] Run(float[] values, int rows)
    {
        if (rows == 0)
        {
            return [];
        }

        using var input = OrtValue.CreateTensorValueFromMemory(values, [rows, channels]);
        using var results = session.Run(options, Inputs, [input], Outputs);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        options.Dispose();
        session.Dispose();
    }
}
