using System.CommandLine;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// The model, training and scoring options shared by every command that trains, bound to the registry's
/// <see cref="DetectorSettings"/>. A GRU-VAE run starts from the named configuration of <c>--config</c>; each option
/// given on the command line overrides it; a model refuses the options it does not take.
/// </summary>
internal sealed class ModelOptionSet
{
    public Option<string> Config { get; } = CreateConfig();

    public Option<int> Epochs { get; } = new Option<int>("--epochs") { Description = "Largest number of training epochs." }.Positive();

    public Option<int> BatchSize { get; } = new Option<int>("--batch-size") { Description = "Sequences (or windows) per training batch." }.Positive(GruVaeOptions.MaxSize);

    public Option<double> LearningRate { get; } = new Option<double>("--lr") { Description = "Adam learning rate." }.InRange(0, 10, minInclusive: false);

    public Option<double> Beta { get; } = new Option<double>("--beta") { Description = "KL weight of the beta-ELBO." }.InRange(0, 1000);

    public Option<int> Latent { get; } = new Option<int>("--latent") { Description = "Latent dimensions." }.Positive(GruVaeOptions.MaxSize);

    public Option<int> Window { get; } = new Option<int>("--window") { Description = "0: the model reads whole sequences; W: it trains on W-step windows and scores a sequence from its windows." }.NonNegative(GruVaeOptions.MaxSize);

    public Option<int> Period { get; } = new Option<int>("--period") { Description = "seasonal: the period in rows (288 for a day of 5-minute rows); default: the training rows' own." }.Positive(DetectorSettings.MaxPeriod);

    public Option<int> TimeFeatures { get; } = new Option<int>("--time-features") { Description = "Sine/cosine pairs of the time step given to the decoder (0: none)." }.NonNegative(GruVaeOptions.MaxTimeFeatures);

    public Option<ScalerKind> Scaler { get; } = new("--scaler") { Description = "Per-channel scaling fitted on the training part: zscore (default) or minmax." };

    public Option<int> TrainStride { get; } = new Option<int>("--train-stride") { Description = "Steps between training windows (0: a quarter of the window)." }.NonNegative(GruVaeOptions.MaxSize);

    public Option<int> ScoreStride { get; } = new Option<int>("--score-stride") { Description = "Steps between scored windows (0: a quarter of the window)." }.NonNegative(GruVaeOptions.MaxSize);

    public Option<WindowAggregate> Aggregate { get; } = new("--aggregate") { Description = "How window scores become a sequence's score: max (the worst window) or mean." };

    public Option<int> KlWarmup { get; } = new Option<int>("--kl-warmup") { Description = "Epochs over which beta rises linearly from 0 (0: off)." }.NonNegative();

    public Option<bool> Cosine { get; } = new("--cosine") { Description = "Cosine learning-rate decay (with --lr-warmup epochs of linear warm-up)." };

    public Option<int> LrWarmup { get; } = new Option<int>("--lr-warmup") { Description = "Linear learning-rate warm-up epochs under --cosine." }.NonNegative();

    public Option<int> Patience { get; } = new Option<int>("--patience") { Description = "Early stopping: epochs without a better validation loss (0: off)." }.NonNegative();

    public Option<double> ClipNorm { get; } = new Option<double>("--clip-norm") { Description = "Gradient-norm clipping (0: off)." }.InRange(0, 1e6);

    public Option<double> Lambda { get; } = new Option<double>("--lambda") { Description = "Weight of KL in the combined score." }.InRange(0, 1000);

    public Option<CombineMode> Combine { get; } = new("--combine") { Description = "standardized: z_rec + lambda * z_kl on validation statistics; raw: rec + lambda * kl." };

    public Option<int> McSamples { get; } = new Option<int>("--mc-samples") { Description = "0 scores with the posterior mean; N averages N sampled reconstructions." }.NonNegative(ScoringOptions.MaxSamples);

    public Option<int> ImportanceSamples { get; } = new Option<int>("--is-samples") { Description = "K, samples of the importance-sampled -log p(x) score (nll-is)." }.Positive(ScoringOptions.MaxSamples);

    public Option<string> TargetColumns { get; } = SharedOptions.NameList("--target-columns", "Columns to watch, comma-separated: scores measure only these, while every column stays an input (default: all; every model but records and whole fixed-length sequences).");

    public IEnumerable<Option> All =>
        [TargetColumns, Config, Epochs, BatchSize, LearningRate, Beta, Latent, Window, Period, TimeFeatures, Scaler, TrainStride, ScoreStride, Aggregate, KlWarmup, Cosine, LrWarmup, Patience, ClipNorm, Lambda, Combine, McSamples, ImportanceSamples];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The settings of <paramref name="model"/> that the command line gives (an option not given leaves the model's
    /// default). An option the model does not take is refused, naming those it takes, as the registry says.
    /// </summary>
    /// <param name="r">The parsed command line.</param>
    /// <param name="model">A registry name.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="variant">The baselines' <c>--variant</c>, where the command has one.</param>
    public DetectorSettings Settings(ParseResult r, string model, int seed, Option<string>? variant = null)
    {
        var entry = DetectorRegistry.Find(model);
        var named = !entry.Settings.Contains("variant") ? null : entry.Variants.Count == 0 ? Config : variant;
        foreach (var other in new[] { Config, variant })
        {
            if (other is not null && other != named && Given(r, other))
            {
                throw new ArgumentException(other == Config
                    ? $"--config names a GRU-VAE configuration; {model} {(entry.Variants.Count > 0 ? $"has the versions {string.Join(", ", entry.Variants.Select(v => v.Name))} (--variant)" : "has one version")}."
                    : $"--variant picks a version of the window autoencoders; {model} {(named == Config ? "takes a named configuration (--config)" : "has one version")}.");
            }
        }

        foreach (var option in All.Where(o => o != Config && Given(r, o)))
        {
            if (!entry.Settings.Contains(option.Name.TrimStart('-')))
            {
                throw new ArgumentException("--" + DetectorRegistry.Refusal(entry, option.Name.TrimStart('-')));
            }
        }

        T? Pick<T>(Option<T> option)
            where T : struct => Given(r, option) ? r.GetValue(option) : null;
        return new DetectorSettings
        {
            Seed = seed,
            Variant = named is not null && Given(r, named) ? r.GetValue(named) : null,
            Epochs = Pick(Epochs),
            BatchSize = Pick(BatchSize),
            LearningRate = Pick(LearningRate),
            Patience = Pick(Patience),
            Latent = Pick(Latent),
            Beta = Pick(Beta),
            Window = Pick(Window),
            Period = Pick(Period),
            TrainStride = Pick(TrainStride),
            ScoreStride = Pick(ScoreStride),
            Scaler = Pick(Scaler),
            TimeFeatures = Pick(TimeFeatures),
            Aggregate = Pick(Aggregate),
            KlWarmup = Pick(KlWarmup),
            Cosine = Pick(Cosine),
            LrWarmup = Pick(LrWarmup),
            ClipNorm = Pick(ClipNorm),
            Lambda = Pick(Lambda),
            Combine = Pick(Combine),
            McSamples = Pick(McSamples),
            ImportanceSamples = Pick(ImportanceSamples),
            TargetColumns = SharedOptions.Names(r, TargetColumns),
        };
    }

    /// <summary>True when the user gave <paramref name="option"/>.</summary>
    public static bool Given(ParseResult r, Option option) => r.GetResult(option) is { Implicit: false };

    private static Option<string> CreateConfig()
    {
        var option = new Option<string>("--config")
        {
            Description = "Starting configuration: default (windows of 32 steps, worst-window score) or seed (the plain whole-sequence model the project started from).",
            DefaultValueFactory = _ => GruVaeConfiguration.Default.Name,
        };
        option.AcceptOnlyFromAmong([.. GruVaeConfiguration.All.Select(c => c.Name)]);
        return option;
    }
}
