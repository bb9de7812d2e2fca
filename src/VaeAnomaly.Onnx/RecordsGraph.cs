using System.Text.Json;
using VaeAnomaly.Data;

namespace VaeAnomaly.Onnx;

/// <summary>
/// The tool's encoder of CSV records as the first nodes of an exported graph, so a model of records is served from raw
/// columns: inputs <c>numbers</c> (batch, numeric columns), floats in the encoder's order, a NaN a gap, and <c>text</c>
/// (batch, text columns), strings; the numbers z-scored by the training mean and spread (clipped, a gap as the mean, as
/// <see cref="TabularEncoder.Encode(TabularRecord)"/> does) and each text column one-hot by its training values (ai.onnx.ml's
/// OneHotEncoder: a value training never saw is all zeros), concatenated into (batch, 1, inputs) for the model's nodes.
/// </summary>
internal static class RecordsGraph
{
    /// <summary>Declares the raw inputs and encodes them; returns the encoded (batch, 1, inputs) value.</summary>
    /// <param name="g">The graph being built.</param>
    /// <param name="encoder">The model's encoder.</param>
    public static string Encoded(OnnxGraph g, TabularEncoder encoder)
    {
        var parts = new List<string>();
        if (encoder.NumericNames.Count > 0)
        {
            var numbers = g.Input("numbers", "batch", encoder.NumericNames.Count);
            var scaled = g.Standardized(numbers, new Standardizer(encoder.Mean, encoder.Std));
            parts.Add(g.Node("Where", [g.Node("IsNaN", [numbers]), g.Scalar(0f), scaled]));
        }

        if (encoder.TextNames.Count > 0)
        {
            var text = g.StringInput("text", "batch", encoder.TextNames.Count);
            for (var t = 0; t < encoder.TextNames.Count; t++)
            {
                var column = g.Node("Gather", [text, g.Longs(t)], null, ("axis", 1L)); // (batch, 1)
                var flat = g.Node("Reshape", [column, g.Longs(-1)]);
                parts.Add(g.OneHot(flat, encoder.Categories[t]));
            }
        }

        var joined = parts.Count == 1 ? parts[0] : g.Node("Concat", [.. parts], null, ("axis", 1L));
        return g.Node("Reshape", [joined, g.Longs(-1, 1, encoder.Width)]);
    }

    /// <summary>What a records graph's metadata says besides every graph's: its input kind and the columns of each input.</summary>
    /// <param name="metadata">The graph's metadata, added to.</param>
    /// <param name="encoder">The model's encoder.</param>
    public static Dictionary<string, string> With(Dictionary<string, string> metadata, TabularEncoder encoder)
    {
        metadata["vae_anomaly.input"] = "records";
        metadata["vae_anomaly.numeric_columns"] = JsonSerializer.Serialize(encoder.NumericNames);
        metadata["vae_anomaly.text_columns"] = JsonSerializer.Serialize(encoder.TextNames);
        return metadata;
    }

    /// <summary>The doc string of a records graph.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="encoder">The model's encoder.</param>
    /// <param name="score">What <c>score</c> is.</param>
    public static string Description(string model, TabularEncoder encoder, string score) =>
        $"VaeAnomaly {model} of records: inputs "
        + string.Join(" and ", new[]
        {
            encoder.NumericNames.Count > 0 ? $"'numbers' (batch, {encoder.NumericNames.Count}), floats in the order of 'vae_anomaly.numeric_columns', NaN for a gap (filled with the training mean)" : null,
            encoder.TextNames.Count > 0 ? $"'text' (batch, {encoder.TextNames.Count}), strings in the order of 'vae_anomaly.text_columns' (a value training never saw encodes as none)" : null,
        }.Where(p => p is not null))
        + $"; 'score' is {score}; above 'vae_anomaly.threshold' is anomalous.";
}
