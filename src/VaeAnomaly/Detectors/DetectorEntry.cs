namespace VaeAnomaly.Detectors;

/// <summary>One model of <see cref="DetectorRegistry"/>: how to create its estimator, restore its bundles, and which settings it takes.</summary>
/// <param name="Name">The name <c>--model</c> takes and bundles store, e.g. <c>conv-ae</c>.</param>
/// <param name="Description">What it is, in a few words.</param>
/// <param name="Settings">The <see cref="DetectorSettings.Names"/> it takes; others are refused.</param>
/// <param name="Variants">Its versions (<see cref="DetectorSettings.Variant"/>) with a description each; empty when it has one.</param>
/// <param name="Create">Builds an estimator from settings (already checked against <paramref name="Settings"/>).</param>
/// <param name="Restore">Loads a bundle of this model: the folder and the threshold rule (null for the bundle's own).</param>
public sealed record DetectorEntry(
    string Name,
    string Description,
    IReadOnlySet<string> Settings,
    IReadOnlyList<(string Name, string Description)> Variants,
    Func<DetectorSettings, IDetectorEstimator> Create,
    Func<string, string?, IFittedDetector> Restore)
{
    /// <summary>
    /// The settings with those this model does not take left out: for a protocol that runs many models with its own
    /// settings (epochs for the ones that train, a window for the ones that have one). A caller that names settings for
    /// one model passes them to <see cref="DetectorRegistry.Create"/> as they are, where one not taken is refused.
    /// </summary>
    /// <param name="settings">The protocol's settings.</param>
    public DetectorSettings Taking(DetectorSettings settings) => settings.Keeping(Settings);

    /// <summary>What its one score measures, in a few words for reports (an evaluation's text and figures).</summary>
    public string ScoreWords { get; init; } = "reconstruction error";

    /// <summary>
    /// Whether it measures each column against the column's spread in the training rows (a column constant there counts
    /// in its own units, a spread of 1); false for a model that judges each row against its recent rows' own spread.
    /// </summary>
    public bool ScalesByTrainingSpread { get; init; } = true;

    /// <summary>
    /// Whether <c>compare --models all</c> trains it on whole sequences; false for a model that needs one series' rhythm
    /// (<c>seasonal</c>), which is compared only when named.
    /// </summary>
    public bool ComparedOnSequences { get; init; } = true;

    /// <summary>The windows this model reads are a multiple of this many rows (conv-ae pools twice by 2: 4); 1 for any length.</summary>
    public int WindowMultiple { get; init; } = 1;

    /// <summary>The shortest window this model reads that holds at least <paramref name="rows"/> rows (a multiple of <see cref="WindowMultiple"/>).</summary>
    /// <param name="rows">The rows wanted (at least 1).</param>
    public int WindowFor(int rows) => (rows + WindowMultiple - 1) / WindowMultiple * WindowMultiple;

    /// <summary>
    /// The window this model reads of a series chosen from its own rhythm, without labels (<c>--window auto</c>): the
    /// <see cref="Data.DominantPeriod"/> of <paramref name="columns"/> of <paramref name="rows"/>, or
    /// <see cref="Data.DominantPeriod.Fallback"/> when it has none, as <see cref="WindowFor"/> rounds it.
    /// </summary>
    /// <param name="rows">The rows the model is fitted on (never a later or labelled row).</param>
    /// <param name="columns">The watched column indices.</param>
    public int WindowOf(Data.Series rows, IReadOnlyList<int> columns) => WindowFor(Data.DominantPeriod.Of(rows, columns) ?? Data.DominantPeriod.Fallback);
}
