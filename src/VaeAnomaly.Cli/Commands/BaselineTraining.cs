using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// How <c>train</c> builds a baseline (<c>dense-ae</c>, <c>dense-vae</c>, <c>lstm-ae</c>, <c>conv-ae</c>): on sequences
/// or a series, the catalog's window model (32-step windows, version v1 unless <c>--variant</c> says otherwise);
/// with <c>--records</c>, the dense model of the KDD benchmark on one-hot and z-scored CSV records.
/// </summary>
internal static class BaselineTraining
{
    /// <summary>Baseline model names <c>--model</c> accepts.</summary>
    public static IReadOnlyList<string> Models { get; } = [DenseDetector.AutoencoderName, DenseDetector.VaeName, "lstm-ae", "conv-ae"];

    /// <summary>Share of the normal records held out for validation (early stopping and thresholds).</summary>
    public const double RecordValidationShare = 0.2;

    /// <summary>Window length when <c>--window</c> is not given.</summary>
    public const int DefaultWindow = 32;

    /// <summary>Why <paramref name="detector"/> (a model that does not score points) cannot <paramref name="verb"/> a series per time step.</summary>
    /// <param name="detector">A loaded baseline.</param>
    /// <param name="verb">What the command does to the series: <c>score</c> or <c>evaluate</c>.</param>
    public static ArgumentException SeriesRefusal(DetectorBase detector, string verb) =>
        new($"A {detector.Name} bundle trained on whole sequences (--window 0) scores sequences of its length; {verb} a time series per time step with a bundle trained on windows.");

    /// <summary>The unfitted detector <c>train</c> asks for.</summary>
    /// <param name="r">The parsed command line.</param>
    /// <param name="model">The shared model options.</param>
    /// <param name="name">One of <see cref="Models"/>.</param>
    /// <param name="variant">v1, v2 or v3; null when not given.</param>
    /// <param name="records">True for tabular records.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="rule">The threshold rule.</param>
    public static DetectorBase Create(ParseResult r, ModelOptionSet model, string name, string? variant, bool records, int seed, IThresholdRule rule)
    {
        var gruOnly = new Option[] { model.Config, model.TimeFeatures, model.Aggregate, model.KlWarmup, model.Cosine, model.LrWarmup, model.ClipNorm, model.Lambda, model.Combine, model.McSamples, model.ImportanceSamples }
            .FirstOrDefault(o => ModelOptionSet.Given(r, o));
        if (gruOnly is not null)
        {
            throw new ArgumentException($"{gruOnly.Name} applies to gru-vae only; {name} takes --epochs, --batch-size, --lr, --patience, --latent, --window, --train-stride, --score-stride, --scaler{(name == DenseDetector.VaeName ? " and --beta" : "")}.");
        }

        if (ModelOptionSet.Given(r, model.Beta) && name != DenseDetector.VaeName)
        {
            throw new ArgumentException($"--beta weighs the KL term of a VAE; {name} is a plain autoencoder.");
        }

        if (variant is not null && (records || name == DenseDetector.VaeName))
        {
            throw new ArgumentException($"--variant picks a version of the window autoencoders (dense-ae, lstm-ae, conv-ae); {(records ? "records use the dense model of the KDD benchmark" : "dense-vae has one version")}.");
        }

        if (records)
        {
            if (name is not (DenseDetector.AutoencoderName or DenseDetector.VaeName))
            {
                throw new ArgumentException($"--records trains dense-ae or dense-vae; {name} reads sequences.");
            }

            if (new Option[] { model.Window, model.TrainStride, model.ScoreStride, model.Scaler }.FirstOrDefault(o => ModelOptionSet.Given(r, o)) is { } windowOption)
            {
                throw new ArgumentException(windowOption == model.Scaler ? "--scaler does not apply to records: their numbers are z-scored and their text one-hot encoded." : $"{windowOption.Name} cuts sequences into windows; records have none.");
            }

            var defaults = name == DenseDetector.VaeName ? DenseOptions.Vae : DenseOptions.Autoencoder;
            return new DenseDetector(Override(r, model, defaults with { Standardize = false, Seed = seed }), rule);
        }

        var (family, options) = ModelCatalog.Baseline(name == DenseDetector.VaeName ? name : $"{name} {variant ?? "v1"}");
        options = Override(r, model, options with { Seed = seed });
        var window = ModelOptionSet.Given(r, model.Window) ? r.GetValue(model.Window) : DefaultWindow;
        if (window == 0)
        {
            return family == WindowAutoencoderDetector.Dense
                ? new DenseDetector(options, rule)
                : throw new ArgumentException($"--window 0 (whole fixed-length sequences) works with the dense models; {name} reads windows.");
        }

        if (family == WindowAutoencoderDetector.Conv && window % 4 != 0)
        {
            throw new ArgumentException($"conv-ae pools twice by 2, so its window must be a multiple of 4; got --window {window}.");
        }

        var trainStride = ModelOptionSet.Given(r, model.TrainStride) && r.GetValue(model.TrainStride) > 0 ? r.GetValue(model.TrainStride) : Math.Max(1, window / 2);
        var scoreStride = ModelOptionSet.Given(r, model.ScoreStride) && r.GetValue(model.ScoreStride) > 0 ? r.GetValue(model.ScoreStride) : Math.Max(1, window / 4);
        return new WindowAutoencoderDetector(family, options, window, trainStride, scoreStride, rule);
    }

    /// <summary>Reads a CSV of records and splits its normal ones (all, when unlabelled) at random into training and validation, encoded for the model.</summary>
    /// <param name="console">Where the counts are reported.</param>
    /// <param name="r">The parsed command line.</param>
    /// <param name="series">The CSV options (--columns, --label-column, --delimiter).</param>
    /// <param name="path">The CSV file.</param>
    /// <param name="seed">Seed of the split.</param>
    public static (SequenceSet Train, SequenceSet Validation, TabularEncoder Encoder) ReadRecords(IAnsiConsole console, ParseResult r, SeriesOptionSet series, string path, int seed)
    {
        var table = TabularCsvReader.Read(path, r.GetValue(series.LabelColumn), series.ColumnList(r), series.DelimiterOf(r));
        var normal = table.Records.Where(x => !x.IsAnomaly).ToArray();
        if (normal.Length < 10)
        {
            throw new DataFormatException(path, null, null, $"has {normal.Length} normal records; training needs at least 10 (a fifth of them validate)");
        }

        new Random(seed).Shuffle(normal);
        var held = (int)Math.Round(normal.Length * RecordValidationShare);
        var train = normal[held..];
        var validation = normal[..held];
        var encoder = TabularEncoder.Fit(train, table.NumericNames, table.TextNames);
        console.WriteLine($"Read {table.Records.Count} records ({table.NumericNames.Count} numeric, {table.TextNames.Count} text columns -> {encoder.Columns.Count} inputs); "
            + $"{train.Length} train and {validation.Length} validate{(table.Labelled ? $", {table.Records.Count - normal.Length} labelled anomalous left out" : "")}.");
        return (encoder.ToSequenceSet(train), encoder.ToSequenceSet(validation), encoder);
    }

    private static DenseOptions Override(ParseResult r, ModelOptionSet model, DenseOptions options)
    {
        T Pick<T>(Option<T> option, T fallback) => ModelOptionSet.Given(r, option) ? r.GetValue(option)! : fallback;
        return options with
        {
            Epochs = Pick(model.Epochs, options.Epochs),
            BatchSize = Pick(model.BatchSize, options.BatchSize),
            LearningRate = Pick(model.LearningRate, options.LearningRate),
            Patience = Pick(model.Patience, options.Patience),
            Latent = Pick(model.Latent, options.Latent),
            Beta = Pick(model.Beta, options.Beta),
            Scaler = Pick(model.Scaler, options.Scaler),
        };
    }
}
