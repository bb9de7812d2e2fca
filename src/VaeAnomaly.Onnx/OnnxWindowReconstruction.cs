using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>A window autoencoder's reconstructions run by ONNX Runtime on its graph (<see cref="WindowAutoencoderGraph"/>, scaled input).</summary>
internal sealed class OnnxWindowReconstruction(InferenceSession session, string engine, int window, int channels) : IWindowReconstruction
{
    private static readonly string[] Inputs = ["values"];
    private static readonly string[] Outputs = ["reconstruction"];
    private readonly RunOptions options = new();

    /// <inheritdoc />
    public string Engine => engine;

    /// <inheritdoc />
    public float[] Reconstruct(SequenceSet windows)
    {
        if (windows.Count == 0)
        {
            return [];
        }

        var x = windows.Sequences.SelectMany(s => s.Values).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(x, [windows.Count, window, channels]);
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
