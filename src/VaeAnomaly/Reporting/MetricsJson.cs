using System.Text.Json;
using System.Text.Json.Nodes;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Reporting;

/// <summary>
/// Writes <c>metrics.json</c>: one key per score kind (<c>reconstruction</c>, <c>kl</c>, <c>combined</c>)
/// holding its metrics and, when fitted, its <c>threshold</c>; and <c>random</c>, the same metrics for
/// an uninformative score.
/// </summary>
public static class MetricsJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The JSON text.</summary>
    /// <param name="evaluations">Per score kind, in order.</param>
    /// <param name="baseline">The random-score baseline.</param>
    /// <param name="latent">Latent diagnostics to add under <c>latent</c>, or null.</param>
    public static string Serialize(IReadOnlyList<ScoreEvaluation> evaluations, RandomBaseline baseline, JsonNode? latent = null)
    {
        var root = new JsonObject();
        foreach (var e in evaluations)
        {
            var node = JsonSerializer.SerializeToNode(e.Metrics, Options)!.AsObject();
            if (e.Threshold is not null)
            {
                node["threshold"] = JsonSerializer.SerializeToNode(e.Threshold, Options);
            }

            root[e.Name] = node;
        }

        root["random"] = JsonSerializer.SerializeToNode(baseline, Options);
        if (latent is not null)
        {
            root["latent"] = latent;
        }

        return root.ToJsonString(Options);
    }

    /// <summary>Writes <see cref="Serialize"/> to <paramref name="path"/>.</summary>
    /// <param name="evaluations">Per score kind, in order.</param>
    /// <param name="baseline">The random-score baseline.</param>
    /// <param name="path">Destination file.</param>
    /// <param name="latent">Latent diagnostics to add under <c>latent</c>, or null.</param>
    public static void Write(IReadOnlyList<ScoreEvaluation> evaluations, RandomBaseline baseline, string path, JsonNode? latent = null) =>
        File.WriteAllText(path, Serialize(evaluations, baseline, latent));
}
