using Onnx;
using TorchSharp.Modules;
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
        var reconstruction = detector.Network switch
        {
            FlattenedWindows dense => Dense(g, scaled, dense.Inner, window, c),
            LstmAutoencoder lstm => Lstm(g, scaled, lstm),
            ConvAutoencoder conv => Conv(g, scaled, conv),
            var other => throw new ArgumentException($"{detector.Name}: no graph for a {other.GetType().Name}"),
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
    internal static string Dense(OnnxGraph g, string scaled, DenseNetwork network, int window, int c)
    {
        var x = g.Node("Reshape", [scaled, g.Longs(-1, window * c)]);
        foreach (var step in network.EvaluationSteps())
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
    private static string Lstm(OnnxGraph g, string scaled, LstmAutoencoder model)
    {
        var (encoder, decoder, toOutput) = model.Layers;
        var timeMajor = g.Node("Transpose", [scaled], null, ("perm", new long[] { 1, 0, 2 }));
        var code = LstmLayer(g, timeMajor, encoder)[1];                                          // (1, batch, hidden)
        var steps = g.Node("Slice", [g.Node("Shape", [timeMajor]), g.Longs(0), g.Longs(1)]);
        var repeated = g.Node("Expand", [code, g.Node("Concat", [steps, g.Longs(1), g.Longs(1)], null, ("axis", 0L))]);
        var decoded = g.Node("Squeeze", [LstmLayer(g, repeated, decoder)[0], g.Longs(1)]);       // (time, batch, hidden)
        var batchMajor = g.Node("Transpose", [decoded], null, ("perm", new long[] { 1, 0, 2 }));
        var weight = toOutput.weight!;
        return g.Node("Add", [
            g.Node("MatMul", [batchMajor, g.Floats(Transposed(WeightCopies.Values(weight), (int)weight.shape[0], (int)weight.shape[1]), weight.shape[1], weight.shape[0])]),
            g.Floats(WeightCopies.Values(toOutput.bias!), weight.shape[0])]);
    }

    /// <summary>An LSTM layer: outputs Y (steps, 1, batch, hidden) and Y_h (1, batch, hidden).</summary>
    /// <remarks>PyTorch stores the gates as input, forget, cell, output; ONNX reads input, output, forget, cell.</remarks>
    private static string[] LstmLayer(OnnxGraph g, string x, LSTM lstm)
    {
        var p = lstm.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var (ih, hh) = (p["weight_ih_l0"], p["weight_hh_l0"]);
        var (h, i) = ((int)hh.shape[1], (int)ih.shape[1]);
        float[] Reorder(float[] gates, int block) =>
            [.. gates.AsSpan(0, block), .. gates.AsSpan(3 * block, block), .. gates.AsSpan(block, block), .. gates.AsSpan(2 * block, block)];
        var bias = g.Floats([.. Reorder(WeightCopies.Values(p["bias_ih_l0"]), h), .. Reorder(WeightCopies.Values(p["bias_hh_l0"]), h)], 1, 8 * h);
        return g.Nodes("LSTM", [x, g.Floats(Reorder(WeightCopies.Values(ih), h * i), 1, 4 * h, i), g.Floats(Reorder(WeightCopies.Values(hh), h * h), 1, 4 * h, h), bias],
            2, null, ("hidden_size", (long)h));
    }

    /// <summary>Two convolutions with ReLU and max-pooling by 2 down, two with nearest upsampling by 2 and ReLU up, a last convolution.</summary>
    private static string Conv(OnnxGraph g, string scaled, ConvAutoencoder model)
    {
        var layers = model.Layers;
        string Convolve(string x, UnfoldConv1d layer)
        {
            using var weight = layer.Weight;
            var shape = weight.shape;
            return g.Node("Conv", [x, g.Floats(WeightCopies.Values(weight), shape), g.Floats(WeightCopies.Values(layer.Bias), shape[0])], null,
                ("kernel_shape", new[] { shape[2] }), ("pads", new[] { shape[2] / 2, shape[2] / 2 }));
        }

        string Pool(string x) => g.Node("MaxPool", [x], null, ("kernel_shape", new long[] { 2 }), ("strides", new long[] { 2 }));

        // Each step twice along time: (batch, filters, time) -> (batch, filters, time, 2) -> (batch, filters, 2 time).
        string Upsample(string x) =>
            g.Node("Reshape", [g.Node("Expand", [g.Node("Unsqueeze", [x, g.Longs(3)]), g.Longs(1, 1, 1, 2)]), g.Longs(0, 0, -1)]);

        var x = g.Node("Transpose", [scaled], null, ("perm", new long[] { 0, 2, 1 }));           // (batch, channels, time)
        var h = Pool(g.Node("Relu", [Convolve(x, layers[0])]));
        var code = Pool(g.Node("Relu", [Convolve(h, layers[1])]));
        var up = g.Node("Relu", [Convolve(Upsample(code), layers[2])]);
        var y = Convolve(g.Node("Relu", [Convolve(Upsample(up), layers[3])]), layers[4]);
        return g.Node("Transpose", [y], null, ("perm", new long[] { 0, 2, 1 }));
    }

    private static float[] Transposed(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var k = 0; k < columns; k++)
            {
                result[(k * rows) + r] = values[(r * columns) + k];
            }
        }

        return result;
    }
}
