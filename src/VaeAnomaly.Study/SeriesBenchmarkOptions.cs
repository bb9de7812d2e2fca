namespace VaeAnomaly.Study;

/// <summary>What <see cref="SeriesBenchmark"/> reads and how it trains.</summary>
/// <param name="LabelColumn">The test files' 0/1 label column.</param>
/// <param name="TimeColumn">The time column; null to detect it.</param>
/// <param name="TargetColumns">Watched columns for the models that take them; null for all.</param>
/// <param name="Seed">Seed of every model.</param>
/// <param name="Epochs">Largest number of epochs for the models that train; null for each model's default.</param>
/// <param name="Window">
/// Window of the models that take one: null for each model's default, 0 for each pair's own period (<see cref="Data.DominantPeriod"/>
/// of the watched columns of the train file's fit part, <see cref="Data.DominantPeriod.Fallback"/> when it has none), or a length in rows.
/// </param>
/// <param name="CrossFit">Blocks of the <c>crossfit</c> rule (<see cref="Study.CrossFit"/>: that many more models per pair); 0 leaves the rule out.</param>
/// <param name="Missing">What the train and test files' empty, NaN or infinite cells are: an error, or gaps to fill or drop.</param>
/// <param name="Columns">The value columns of both files, by name; null for every column but the time and label columns.</param>
/// <param name="Online">
/// Stream each pair, the train rows then the test rows, through a detector that keeps learning (<see cref="Streaming.OnlineDetector"/>
/// with <see cref="Streaming.OnlineOptions.For"/> the train file's length): each test row's score is its surprise, flagged above
/// <see cref="Scoring.SurpriseFlags.Flag"/>, and the fitted rules do not apply.
/// </param>
public sealed record SeriesBenchmarkOptions(string LabelColumn = "anomaly", string? TimeColumn = null, IReadOnlyList<string>? TargetColumns = null, int Seed = 42, int? Epochs = null, int? Window = null, int CrossFit = 0,
    Data.MissingValues Missing = Data.MissingValues.Error, IReadOnlyList<string>? Columns = null, bool Online = false);
