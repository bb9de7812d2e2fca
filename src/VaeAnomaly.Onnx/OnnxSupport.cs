using Microsoft.ML.OnnxRuntime;
using Onnx;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Onnx;

/// <summary>
/// What ONNX can do with one fitted detector, in one place: its graph, how ONNX Runtime attaches to it as its engine,
/// or why not. Exporting a new model kind: its graph file, its engine runner, and one line here.
/// </summary>
/// <param name="Graph">Builds the graph: with raw input (the exported file) or scaled input (the engine); null when refused.</param>
/// <param name="Attach">Hands the detector a runner on a session of the engine's graph, named as given; null when refused.</param>
/// <param name="Refusal">Why the model cannot be exported (and so not run by the engine either), or null.</param>
/// <param name="EngineRefusal">Why the exported graph cannot stand in for the detector's own scoring, or null.</param>
internal sealed record OnnxSupport(Func<bool, ModelProto>? Graph, Action<InferenceSession, string>? Attach, string? Refusal = null, string? EngineRefusal = null)
{
    /// <summary>The support of <paramref name="detector"/>.</summary>
    /// <param name="detector">A fitted detector.</param>
    public static OnnxSupport Of(IFittedDetector detector) => detector switch
    {
        GruVaeDetector { Options.Window: > 0, WindowScoring: null } => Refused(
            "this GRU-VAE bundle has no window-score combiner (it was written before point scores from windows existed); train it again to export it"),
        GruVaeDetector gru when gru.ScoringOptions.McSamples > 0 => Refused(
            $"its scores average {gru.ScoringOptions.McSamples} sampled decodings (--mc-samples), and the graph is the posterior-mean path; train with --mc-samples 0 to export it"),
        GruVaeDetector gru => new(raw => GruVaeGraph.Build(gru, raw), (s, e) => gru.UseForward(new OnnxGruVaeForward(s, e, gru.Channels.Count))),
        RangeDetector range => new(_ => RangeGraph.Build(range), (s, e) => range.UseForward(new OnnxRowForward(s, e, range.Channels.Count))),
        GaussianDetector gaussian => new(raw => GaussianGraph.Build(gaussian, raw), (s, e) => gaussian.UseForward(new OnnxHistoryForward(s, e, gaussian, (gaussian.State.Window, gaussian.State.History))))
        {
            EngineRefusal = gaussian.State.History.Length / gaussian.State.Floor.Length < gaussian.State.Window
                ? $"This gaussian was trained and validated on {gaussian.State.History.Length / gaussian.State.Floor.Length} rows, fewer than its window of {gaussian.State.Window}: "
                    + "its first rows are judged against a shorter history, which the graph's fixed window does not express. Use the default engine, or train on more rows."
                : null,
        },
        SeasonalDetector seasonal => new(raw => SeasonalGraph.Build(seasonal, raw), (s, e) => seasonal.UseForward(new OnnxHistoryForward(s, e, seasonal, (seasonal.Lookback - 1, seasonal.State.History))))
        {
            EngineRefusal = seasonal.State.History.Length / seasonal.State.Floor.Length < seasonal.Lookback - 1
                ? $"This seasonal was trained on {seasonal.State.History.Length / seasonal.State.Floor.Length} rows, fewer than the {seasonal.Lookback - 1} its graph reads before a row (3 periods and its window): "
                    + "its first rows are judged against a shorter history, which the graph's fixed rows do not express. Use the default engine, or train on more rows."
                : null,
        },
        WindowFeatureDetector { Model: PcaModel or KnnModel or IsolationForestModel } windows =>
            new(raw => WindowFeatureGraph.Build(windows, raw), (s, e) => windows.UseForward(new OnnxWindowForward(s, e, windows.Shape))),
        WindowAutoencoderDetector autoencoder => new(raw => WindowAutoencoderGraph.Build(autoencoder, raw),
            (s, e) => autoencoder.UseForward(new OnnxWindowReconstruction(s, e, autoencoder.Window, autoencoder.Channels.Count))),
        DenseDetector dense => new(raw => DenseSequenceGraph.Build(dense, raw),
            (s, e) => dense.UseForward(new OnnxWindowReconstruction(s, e, dense.Input.Length, dense.Channels.Count))),
        RecordFeatureDetector { Inner: { Model: PcaModel or KnnModel or IsolationForestModel } inner } =>
            new(raw => WindowFeatureGraph.Build(inner, raw), (s, e) => inner.UseForward(new OnnxWindowForward(s, e, inner.Shape))),
        _ => Refused($"{detector.Name} has no ONNX graph yet: the GRU-VAE, the window autoencoders (dense-ae, dense-vae, lstm-ae, conv-ae), the dense "
            + "models of fixed-length sequences and of records, pca, knn, iforest, range, gaussian and seasonal are exported"),
    };

    /// <summary>The graph, or the refusal as an <see cref="ArgumentException"/>.</summary>
    /// <param name="rawInput">Raw input (the exported file) or scaled input (the engine).</param>
    public ModelProto Build(bool rawInput) =>
        Graph is { } graph && Refusal is null ? graph(rawInput) : throw new ArgumentException($"The model cannot be exported to ONNX: {Refusal}.");

    private static OnnxSupport Refused(string why) => new(null, null, why);
}
