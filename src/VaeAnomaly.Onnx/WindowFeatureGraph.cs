using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// A window-feature model (<c>pca</c>, <c>knn</c>, <c>iforest</c>) as an ONNX graph: input <c>values</c> (batch, window, channels); the
/// flattened, scaled window against what the model expects of it; outputs the squared error of every value
/// (<c>squared_error</c>), its mean over the watched columns per step (<c>step_error</c>) and per window (<c>score</c>), as
/// <see cref="PcaModel"/>, <see cref="KnnModel"/> and <see cref="IsolationForestModel"/> compute them. A model of records exported with raw input reads the
/// records' columns instead (<see cref="RecordsGraph"/>), each record a window of one step of its encoded inputs.
/// </summary>
internal static class WindowFeatureGraph
{
    /// <summary>Builds the graph of a fitted window-feature model.</summary>
    /// <param name="detector">The detector; its model a <see cref="PcaModel"/>, <see cref="KnnModel"/> or <see cref="IsolationForestModel"/>.</param>
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
            IsolationForestModel forest => (Forest(g, x, forest, shape.Width), $"each window's isolation score by {forest.Roots.Count} trees of {forest.Samples} training windows, weighted by the watched columns' share of the cuts that isolated it"),
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

    /// <summary>
    /// The forest as ai.onnx.ml's TreeEnsembleRegressor, summing over the trees a vector per leaf: its path length, and per
    /// value the narrowing of the cuts on it along the leaf's path (what <see cref="IsolationForestModel"/> credits as it
    /// walks the path); then the paper's score, spread over the values by their shares: (batch, width).
    /// </summary>
    private static string Forest(OnnxGraph g, string x, IsolationForestModel forest, int width)
    {
        var (nodes, targets) = (new List<(long Tree, long Node, long Value, float Cut, string Mode, long Left, long Right)>(), new List<(long Tree, long Node, long Target, float Weight)>());
        for (var t = 0; t < forest.Roots.Count; t++)
        {
            var root = forest.Roots[t];
            var end = t + 1 < forest.Roots.Count ? forest.Roots[t + 1] : forest.Values.Count;
            var credit = new Dictionary<int, double>[end - root];
            credit[0] = [];
            for (var i = root; i < end; i++)
            {
                var (local, f) = (i - root, forest.Values[i]);
                if (f < 0)
                {
                    nodes.Add((t, local, 0, 0, "LEAF", 0, 0));
                    targets.Add((t, local, 0, forest.Lengths[i]));
                    targets.AddRange(credit[local].OrderBy(c => c.Key).Select(c => ((long)t, (long)local, (long)c.Key + 1, (float)c.Value)));
                    continue;
                }

                // Children come after their parent in a tree: each inherits its path's credit and the cut's own.
                nodes.Add((t, local, f, forest.Cuts[i], "BRANCH_LEQ", forest.Left[i] - root, forest.Right[i] - root));
                foreach (var child in (int[])[forest.Left[i], forest.Right[i]])
                {
                    var inherited = new Dictionary<int, double>(credit[local]);
                    inherited[f] = inherited.GetValueOrDefault(f) + Math.Log2((double)forest.Sizes[i] / forest.Sizes[child]);
                    credit[child - root] = inherited;
                }
            }
        }

        var summed = g.MlNode("TreeEnsembleRegressor", [x],
            ("n_targets", (long)width + 1),
            ("nodes_treeids", nodes.Select(n => n.Tree).ToArray()),
            ("nodes_nodeids", nodes.Select(n => n.Node).ToArray()),
            ("nodes_featureids", nodes.Select(n => n.Value).ToArray()),
            ("nodes_values", nodes.Select(n => n.Cut).ToArray()),
            ("nodes_modes", nodes.Select(n => n.Mode).ToArray()),
            ("nodes_truenodeids", nodes.Select(n => n.Left).ToArray()),
            ("nodes_falsenodeids", nodes.Select(n => n.Right).ToArray()),
            ("target_treeids", targets.Select(e => e.Tree).ToArray()),
            ("target_nodeids", targets.Select(e => e.Node).ToArray()),
            ("target_ids", targets.Select(e => e.Target).ToArray()),
            ("target_weights", targets.Select(e => e.Weight).ToArray()),
            ("aggregate_function", "SUM"),
            ("post_transform", "NONE")); // (batch, 1 + width)
        var lengths = g.Node("Slice", [summed, g.Longs(0), g.Longs(1), g.Longs(1)]);
        var credits = g.Node("Slice", [summed, g.Longs(1), g.Longs(width + 1), g.Longs(1)]);
        var credited = g.Node("ReduceSum", [credits, g.Longs(1)], null, ("keepdims", 1L));

        // 2^(-(lengths / trees) / c(ψ)) as exp(lengths * -ln 2 / (trees c(ψ))); even shares where no tree cut (every training window alike).
        var score = g.Node("Exp", [g.Node("Mul", [lengths, g.Scalar((float)(-Math.Log(2) / (forest.Roots.Count * forest.Normaliser)))])]);
        var shares = g.Node("Where", [g.Node("Greater", [credited, g.Scalar(0)]), g.Node("Div", [credits, g.Node("Max", [credited, g.Scalar(float.Epsilon)])]), g.Scalar(1f / width)]);
        return g.Node("Mul", [shares, g.Node("Mul", [score, g.Scalar(width)])]);
    }
}
