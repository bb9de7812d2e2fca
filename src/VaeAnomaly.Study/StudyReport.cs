using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>Summaries of a study over seeds: mean and standard deviation of each metric, as Markdown and JSON.</summary>
public static class StudyReport
{
    /// <summary>Mean and sample standard deviation (n - 1; 0 for a single value).</summary>
    /// <param name="values">Values over seeds.</param>
    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var std = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return (mean, std);
    }

    /// <summary>The metrics one table column shows.</summary>
    public static IReadOnlyList<(string Header, Func<ScoreMetrics, double> Value)> Columns { get; } =
    [
        ("AUC-PR", m => m.AucPr),
        ("AUC-ROC", m => m.AucRoc),
        ("recall@95%P", m => m.RecallAt95Precision),
        ("precision@k", m => m.PrecisionAtK),
    ];

    /// <summary>The Markdown document: one table per beta, then the per-type AUC-PR table, then the runs.</summary>
    /// <param name="options">What was run.</param>
    /// <param name="runs">The runs.</param>
    public static string Markdown(StudyOptions options, IReadOnlyList<StudyRun> runs)
    {
        static string F((double Mean, double Std) v) => string.Create(CultureInfo.InvariantCulture, $"{v.Mean:F3} ± {v.Std:F3}");
        var md = new StringBuilder();
        var scores = SyntheticStudy.ScoreNames(options.Lambdas);
        var types = runs.SelectMany(r => r.Scores.Values.SelectMany(m => m.ByType.Keys)).Distinct().Order(StringComparer.Ordinal).ToArray();
        md.AppendLine(CultureInfo.InvariantCulture, $"# GRU-VAE study on synthetic-v1 (configuration `{options.Configuration.Name}`)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Seeds {string.Join(", ", options.Seeds)} ({(options.DataDirectory is null ? "data and model seed both varied" : $"data from {options.DataDirectory}; seeds vary the model only")}). Test split, sequence level; mean ± standard deviation over seeds.");
        md.AppendLine();
        foreach (var beta in options.Betas)
        {
            var group = runs.Where(r => r.Beta == beta).ToArray();
            md.AppendLine(CultureInfo.InvariantCulture, $"## beta = {beta}");
            md.AppendLine();
            md.Append("| score | ").AppendJoin(" | ", Columns.Select(c => c.Header)).Append(" | ").AppendJoin(" | ", types.Select(t => $"AUC-PR {t}")).AppendLine(" |");
            md.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", Columns.Count + types.Length))).AppendLine();
            foreach (var score in scores)
            {
                md.Append("| ").Append(score).Append(" | ")
                    .AppendJoin(" | ", Columns.Select(c => F(MeanStd(group.Select(r => c.Value(r.Scores[score])).ToArray()))))
                    .Append(" | ")
                    .AppendJoin(" | ", types.Select(t => F(MeanStd(group.Select(r => r.Scores[score].ByType.TryGetValue(t, out var tm) ? tm.AucPr : double.NaN).ToArray()))))
                    .AppendLine(" |");
            }

            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Active latent units (of {options.Configuration.Model.Latent}): {F(MeanStd(group.Select(r => (double)r.ActiveUnits).ToArray()))}; latent silhouette of normal vs anomalous test sequences {F(MeanStd(group.Select(r => r.Separation.Silhouette).ToArray()))}, Mahalanobis separation {F(MeanStd(group.Select(r => r.Separation.MahalanobisSeparation).ToArray()))}; validation reconstruction MSE {F(MeanStd(group.Select(r => r.ValidationReconstruction).ToArray()))}; epochs {F(MeanStd(group.Select(r => (double)r.Epochs).ToArray()))}; seconds per run {F(MeanStd(group.Select(r => r.Seconds).ToArray()))}.");
            var dimensions = group[0].KlPerDimension.Length;
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"KL per latent dimension on validation data, mean over seeds (nats): {string.Join(", ", Enumerable.Range(0, dimensions).Select(j => group.Average(r => r.KlPerDimension[j]).ToString("F2", CultureInfo.InvariantCulture)))}.");
            md.AppendLine();
        }

        return md.ToString();
    }

    /// <summary>The JSON document: options, per-run metrics, and the mean/std summary per beta and score.</summary>
    /// <param name="options">What was run.</param>
    /// <param name="runs">The runs.</param>
    public static string Json(StudyOptions options, IReadOnlyList<StudyRun> runs)
    {
        var json = new JsonSerializerOptions { WriteIndented = true };
        var summary = new JsonObject();
        foreach (var beta in options.Betas)
        {
            var group = runs.Where(r => r.Beta == beta).ToArray();
            var byScore = new JsonObject();
            foreach (var score in SyntheticStudy.ScoreNames(options.Lambdas))
            {
                var entry = new JsonObject();
                foreach (var (key, value) in new (string, Func<ScoreMetrics, double>)[]
                {
                    ("auc_pr", m => m.AucPr), ("auc_roc", m => m.AucRoc), ("recall_at_95_precision", m => m.RecallAt95Precision), ("precision_at_k", m => m.PrecisionAtK),
                })
                {
                    var (mean, std) = MeanStd(group.Select(r => value(r.Scores[score])).ToArray());
                    entry[key] = new JsonObject { ["mean"] = mean, ["std"] = std };
                }

                byScore[score] = entry;
            }

            summary[beta.ToString(CultureInfo.InvariantCulture)] = byScore;
        }

        var root = new JsonObject
        {
            ["configuration"] = options.Configuration.Name,
            ["seeds"] = new JsonArray(options.Seeds.Select(s => (JsonNode)s).ToArray()),
            ["betas"] = new JsonArray(options.Betas.Select(b => (JsonNode)b).ToArray()),
            ["lambdas"] = new JsonArray(options.Lambdas.Select(l => (JsonNode)l).ToArray()),
            ["data"] = options.DataDirectory ?? "generated synthetic-v1",
            ["summary_by_beta"] = summary,
            ["runs"] = JsonSerializer.SerializeToNode(runs, json),
        };
        return root.ToJsonString(json);
    }
}
