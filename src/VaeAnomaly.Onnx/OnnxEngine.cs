using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// ONNX Runtime as a detector's scoring engine (<c>--engine onnx</c>): the detector's graph, built from the bundle in memory,
/// replaces the fused C# kernels for every posterior-mean score; thresholds, windows and point scores stay the detector's.
/// </summary>
public static class OnnxEngine
{
    /// <summary>The engine's name on the command line.</summary>
    public const string Name = "onnx";

    /// <summary>ONNX Runtime's execution providers in this build (<c>CPUExecutionProvider</c>, and <c>CUDAExecutionProvider</c> in a GPU build).</summary>
    public static IReadOnlyList<string> Providers => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>Makes <paramref name="detector"/> score through ONNX Runtime.</summary>
    /// <param name="detector">A fitted detector that <see cref="OnnxExport.Refusal"/> accepts.</param>
    /// <param name="device">CPU, or CUDA where this build has ONNX Runtime's CUDA provider and a GPU is present.</param>
    /// <param name="threads">Threads of one graph run; 0 for every core.</param>
    /// <exception cref="ArgumentException">The model has no ONNX graph, or the device is not available (the reason).</exception>
    public static void Attach(IFittedDetector detector, OnnxDevice device = OnnxDevice.Cpu, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var support = OnnxSupport.Of(detector);
        var model = support.Build(rawInput: false).ToByteArray();
        if (support.EngineRefusal is { } why)
        {
            throw new ArgumentException(why);
        }

        var session = Session(model, device, threads);
        try
        {
            support.Attach!(session, device == OnnxDevice.Cuda ? "onnx-cuda" : Name);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>A session of <paramref name="model"/> with every graph optimisation.</summary>
    /// <param name="model">An ONNX model's bytes.</param>
    /// <param name="device">Where it runs.</param>
    /// <param name="threads">Intra-op threads; 0 for every core.</param>
    /// <exception cref="ArgumentException">CUDA was asked for where it is not available.</exception>
    public static InferenceSession Session(byte[] model, OnnxDevice device = OnnxDevice.Cpu, int threads = 0)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount,
        };
        if (device == OnnxDevice.Cuda)
        {
            if (!Providers.Contains("CUDAExecutionProvider"))
            {
                throw new ArgumentException(
                    $"--device cuda needs ONNX Runtime's CUDA execution provider; this build has {string.Join(", ", Providers)}. A GPU build (dotnet build -p:OnnxGpu=true) "
                    + "references Microsoft.ML.OnnxRuntime.Gpu.Linux in place of Microsoft.ML.OnnxRuntime and runs on an NVIDIA GPU with CUDA 13 and cuDNN 9 (docs/onnx.md); or use --device cpu.");
            }

            try
            {
                options.AppendExecutionProvider_CUDA(0);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ArgumentException($"--device cuda: ONNX Runtime could not start its CUDA provider (no usable GPU, or CUDA or cuDNN missing): {e.Message}");
            }
        }

        return new InferenceSession(model, options);
    }
}
