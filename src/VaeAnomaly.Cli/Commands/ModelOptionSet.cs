using System.CommandLine;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Cli.Commands;

/// <summary>The GRU-VAE's model, training and scoring options, shared by every command that trains.</summary>
internal sealed class ModelOptionSet
{
    private static readonly GruVaeOptions ModelDefaults = new();
    private static readonly TrainerOptions TrainerDefaults = new();
    private static readonly ScoringOptions ScoringDefaults = new();

    public Option<int> Epochs { get; } = new Option<int>("--epochs") { Description = "Largest number of training epochs.", DefaultValueFactory = _ => TrainerDefaults.Epochs }.Positive();

    public Option<int> BatchSize { get; } = new Option<int>("--batch-size") { Description = "Sequences per training batch.", DefaultValueFactory = _ => TrainerDefaults.BatchSize }.Positive();

    public Option<double> LearningRate { get; } = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => TrainerDefaults.LearningRate }.InRange(0, 10, minInclusive: false);

    public Option<double> Beta { get; } = new Option<double>("--beta") { Description = "KL weight of the beta-ELBO.", DefaultValueFactory = _ => ModelDefaults.Beta }.InRange(0, 1000);

    public Option<int> Latent { get; } = new Option<int>("--latent") { Description = "Latent dimensions.", DefaultValueFactory = _ => ModelDefaults.Latent }.Positive();

    public Option<int> KlWarmup { get; } = new Option<int>("--kl-warmup") { Description = "Epochs over which beta rises linearly from 0 (0: off).", DefaultValueFactory = _ => TrainerDefaults.KlWarmupEpochs }.NonNegative();

    public Option<bool> Cosine { get; } = new("--cosine") { Description = "Cosine learning-rate decay (with --lr-warmup epochs of linear warm-up)." };

    public Option<int> LrWarmup { get; } = new Option<int>("--lr-warmup") { Description = "Linear learning-rate warm-up epochs under --cosine.", DefaultValueFactory = _ => 0 }.NonNegative();

    public Option<int> Patience { get; } = new Option<int>("--patience") { Description = "Early stopping: epochs without a better validation loss (0: off).", DefaultValueFactory = _ => TrainerDefaults.Patience }.NonNegative();

    public Option<double> ClipNorm { get; } = new Option<double>("--clip-norm") { Description = "Gradient-norm clipping (0: off).", DefaultValueFactory = _ => TrainerDefaults.GradientClipNorm }.InRange(0, 1e6);

    public Option<double> Lambda { get; } = new Option<double>("--lambda") { Description = "Weight of KL in the combined score.", DefaultValueFactory = _ => ScoringDefaults.Lambda }.InRange(0, 1000);

    public Option<CombineMode> Combine { get; } = new("--combine") { Description = "standardized: z_rec + lambda * z_kl on validation statistics; raw: rec + lambda * kl.", DefaultValueFactory = _ => ScoringDefaults.Combine };

    public Option<int> McSamples { get; } = new Option<int>("--mc-samples") { Description = "0 scores with the posterior mean; N averages N sampled reconstructions.", DefaultValueFactory = _ => ScoringDefaults.McSamples }.NonNegative();

    public Option<int> Window { get; } = new Option<int>("--window") { Description = "0: the model reads whole sequences; W: it trains on W-step windows and scores a sequence from its windows.", DefaultValueFactory = _ => ModelDefaults.Window }.NonNegative();

    public Option<int> WindowStride { get; } = new Option<int>("--window-stride") { Description = "Steps between windows in training and scoring (0: a quarter of the window).", DefaultValueFactory = _ => 0 }.NonNegative();

    public Option<WindowAggregate> Aggregate { get; } = new("--aggregate") { Description = "How window scores become a sequence's score: max (the worst window) or mean.", DefaultValueFactory = _ => ScoringDefaults.Aggregate };

    public IEnumerable<Option> All => [Epochs, BatchSize, LearningRate, Beta, Latent, Window, WindowStride, Aggregate, KlWarmup, Cosine, LrWarmup, Patience, ClipNorm, Lambda, Combine, McSamples];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    public GruVaeOptions Model(ParseResult r, int seed) => ModelDefaults with { Beta = r.GetValue(Beta), Latent = r.GetValue(Latent), Window = r.GetValue(Window), Seed = seed };

    public TrainerOptions Trainer(ParseResult r, int seed) => new()
    {
        Epochs = r.GetValue(Epochs),
        BatchSize = r.GetValue(BatchSize),
        LearningRate = r.GetValue(LearningRate),
        KlWarmupEpochs = r.GetValue(KlWarmup),
        CosineSchedule = r.GetValue(Cosine),
        LearningRateWarmupEpochs = r.GetValue(LrWarmup),
        Patience = r.GetValue(Patience),
        GradientClipNorm = r.GetValue(ClipNorm),
        WindowStride = r.GetValue(WindowStride),
        Seed = seed,
    };

    public ScoringOptions Scoring(ParseResult r) => new()
    {
        Lambda = r.GetValue(Lambda),
        Combine = r.GetValue(Combine),
        McSamples = r.GetValue(McSamples),
        WindowStride = r.GetValue(WindowStride),
        Aggregate = r.GetValue(Aggregate),
    };
}
