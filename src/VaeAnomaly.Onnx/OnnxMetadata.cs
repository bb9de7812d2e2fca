using System.Globalization;
using System.Text.Json;
using VaeAnomaly.Data;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Onnx;

/// <summary>The <c>vae_anomaly.*</c> metadata every exported graph carries: what it reads, in which order, and where it flags.</summary>
internal static class OnnxMetadata
{
    /// <summary>The metadata of one graph.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="rawInput">Whether the graph scales its input itself.</param>
    /// <param name="channels">The columns of the input, in order.</param>
    /// <param name="watched">The columns the scores measure.</param>
    /// <param name="window">Rows per input window (1 for a row detector).</param>
    /// <param name="scaler">The scaler, or null for a graph on raw values without one.</param>
    /// <param name="thresholds">The detector's thresholds.</param>
    /// <param name="scoreSet">The threshold set of the graph's <c>score</c> output.</param>
    public static Dictionary<string, string> Of(string model, bool rawInput, IReadOnlyList<string> channels, IEnumerable<string> watched, int window,
        Standardizer? scaler, ThresholdSet thresholds, string scoreSet)
    {
        var metadata = new Dictionary<string, string>
        {
            ["vae_anomaly.model"] = model,
            ["vae_anomaly.input"] = rawInput ? "raw" : "scaled",
            ["vae_anomaly.channels"] = JsonSerializer.Serialize(channels),
            ["vae_anomaly.watched"] = JsonSerializer.Serialize(watched),
            ["vae_anomaly.window"] = window.ToString(CultureInfo.InvariantCulture),
            ["vae_anomaly.threshold_rule"] = thresholds.Rule,
            ["vae_anomaly.threshold"] = thresholds.ValueOrNaN(scoreSet).ToString("R", CultureInfo.InvariantCulture),
        };
        if (scaler is not null)
        {
            metadata["vae_anomaly.scaler_mean"] = JsonSerializer.Serialize(scaler.Mean);
            metadata["vae_anomaly.scaler_std"] = JsonSerializer.Serialize(scaler.Std);
        }

        return metadata;
    }

    /// <summary>The doc string of a window model's graph.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="window">Rows per window.</param>
    /// <param name="channels">Columns.</param>
    /// <param name="score">What <c>score</c> is.</param>
    public static string WindowDescription(string model, int window, int channels, string score) =>
        $"VaeAnomaly {model}: input 'values' (batch, {window}, {channels}), raw, columns in the order of 'vae_anomaly.channels'; 'score' is {score}; "
        + "above 'vae_anomaly.threshold' is anomalous. Scores of a series point by point: score the window ending at each point.";
}
