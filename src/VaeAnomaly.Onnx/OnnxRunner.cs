using Microsoft.ML.OnnxRuntime;

namespace VaeAnomaly.Onnx;

/// <summary>One ONNX Runtime session that an engine runs on float tensors named <c>values</c>; disposes the session.</summary>
/// <param name="session">The session (see <see cref="OnnxEngine.Session"/>).</param>
/// <param name="engine">The engine's name, as <c>--engine</c> takes it (<c>onnx</c>, <c>onnx-cuda</c>).</param>
internal abstract class OnnxRunner(InferenceSession session, string engine) : IDisposable
{
    private static readonly string[] Inputs = ["values"];
    private readonly RunOptions options = new();

    /// <summary>The engine's name.</summary>
    public string Engine => engine;

    /// <inheritdoc />
    public void Dispose()
    {
        options.Dispose();
        session.Dispose();
    }

    /// <summary>Runs the graph on <paramref name="values"/> of <paramref name="shape"/> and copies out the named outputs.</summary>
    /// <param name="values">Row-major input.</param>
    /// <param name="shape">Its dimensions.</param>
    /// <param name="outputs">The outputs wanted, in order.</param>
    protected float[][] Run(float[] values, long[] shape, string[] outputs)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var results = session.Run(options, Inputs, [input], outputs);
        return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
    }
}
