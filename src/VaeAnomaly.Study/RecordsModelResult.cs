using System.Text.Json.Serialization;
using VaeAnomaly.Evaluation;

namespace VaeAnomaly.Study;

/// <summary>One model's result on a test split of records: KDD Cup 99's (<see cref="KddBenchmark"/>), or a user's (<see cref="RecordsComparison"/>).</summary>
/// <param name="Model">Model name.</param>
/// <param name="AucRoc">Area under the ROC curve.</param>
/// <param name="AucPr">Average precision.</param>
/// <param name="F1">F1 at <paramref name="Threshold"/>.</param>
/// <param name="Threshold">The 0.99 quantile of the validation normals' scores.</param>
/// <param name="Confusion">Counts at the threshold.</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="Seconds">Training time.</param>
/// <param name="Scores">Test scores, aligned with the result's labels.</param>
public sealed record RecordsModelResult(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("auc_roc")] double AucRoc,
    [property: JsonPropertyName("auc_pr")] double AucPr,
    [property: JsonPropertyName("f1")] double F1,
    [property: JsonPropertyName("threshold")] double Threshold,
    [property: JsonPropertyName("confusion")] ConfusionCounts Confusion,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("train_seconds")] double Seconds,
    [property: JsonIgnore] double[] Scores);
