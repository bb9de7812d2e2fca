using VaeAnomaly.Detectors;

namespace VaeAnomaly.Server;

/// <summary>
/// One bundle the service scores with. Scoring is serialised across the whole process: libtorch is not safe to drive
/// from several threads at once here (a serve node under load died with <c>munmap_chunk(): invalid pointer</c> when
/// two copies of a GRU-VAE scored side by side, each setting libtorch's thread count), and the models that need the
/// cores most (the fused GRU-VAE kernels, libtorch itself) already spread one call over all of them.
/// </summary>
public sealed class ServedModel : IDisposable
{
    private static readonly SemaphoreSlim Gate = new(1);
    private readonly IFittedDetector detector;

    /// <summary>Loads the bundle in <paramref name="directory"/>.</summary>
    /// <param name="name">The model's name in the API (its folder's name).</param>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="loader">Loads the folder; null for <see cref="DetectorRegistry.Load"/>.</param>
    /// <param name="rest">How long its streams rest after an alarm.</param>
    /// <param name="online">Whether its streams keep learning, where the model can (<see cref="Learns"/>).</param>
    /// <param name="surprise">Whether its streams flag each point by its surprise when they do not keep learning (<see cref="FlagsBySurprise"/>).</param>
    /// <exception cref="Persistence.BundleException">The bundle cannot be loaded.</exception>
    public ServedModel(string name, string directory, Func<string, IFittedDetector>? loader = null, Streaming.AlarmRest rest = default, bool online = false, bool surprise = false)
    {
        Name = name;
        detector = loader is null ? DetectorRegistry.Load(directory) : loader(directory);
        Kind = detector.Name;
        Encoder = (detector as IReadsRecords)?.Encoder; // a dense model trained on whole sequences has none
        Channels = Encoder is null ? detector.Channels : [.. Encoder.NumericNames, .. Encoder.TextNames];
        var points = detector as IScoresPoints;
        Streams = points is { Lookback: >= 1 };
        Input = Encoder is not null ? "records" : Streams ? "series" : "sequences";
        Learns = online && Streams && Streaming.OnlineDetector.CanLearn(detector);
        FlagsBySurprise = Streams && (Learns || surprise);
        Threshold = FlagsBySurprise ? Scoring.SurpriseFlags.Flag
            : Streams ? points!.PointThreshold(new Scoring.PointScoreRequest(Scoring.PointScoreMode.Last, Stride: 1)) : detector.Thresholds.Value();
        Thresholds = detector.Thresholds;
        var trainingRows = (int)Math.Clamp(detector.TrainingData.Steps, 2, 1_000_000);
        RestRows = rest.For(trainingRows);
        if (Learns)
        {
            // As score --follow learns: the surprise over the training length, a refit every quarter of it.
            SurpriseHistory = trainingRows;
            Learning = Streaming.OnlineOptions.For(trainingRows, points!.Lookback) with { Rest = RestRows };
            Estimator = Streaming.OnlineDetector.EstimatorOf(detector);
        }
        else if (FlagsBySurprise)
        {
            // As score --flag-by surprise judges a series: over as many earlier scores as the training part had rows.
            SurpriseHistory = (int)Math.Clamp(detector.TrainingData.TrainSteps, 2, 1_000_000);
        }

        Fingerprint = detector.TrainingData.Fingerprint;
    }

    /// <summary>
    /// Whether its streams keep learning: <c>serve --online on</c> and a model that is fitted again (<see cref="IRefits"/>)
    /// or trained further (<see cref="IFineTunes"/>). Such a stream flags each point by its surprise (<see cref="Threshold"/> 0.5).
    /// </summary>
    public bool Learns { get; }

    /// <summary>
    /// Whether its streams flag each point by its surprise next to the stream's earlier scores (<see cref="Threshold"/> 0.5):
    /// a stream that learns, or <c>serve --flag-by surprise</c>.
    /// </summary>
    public bool FlagsBySurprise { get; }

    /// <summary>When <see cref="Learns"/>: how its streams keep learning; else null.</summary>
    public Streaming.OnlineOptions? Learning { get; }

    /// <summary>
    /// When <see cref="FlagsBySurprise"/>: earlier scores a point's surprise is judged against (a stream that learns: the
    /// training and validation rows, as <c>score --follow --online on</c>; one that does not: the training rows, as
    /// <c>score --flag-by surprise</c>).
    /// </summary>
    public int SurpriseHistory { get; }

    /// <summary>When <see cref="Learns"/> and the model is fitted again: its estimator (null when it is trained further).</summary>
    public IDetectorEstimator? Estimator { get; }

    /// <summary>The bundle's training-data fingerprint: a stream that learnt from another bundle of this name starts learning again.</summary>
    public string Fingerprint { get; }

    /// <summary>Rows of a stream not flagged after each of its alarms (<see cref="Streaming.AlarmRest"/>); 0 for none.</summary>
    public int RestRows { get; }

    /// <summary>The model's name in the API.</summary>
    public string Name { get; }

    /// <summary>The detector's name (<c>gru-vae</c>, <c>pca</c>, ...).</summary>
    public string Kind { get; }

    /// <summary>The columns a row holds, in order; for a model of records, the CSV columns it reads (numeric, then text).</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>How a model of records encodes a CSV record; null for a model of series or sequences.</summary>
    public Data.TabularEncoder? Encoder { get; }

    /// <summary>What it reads: <c>series</c> (scores streams row by row), <c>sequences</c> or <c>records</c>.</summary>
    public string Input { get; }

    /// <summary>Whether it scores a stream row by row (a window model or a row detector).</summary>
    public bool Streams { get; }

    /// <summary>The threshold its scores are flagged above: of a stream's points, or of whole sequences.</summary>
    public double Threshold { get; }

    /// <summary>Every fitted threshold, by score and rule.</summary>
    public Thresholds.ThresholdSet Thresholds { get; }

    /// <summary>Runs <paramref name="work"/> on the model once no other scoring in this process is running.</summary>
    /// <param name="work">The scoring, given the model.</param>
    /// <param name="token">Stops the wait.</param>
    public async Task<T> UseAsync<T>(Func<IFittedDetector, T> work, CancellationToken token = default)
    {
        await Gate.WaitAsync(token);
        try
        {
            return work(detector);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => detector.Dispose();
}
