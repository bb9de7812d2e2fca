using System.Text.Json;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Reporting;

/// <summary>Writes <c>metrics.json</c>: one key per score kind (<c>reconstruction</c>, <c>kl</c>, <c>combined</c>, ...).</summary>
public static class MetricsJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Serialises the metrics of each score kind, in the given order.</summary>
    /// <param name="metrics">Score kind name to its metrics.</param>
    public static string Serialize(IReadOnlyList<KeyValuePair<string, ScoreMetrics>> metrics)
    {
        var document = metrics.ToDictionary(kv => kv.Key, kv => kv.Value);
        return JsonSerializer.Serialize(metrics.Select(kv => kv.Key).ToDictionary(k => k, k => document[k]), Options);
    }

    /// <summary>Writes <see cref="Serialize"/> to <paramref name="path"/>.</summary>
    /// <param name="metrics">Score kind name to its metrics.</param>
    /// <param name="path">Destination file.</param>
    public static void Write(IReadOnlyList<KeyValuePair<string, ScoreMetrics>> metrics, string path) =>
        File.WriteAllText(path, Serialize(metrics));
}
