using Onnx;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Performance;

namespace VaeAnomaly.Onnx;

/// <summary>
/// A window autoencoder (<c>dense-ae</c> and <c>dense-vae</c> on windows, <c>lstm-ae</c>, <c>conv-ae</c>) as an ONNX graph:
/// input <c>values</c> (batch, window, channels); the network's evaluation path (<c>Gemm</c>/<c>Relu</c>/<c>Sigmoid</c>,
/// <c>LSTM</c>, or <c>Conv</c>/<c>MaxPool</c>; the VAE decodes its posterior mean; dropout is the identity); outputs the
/// reconstruction, each step's mean squared error over the watched columns (<c>step_error</c>) and each window's mean
/// (<c>score</c>), as the detector computes them.
/// </summary>
internal static class WindowAutoencoderGraph
{
    /// <summary>Builds the graph of a fitted window autoencoder.</summary>
    /// <param name="detector">The detector.</param>
    /// <param name="rawInput">True for the exported file (the scaler first, the reconstruction in the data's units); false for the engine.</param>
    public static ModelProto Build(WindowAutoencoderDetector detector, bool rawInput)
    {
        var shape = detector.WindowShape;
        var (window, c) = (shape.Window, shape.Channels.Count);
        var g = new OnnxGraph();
        var values = g.Input("values", "batch", window, c);
        var scaled = rawInput ? g.Standardized(values, detector.Scaler) : values;
        var state = detector.State;
        var reconstruction = shape.Family switch
        {
            WindowNetworks.Dense => Dense(g, scaled, NetworkState.DenseSteps(state, shape.Options, window * c, NetworkState.FlattenedPrefix), window, c),
            WindowNetworks.Lstm => Lstm(g, scaled, state),
            WindowNetworks.Conv => Conv(g, scaled, state),
            var other => throw new ArgumentException($"{detector.Name}: no graph for the {other} family"),
        };

        var difference = g.Node("Sub", [reconstruction, scaled]);
        var (steps, score) = g.WatchedErrors(g.Node("Mul", [difference, difference]), shape.TargetIndices);
        var scaler = detector.Scaler;
        var output = rawInput
            ? g.Node("Add", [g.Node("Mul", [reconstruction, g.Floats([.. scaler.Std.Select(v => (float)v)], c)]), g.Floats([.. scaler.Mean.Select(v => (float)v)], c)])
            : reconstruction;
        g.Output(output, "reconstruction", "batch", window, c);
        g.Output(steps, "step_error", "batch", window);
        g.Output(score, "score", "batch");
        return g.ToModel(
            OnnxMetadata.Of(detector.Name, rawInput, shape.Channels, shape.TargetIndices.Select(i => shape.Channels[i]), window, scaler, detector.Thresholds, WindowAutoencoderDetector.WindowSet),
            OnnxMetadata.WindowDescription(detector.Name, window, c, "each window's mean squared reconstruction error over the watched columns"));
    }

    /// <summary>The flattened window through the dense network's evaluation steps.</summary>
    internal static string Dense(OnnxGraph g, string scaled, IReadOnlyList<DenseStep> steps, int window, int c)
    {
        var x = g.Node("Reshape", [scaled, g.Longs(-1, window * c)]);
        foreach (var step in steps)
        {
            x = step.Op switch
            {
                "linear" => g.Node("Gemm", [x, g.Floats(step.Weight, step.Output, step.Input), g.Floats(step.Bias, step.Output)], null, ("transB", 1L)),
                "relu" => g.Node("Relu", [x]),
                "sigmoid" => g.Node("Sigmoid", [x]),
                _ => throw new InvalidOperationException($"Unknown dense step {step.Op}."),
            };
        }

        return g.Node("Reshape", [x, g.Longs(-1, window, c)]);
    }

    /// <summary>Encoder LSTM, its last state repeated over the window, decoder LSTM, a per-step linear map.</summary>
    private static string Lstm(OnnxGraph g, string scaled, IReadOnlyDictionary<string, StoredTensor> state)
    {
        var timeMajor = g.Node("Transpose", [scaled], null, ("perm", new long[] { 1, 0, 2 }));
        var code = LstmLayer(g, timeMajor, state, "encoder")[1];                                          // (1, batch, hidden)
        var steps = g.Node("Slice", [g.Node("Shape", [timeMajor]), g.Longs(0), g.Longs(1)]);
        var repeated = g.Node("Expand", [code, g.Node("Concat", [steps, g.Longs(1), g.Longs(1)], null, ("axis", 0L))]);
        var decoded = g.Node("Squeeze", [LstmLayer(g, repeated, state, "decoder")[0], g.Longs(1)]);       // (time, batch, hidden)
        var batchMajor = g.Node("Transpose", [decoded], null, ("perm", new long[] { 1, 0, 2 }));
        var weight = state["toOutput.weight"];
        return g.Node("Add", [
            g.Node("MatMul", [batchMajor, g.Floats(WeightCopies.Transposed(weight), weight.Shape[1], weight.Shape[0])]),
            g.Floats(state["toOutput.bias"].Values, weight.Shape[0])]);
    }

    /// <summary>An LSTM layer: outputs Y (steps, 1, batch, hidden) and Y_h (1, batch, hidden).</summary>
    /// <remarks>PyTorch stores the gates as input, forget, cell, output; ONNX reads input, output, forget, cell.</remarks>
    private static string[] LstmLayer(OnnxGraph g, string x, IReadOnlyDictionary<string, StoredTensor> state, string name)
    {
        float[] P(string tensor) => state[$"{name}.{tensor}"].Values;
        var (h, i) = ((int)state[$"{name}.weight_hh_l0"].Shape[1], (int)state[$"{name}.weight_ih_l0"].Shape[1]);
        float[] Reorder(float[] gates, int block) =>
            [.. gates.AsSpan(0, block), .. gates.AsSpan(3 * block, block), .. gates.AsSpan(block, block), .. gates.AsSpan(2 * block, block)];
        var bias = g.Floats([.. Reorder(P("bias_ih_l0"), h), .. Reorder(P("bias_hh_l0"), h)], 1, 8 * h);
        return g.Nodes("LSTM", [x, g.Floats(Reorder(P("weight_ih_l0"), h * i), 1, 4 * h, i), g.Floats(Reorder(P("weight_hh_l0"), h * h), 1, 4 * h, h), bias],
            2, null, ("hidden_size", (long)h));
    }

    /// <summary>Two convolutions with ReLU and max-pooling by 2 down, two with nearest upsampling by 2 and ReLU up, a last convolution.</summary>
    private static string Conv(OnnxGraph g, string scaled, IReadOnlyDictionary<string, StoredTensor> state)
    {
        // The unfolded convolution stores (outputs, inputs x kernel): ONNX's (outputs, inputs, kernel) in the same order.
        string Convolve(string x, string layer)
        {
            var weight = state[$"{layer}.weight"];
            var (outputs, kernel) = (weight.Shape[0], NetworkState.ConvKernel);
            return g.Node("Conv", [x, g.Floats(weight.Values, outputs, weight.Shape[1] / kernel, kernel), g.Floats(state[$"{layer}.bias"].Values, outputs)], null,
                ("kernel_shape", new[] { (long)kernel }), ("pads", new[] { (long)kernel / 2, (long)kernel / 2 }));
        }

        string Pool(string x) => g.Node("MaxPool", [x], null, ("kernel_shape", new long[] { 2 }), ("strides", new long[] { 2 }));

        // Each step twice along time: (batch, filters, time) -> (batch, filters, time, 2) -> (batch, filters, 2 time).
        string Upsample(string x) =>
            g.Node("Reshape", [g.Node("Expand", [g.Node("Unsqueeze", [x, g.Longs(3)]), g.Longs(1, 1, 1, 2)]), g.Longs(0, 0, -1)]);

        var x = g.Node("Transpose", [scaled], null, ("perm", new long[] { 0, 2, 1 }));           // (batch, channels, time)
        var h = Pool(g.Node("Relu", [Convolve(x, "down1")]));
        var code = Pool(g.Node("Relu", [Convolve(h, "down2")]));
        var up = g.Node("Relu", [Convolve(Upsample(code), "up1")]);
        var y = Convolve(g.Node("Relu", [Convolve(Upsample(up), "up2")]), "output");
        return g.Node("Transpose", [y], null, ("perm", new long[] { 0, 2, 1 }));
    }
}
