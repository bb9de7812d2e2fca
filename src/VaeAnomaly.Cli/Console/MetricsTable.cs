using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Cli.Console;

/// <summary>Renders per-score metrics: one table of headline metrics, one of AUC-PR per anomaly type.</summary>
internal static class MetricsTable
{
    public static Table Build(IReadOnlyList<KeyValuePair<string, ScoreMetrics>> metrics, double anomalyRatio)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("test split, sequence level");
        table.AddColumn("score");
        foreach (var name in new[] { "AUC-PR", "AUC-ROC", "recall@95%P", "precision@k", "best F1" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        var leader = metrics.MaxBy(m => m.Value.AucPr).Key;
        foreach (var (name, m) in metrics)
        {
            table.AddRow(new[] { name == leader ? $"[bold]{name}[/]" : name }
                .Concat(new[] { m.AucPr, m.AucRoc, m.RecallAt95Precision, m.PrecisionAtK, m.BestF1 }.Select(F)).ToArray());
        }

        table.AddRow("[grey]random score[/]", $"[grey]{F(anomalyRatio)}[/]", "[grey]0.500[/]", "[grey]-[/]", $"[grey]{F(anomalyRatio)}[/]", "[grey]-[/]");
        table.Caption("k = number of anomalies. 'random score': expected value of an uninformative score.");
        return table;
    }

    public static Table BuildByType(IReadOnlyList<KeyValuePair<string, ScoreMetrics>> metrics)
    {
        var types = metrics.SelectMany(m => m.Value.ByType.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var table = new Table().Border(TableBorder.Rounded).Title("AUC-PR by anomaly type (each type against all normals)");
        table.AddColumn("score");
        foreach (var type in types)
        {
            var count = metrics[0].Value.ByType.TryGetValue(type, out var tm) ? tm.Count : 0;
            table.AddColumn(new TableColumn($"{type} ({count})").RightAligned());
        }

        foreach (var (name, m) in metrics)
        {
            table.AddRow(new[] { name }.Concat(types.Select(t => m.ByType.TryGetValue(t, out var tm) ? F(tm.AucPr) : "-")).ToArray());
        }

        return table;
    }

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
