namespace VaeAnomaly.Onnx;

/// <summary>Where ONNX Runtime runs a graph.</summary>
public enum OnnxDevice
{
    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,

    /// <summary>ONNX Runtime's CUDA execution provider (an NVIDIA GPU and the Microsoft.ML.OnnxRuntime.Gpu.Linux build).</summary>
    Cuda,
}
