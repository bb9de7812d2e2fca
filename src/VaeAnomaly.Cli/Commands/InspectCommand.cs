using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using VaeAnomaly.Detectors;
using VaeAnomaly.Onnx;
using VaeAnomaly.Persistence;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// <c>inspect</c>: what a bundle is, said after loading it as <c>score</c> does (so its manifest, digests and shapes are
/// checked): the model, what it reads and watches, its thresholds, what it was trained on and what it can do.
/// </summary>
internal static class InspectCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The command.</summary>
    /// <param name="console">Where the description goes.</param>
    public static Command Create(IAnsiConsole console)
    {
        var bundle = SharedOptions.Bundle();
        var json = new Option<bool>("--json") { Description = "Write the description as one JSON object (snake_case keys), for scripts." };
        var command = new Command("inspect", "Describe a trained bundle after checking that it loads: the model, the data it reads, the columns it watches, its thresholds, what it was trained on, and whether it keeps learning and exports to ONNX.") { bundle, json };
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, _ =>
        {
            var folder = r.GetValue(bundle)!;
            using var model = DetectorRegistry.Load(folder);
            var description = Describe(folder, model);
            if (r.GetValue(json))
            {
                console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(description, Json)); // raw, never wrapped to the console's width
            }
            else
            {
                Print(console, description);
            }

            return 0;
        }, ct));
        return command;
    }

    /// <summary>What <c>inspect</c> says of a loaded bundle.</summary>
    /// <param name="folder">The bundle folder.</param>
    /// <param name="model">The bundle, loaded (and so checked).</param>
    internal static BundleDescription Describe(string folder, IFittedDetector model)
    {
        var (toolVersion, seed) = Provenance(folder);
        var encoder = (model as IReadsRecords)?.Encoder;
        var points = model as IScoresPoints;
        var streams = encoder is null && points is { Lookback: >= 1 };
        var input = encoder is not null ? "records" : streams && model.TrainingData.TrainSequences == 1 ? "series" : "sequences";
        IReadOnlyList<string> columns = encoder is null ? model.Channels : [.. encoder.NumericNames, .. encoder.TextNames];
        var thresholds = model.Thresholds;
        var best = model.History.LastOrDefault(h => h.IsBest);
        var files = Directory.EnumerateFiles(folder).Select(f => new FileInfo(f)).Where(f => !f.Name.StartsWith('.'))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToDictionary(f => f.Name, f => f.Length);
        return new BundleDescription(
            Path.GetFullPath(folder),
            model.Name,
            toolVersion,
            seed,
            input,
            columns,
            encoder is null ? model.Watches : columns,
            streams ? points!.Lookback : null,
            new ThresholdDescription(
                thresholds.Rule,
                input == "series" ? "step" : thresholds.Primary,
                input == "series" ? "step point score" : ThresholdRules.ScoreName(thresholds.Primary),
                input == "series" ? points!.PointThreshold(new Scoring.PointScoreRequest()) : thresholds.Value(),
                streams ? points!.PointThreshold(new Scoring.PointScoreRequest(Scoring.PointScoreMode.Last, Stride: 1)) : null,
                thresholds.ByScore.ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, double>)s.Value.ToDictionary()),
                thresholds.Notes),
            model.TrainingData,
            model.History.Count == 0 ? null : new HistoryDescription(model.History.Count, best?.Epoch, best?.ValidationTotal),
            model switch
            {
                _ when !streams => null,
                IRefits => "refits",
                IFineTunes => "fine-tunes",
                _ => null,
            },
            model is IExplainsPoints or IExplainsInputs,
            OnnxExport.Refusal(model),
            files)
        {
            Fills = encoder is null ? ["interpolate", "ffill", "drop"] : encoder.Covariance is null ? ["mean", "drop"] : ["conditional", "mean", "drop"],
            Period = (model as IComparesPeriods)?.Period,
        };
    }

    /// <summary>The version of the tool that wrote the bundle, and the seed it was trained with where the manifest keeps one.</summary>
    private static (string ToolVersion, int? Seed) Provenance(string folder)
    {
        // The loader has read and checked this file already; these two keys are common to every manifest.
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, DetectorBundle.ManifestFile)));
        var root = manifest.RootElement;
        var version = root.TryGetProperty("tool_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "unknown";
        int? seed = root.TryGetProperty("seed", out var s) && s.TryGetInt32(out var n) ? n : null;
        return (version, seed);
    }

    private static void Print(IAnsiConsole console, BundleDescription d)
    {
        static string G(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        static string List(IEnumerable<string> names) => string.Join(", ", names);
        var reads = d.Input switch
        {
            "series" => $"a series, each row scored from it and the {d.Lookback - 1} rows before it",
            "records" => "records, one score each (numbers z-scored, text one-hot, as at training)",
            _ => "whole sequences, one score each" + (d.Lookback is { } lookback ? $"; also the rows of a series, each scored from it and the {lookback - 1} rows before it" : ""),
        };
        console.MarkupLineInterpolated($"[bold]{d.Bundle}[/]: a {d.Model} bundle, written by vae-anomaly {d.ToolVersion}{(d.Seed is { } seed ? $", seed {seed}" : "")}; loaded and checked.");
        var table = new Table().HideHeaders().NoBorder().AddColumn("what").AddColumn("value");
        void Row(string what, string value) => table.AddRow(new Text(what, new Style(decoration: Decoration.Bold)), new Text(value));
        Row("reads", reads);
        if (d.Period is { } period)
        {
            Row("period", $"{period:N0} rows: each row is judged against the same point of the periods before it");
        }

        Row("columns", d.Input == "sequences" ? List(d.Columns) : $"{List(d.Columns)} (by name in a CSV, in any order)");
        Row("watches", d.Watches.SequenceEqual(d.Columns) ? "every column" : $"{List(d.Watches)} (the others are inputs only)");
        Row("gaps", $"refused with their line unless --missing {string.Join(", ", d.Fills.SkipLast(1))} or {d.Fills[^1]} says what to do"
            + (d.Input == "records" ? (d.Fills.Contains("conditional") ? " (conditional: what a record's other numbers lead one to expect)" : " (conditional needs a covariance this encoder does not keep)") : "; a stream (score --follow) takes ffill only, from the row before"));
        var others = d.Threshold.All.GetValueOrDefault(d.Threshold.Score)?
            .Where(kv => kv.Key != d.Threshold.Rule).Select(kv => $"{kv.Key} {G(kv.Value)}").ToList() ?? [];
        var rule = d.Threshold.Rule == ThresholdRules.Fixed ? "set by hand" : $"the {d.Threshold.Rule} rule on the {d.Threshold.Of}s of {(d.TrainingData.Calibration is null ? "normal validation data" : "the normal data it was calibrated on")}";
        Row("threshold", $"{G(d.Threshold.Value)}, {rule}" + (others.Count > 0 ? $" (other rules: {string.Join(", ", others)})" : "")
            + (d.Threshold.Last is { } last ? $"; a row scored from the rows before it (--point-score last, score --follow --online off, serve) is flagged above {G(last)}" : ""));
        foreach (var (key, note) in d.Threshold.Notes.Where(n => n.Key.EndsWith("/" + d.Threshold.Rule, StringComparison.Ordinal)))
        {
            Row("note", $"{key}: {note}"); // only the rule in use: the JSON has every rule's
        }

        var data = d.TrainingData;
        Row("trained on", d.Input == "series"
            ? $"{data.TrainSteps:N0} rows, validated on {data.ValidationSteps:N0} (data {data.Fingerprint})"
            : d.Input == "records" ? $"{data.TrainSequences:N0} records, validated on {data.ValidationSequences:N0} (data {data.Fingerprint})"
            : $"{data.TrainSequences:N0} sequences ({data.TrainSteps:N0} steps{(d.Lookback is not null ? "; each series file's part is one" : "")}), validated on {data.ValidationSequences:N0} ({data.ValidationSteps:N0} steps) (data {data.Fingerprint})");
        if (data.Calibration is { } calibration)
        {
            Row("calibrated", $"thresholds fitted anew after training (vae-anomaly calibrate) on {calibration.Source}: {(d.Input == "records" ? $"{calibration.Sequences:N0} records" : calibration.Sequences == 1 ? $"{calibration.Steps:N0} rows" : $"{calibration.Sequences:N0} sequences or series files ({calibration.Steps:N0} steps)")} (data {calibration.Fingerprint})");
        }

        if (d.History is { } history)
        {
            Row("training", $"{history.Epochs} epoch{(history.Epochs == 1 ? "" : "s")}" + (history.BestEpoch is { } epoch ? $", weights of epoch {epoch} (validation loss {G(history.BestValidationLoss!.Value)})" : ""));
        }

        Row("learning", d.Learns switch
        {
            "refits" => "score --follow and serve --online on fit it again on the recent rows judged normal",
            "fine-tunes" => "score --follow and serve --online on train it further on the recent rows judged normal",
            _ when d.Lookback is not null => "none: it scores a stream frozen",
            _ => $"none: {d.Input} are scored whole",
        });
        Row("explains", d.Explains ? (d.Input == "records" ? "the CSV columns behind a record's score (--top, --explain)" : "the columns behind a score (--top, --explain)") : "no");
        Row("onnx", d.OnnxRefusal is null ? "exports (vae-anomaly export) and runs on ONNX Runtime (--engine onnx)" : $"no: {d.OnnxRefusal}");
        Row("files", string.Join(", ", d.Files.Select(f => $"{f.Key} {f.Value:N0} bytes")));
        console.Write(table);
    }
}

/// <summary>What <c>inspect</c> says of a bundle (its <c>--json</c> form).</summary>
/// <param name="Bundle">The bundle folder, absolute.</param>
/// <param name="Model">The model's name, as <c>--model</c> takes it.</param>
/// <param name="ToolVersion">The version of vae-anomaly that wrote it.</param>
/// <param name="Seed">The seed it was trained with, where the manifest keeps one.</param>
/// <param name="Input">What it was trained on and scores whole: <c>series</c>, <c>sequences</c> or <c>records</c>.</param>
/// <param name="Columns">The columns it reads (a records model: the CSV columns).</param>
/// <param name="Watches">The columns its scores measure.</param>
/// <param name="Lookback">A model that scores the rows of a series: the rows each is scored from, itself included; else null.</param>
/// <param name="Threshold">Its thresholds.</param>
/// <param name="TrainingData">What it was trained on.</param>
/// <param name="History">Its training epochs, for a model trained in epochs.</param>
/// <param name="Learns">How a stream of it keeps learning (<c>refits</c>, <c>fine-tunes</c>), or null.</param>
/// <param name="Explains">Whether it names the columns behind a score.</param>
/// <param name="OnnxRefusal">Why it cannot be exported to ONNX, or null when it can.</param>
/// <param name="Files">The bundle's files and their sizes in bytes.</param>
/// <remarks><see cref="Fills"/>: the <c>--missing</c> values that fill or drop gaps in what it reads.</remarks>
internal sealed record BundleDescription(
    string Bundle,
    string Model,
    string ToolVersion,
    int? Seed,
    string Input,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Watches,
    int? Lookback,
    ThresholdDescription Threshold,
    TrainingDataInfo TrainingData,
    HistoryDescription? History,
    string? Learns,
    bool Explains,
    string? OnnxRefusal,
    IReadOnlyDictionary<string, long> Files)
{
    /// <summary>The <c>--missing</c> values that fill or drop gaps in what it reads (records: conditional, where the encoder keeps a covariance, mean and drop; else interpolate, ffill and drop).</summary>
    public IReadOnlyList<string> Fills { get; init; } = [];

    /// <summary>A model that judges each row against the same point of earlier periods: the period, in rows; else null.</summary>
    public int? Period { get; init; }
}

/// <summary>A bundle's thresholds.</summary>
/// <param name="Rule">The rule in use.</param>
/// <param name="Score">The key in <paramref name="All"/> of the score it thresholds by default.</param>
/// <param name="Of">The score it thresholds by default: a series model's step point score (each row's error averaged over the windows that cover it), else the model's score.</param>
/// <param name="Value">The threshold <c>score</c> flags above by default.</param>
/// <param name="Last">A model that scores the rows of a series: the threshold of a row scored from the rows before it (last mode, stride 1), as streams are; else null.</param>
/// <param name="All">Every fitted threshold, by score and rule.</param>
/// <param name="Notes">Why a rule has no threshold, by score and rule.</param>
internal sealed record ThresholdDescription(string Rule, string Score, string Of, double Value, double? Last, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> All, IReadOnlyDictionary<string, string> Notes);

/// <summary>A model's training epochs.</summary>
/// <param name="Epochs">Epochs run.</param>
/// <param name="BestEpoch">The epoch whose weights were kept.</param>
/// <param name="BestValidationLoss">Its validation loss.</param>
internal sealed record HistoryDescription(int Epochs, int? BestEpoch, double? BestValidationLoss);
