using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// A window-feature model (<c>pca</c>, <c>knn</c>) as an ONNX graph: input <c>values</c> (batch, window, channels); the
/// flattened, scaled window against what the model expects of it; outputs the squared error of every value
/// (<c>squared_error</c>), its mean over the watched columns per step (<c>step_error</c>) and per window (<c>score</c>), as
/// <see cref="PcaModel"/> and <see cref="KnnModel"/> compute them. A model of records exported with raw input reads the
/// records' columns instead (<see cref="RecordsGraph"/>), each record a window of one step of its encoded inputs.
/// </summary>
internal static class WindowFeatureGraph
{
    /// <summary>Builds the graph of a fitted window-feature model.</summary>
    /// <param name="detector">The detector; its model a <see cref="PcaModel"/> or <see cref="KnnModel"/>.</param>
    /// <param name="rawInput">True for the exported file (the scaler as its first nodes); false for the engine, which hands it scaled windows.</param>
    public static ModelProto Build(WindowFeatureDetector detector, bool rawInput)
    {
        var shape = detector.Shape;
        var (window, c) = (shape.Window, shape.Channels.Count);
        var g = new OnnxGraph();
        var records = rawInput ? detector.Encoder : null;
        var values = records is null ? g.Input("values", "batch", window, c) : RecordsGraph.Encoded(g, records);
        var x = g.Node("Reshape", [rawInput ? g.Standardized(values, detector.Scaler) : values, g.Longs(-1, shape.Width)]);
        var (squaredFlat, score) = detector.Model switch
        {
            PcaModel pca => (Pca(g, x, pca, shape.Width), "each window's mean squared error over the watched columns against its reconstruction from the kept principal components"),
            KnnModel knn => (Knn(g, x, knn, shape.Width), $"each window's mean squared distance over the watched columns to its {Math.Min(KnnEstimator.Neighbours, knn.Bank)} nearest of {knn.Bank} stored training windows"),
            var other => throw new ArgumentException($"{detector.Name}: no graph for a {other.GetType().Name}"),
        };

        var squared = g.Node("Reshape", [squaredFlat, g.Longs(-1, window, c)]);
        var (steps, windowScore) = g.WatchedErrors(squared, shape.TargetIndices);
        g.Output(squared, "squared_error", "batch", window, c);
        g.Output(steps, "step_error", "batch", window);
        g.Output(windowScore, "score", "batch");
        var metadata = OnnxMetadata.Of(detector.Name, rawInput, shape.Channels, shape.Targets, window, detector.Scaler, detector.Thresholds, WindowFeatureShape.WindowSet);
        return records is null
            ? g.ToModel(metadata, OnnxMetadata.WindowDescription(detector.Name, window, c, score))
            : g.ToModel(RecordsGraph.With(metadata, records), RecordsGraph.Description(detector.Name, records, score.Replace("window", "record", StringComparison.Ordinal)));
    }

    /// <summary>(x - mean) minus its projection onto the kept components and back, squared: (batch, width).</summary>
    private static string Pca(OnnxGraph g, string x, PcaModel pca, int width)
    {
        var k = pca.Components;
        var transposed = new float[k * width];
        for (var i = 0; i < width; i++)
        {
            for (var j = 0; j < k; j++)
            {
                transposed[(j * width) + i] = pca.Basis[(i * k) + j];
            }
        }

        var centred = g.Node("Sub", [x, g.Floats(pca.Mean, width)]);
        var projected = g.Node("MatMul", [g.Node("MatMul", [centred, g.Floats(pca.Basis, width, k)]), g.Floats(transposed, k, width)]);
        var error = g.Node("Sub", [centred, projected]);
        return g.Node("Mul", [error, error]);
    }

    /// <summary>The squared differences to the nearest stored windows, averaged over them: (batch, width).</summary>
    private static string Knn(OnnxGraph g, string x, KnnModel knn, int width)
    {
        var (bank, k) = (knn.Bank, Math.Min(KnnEstimator.Neighbours, knn.Bank));
        var stored = g.Floats(knn.Windows, bank, width);
        var norms = new float[bank];
        for (var i = 0; i < bank; i++)
        {
            double sum = 0;
            for (var j = 0; j < width; j++)
            {
                sum += (double)knn.Windows[(i * width) + j] * knn.Windows[(i * width) + j];
            }

            norms[i] = (float)sum;
        }

        // |x - b|^2 = |x|^2 - 2 x.b + |b|^2, (batch, bank); the k smallest.
        var inner = g.Node("Gemm", [x, stored], null, ("transB", 1L), ("alpha", -2f));
        var distances = g.Node("Add", [g.Node("Add", [inner, g.Node("ReduceSum", [g.Node("Mul", [x, x]), g.Longs(1)], null, ("keepdims", 1L))]), g.Floats(norms, bank)]);
        var nearest = g.Nodes("TopK", [distances, g.Longs(k)], 2, null, ("largest", 0L), ("sorted", 1L))[1];   // (batch, k)
        var neighbours = g.Node("Gather", [stored, nearest], null, ("axis", 0L));                     // (batch, k, width)
        var difference = g.Node("Sub", [g.Node("Unsqueeze", [x, g.Longs(1)]), neighbours]);
        return g.Node("ReduceMean", [g.Node("Mul", [difference, difference])], null, ("axes", new long[] { 1 }), ("keepdims", 0L));
    }
}
