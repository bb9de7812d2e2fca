using System.Globalization;
using Spectre.Console;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Cli.Console;

/// <summary>Renders per-score metrics: one table of headline metrics, one of AUC-PR per anomaly type.</summary>
internal static class MetricsTable
{
    public static Table Build(IReadOnlyList<ScoreEvaluation> evaluations, RandomBaseline random)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("test split, sequence level");
        table.AddColumn("score");
        foreach (var name in new[] { "AUC-PR", "AUC-ROC", "recall@95%P", "precision@k", "best F1" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        var leader = evaluations.MaxBy(e => e.Metrics.AucPr)!.Name;
        foreach (var (name, m, _) in evaluations)
        {
            table.AddRow(new[] { name == leader ? $"[bold]{name}[/]" : name }
                .Concat(new[] { m.AucPr, m.AucRoc, m.RecallAt95Precision, m.PrecisionAtK, m.BestF1 }.Select(F)).ToArray());
        }

        table.AddRow(new[] { RandomBaseline.Name, F(random.AucPr), F(random.AucRoc), F(random.RecallAt95Precision), F(random.PrecisionAtK), F(random.BestF1) }.Select(v => $"[grey]{v}[/]").ToArray());
        table.Caption("k = number of anomalies; random score = what an uninformative score gets");
        return table;
    }

    public static Table BuildByType(IReadOnlyList<ScoreEvaluation> evaluations)
    {
        var types = evaluations.SelectMany(e => e.Metrics.ByType.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var table = new Table().Border(TableBorder.Rounded).Title("AUC-PR by anomaly type (each type against all normals)");
        table.AddColumn("score");
        foreach (var type in types)
        {
            var count = evaluations[0].Metrics.ByType.TryGetValue(type, out var tm) ? tm.Count : 0;
            table.AddColumn(new TableColumn($"{type} ({count})").RightAligned());
        }

        foreach (var (name, m, _) in evaluations)
        {
            table.AddRow(new[] { name }.Concat(types.Select(t => m.ByType.TryGetValue(t, out var tm) ? F(tm.AucPr) : "-")).ToArray());
        }

        return table;
    }

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
