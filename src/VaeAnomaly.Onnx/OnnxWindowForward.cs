using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>A window-feature model's errors run by ONNX Runtime on its graph (<see cref="PcaGraph"/>, scaled input); the reduction stays the detector's.</summary>
internal sealed class OnnxWindowForward(InferenceSession session, string engine, WindowFeatureShape shape) : IWindowForward
{
    private static readonly string[] Inputs = ["values"];
    private static readonly string[] Outputs = ["squared_error"];
    private readonly RunOptions options = new();

    /// <inheritdoc />
    public string Engine => engine;

    /// <inheritdoc />
    public (float[] Scores, float[] Steps) Errors(SequenceSet windows)
    {
        if (windows.Count == 0)
        {
            return ([], []);
        }

        var x = windows.Sequences.SelectMany(s => s.Values).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(x, [windows.Count, shape.Window, shape.Channels.Count]);
        using var results = session.Run(options, Inputs, [input], Outputs);
        return shape.Reduce(results[0].GetTensorDataAsSpan<float>().ToArray(), windows.Count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        options.Dispose();
        session.Dispose();
    }
}
