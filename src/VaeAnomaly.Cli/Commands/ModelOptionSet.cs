using System.CommandLine;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// The GRU-VAE's model, training and scoring options, shared by every command that trains. A run starts
/// from the named configuration of <c>--config</c>; each option given on the command line overrides it.
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

    public IEnumerable<Option> All =>
        [Config, Epochs, BatchSize, LearningRate, Beta, Latent, Window, TimeFeatures, Scaler, TrainStride, ScoreStride, Aggregate, KlWarmup, Cosine, LrWarmup, Patience, ClipNorm, Lambda, Combine, McSamples, ImportanceSamples];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The configuration with every option given on the command line applied.</summary>
    public GruVaeConfiguration Resolve(ParseResult r, int seed)
    {
        var c = GruVaeConfiguration.Named(r.GetValue(Config)!);
        var model = c.Model with
        {
            Beta = Pick(r, Beta, c.Model.Beta),
            Latent = Pick(r, Latent, c.Model.Latent),
            Window = Pick(r, Window, c.Model.Window),
            TimeFeatures = Pick(r, TimeFeatures, c.Model.TimeFeatures),
            Scaler = Pick(r, Scaler, c.Model.Scaler),
            Seed = seed,
        };
        var training = c.Training with
        {
            Epochs = Pick(r, Epochs, c.Training.Epochs),
            BatchSize = Pick(r, BatchSize, c.Training.BatchSize),
            LearningRate = Pick(r, LearningRate, c.Training.LearningRate),
            KlWarmupEpochs = Pick(r, KlWarmup, c.Training.KlWarmupEpochs),
            CosineSchedule = Pick(r, Cosine, c.Training.CosineSchedule),
            LearningRateWarmupEpochs = Pick(r, LrWarmup, c.Training.LearningRateWarmupEpochs),
            Patience = Pick(r, Patience, c.Training.Patience),
            GradientClipNorm = Pick(r, ClipNorm, c.Training.GradientClipNorm),
            WindowStride = Pick(r, TrainStride, c.Training.WindowStride),
            Seed = seed,
        };
        var scoring = c.Scoring with
        {
            Lambda = Pick(r, Lambda, c.Scoring.Lambda),
            Combine = Pick(r, Combine, c.Scoring.Combine),
            McSamples = Pick(r, McSamples, c.Scoring.McSamples),
            WindowStride = Pick(r, ScoreStride, c.Scoring.WindowStride),
            Aggregate = Pick(r, Aggregate, c.Scoring.Aggregate),
            ImportanceSamples = Pick(r, ImportanceSamples, c.Scoring.ImportanceSamples),
        };
        return c with { Model = model, Training = training, Scoring = scoring };
    }

    /// <summary>True when the user gave <paramref name="option"/>.</summary>
    public static bool Given(ParseResult r, Option option) => r.GetResult(option) is { Implicit: false };

    private static T Pick<T>(ParseResult r, Option<T> option, T fallback) => Given(r, option) ? r.GetValue(option)! : fallback;

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
