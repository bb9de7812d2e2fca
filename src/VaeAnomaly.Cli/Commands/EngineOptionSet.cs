using System.CommandLine;
using VaeAnomaly.Detectors;
using VaeAnomaly.Onnx;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>--engine</c> and <c>--device</c>: which engine computes a bundle's scores, for the commands that score.</summary>
internal sealed class EngineOptionSet
{
    public Option<string> Engine { get; } = new Option<string>("--engine")
    {
        Description = "What computes the scores: default (the fused C# kernels) or onnx (ONNX Runtime running the bundle's graph: every model but the dense models of records; the GRU-VAE's posterior-mean scores).",
        DefaultValueFactory = _ => "default",
    };

    public Option<string> Device { get; } = new Option<string>("--device")
    {
        Description = "Where --engine onnx runs: cpu, or cuda (ONNX Runtime's CUDA provider: a GPU build and an NVIDIA GPU).",
        DefaultValueFactory = _ => "cpu",
    };

    public EngineOptionSet()
    {
        Engine.AcceptOnlyFromAmong("default", OnnxEngine.Name);
        Device.AcceptOnlyFromAmong("cpu", "cuda");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Engine);
        command.Options.Add(Device);
    }

    /// <summary>Loads the bundle and, with <c>--engine onnx</c>, makes it score through ONNX Runtime.</summary>
    /// <param name="r">The parsed command line.</param>
    /// <param name="bundle">The bundle folder.</param>
    /// <param name="threshold">The threshold rule, or null for the bundle's own.</param>
    /// <exception cref="ArgumentException">--device without --engine onnx, a model without an ONNX graph, or a device that is not there.</exception>
    public IFittedDetector Load(ParseResult r, string bundle, string? threshold)
    {
        var onnx = r.GetValue(Engine) == OnnxEngine.Name;
        var device = r.GetValue(Device) == "cuda" ? OnnxDevice.Cuda : OnnxDevice.Cpu;
        if (!onnx && device == OnnxDevice.Cuda)
        {
            throw new ArgumentException("--device cuda runs ONNX Runtime's CUDA provider; add --engine onnx (the default engine runs on the CPU).");
        }

        var loaded = DetectorRegistry.Load(bundle, threshold);
        if (onnx)
        {
            try
            {
                OnnxEngine.Attach(loaded, device);
            }
            catch
            {
                loaded.Dispose();
                throw;
            }
        }

        return loaded;
    }
}
