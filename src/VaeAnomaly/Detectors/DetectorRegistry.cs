using VaeAnomaly.Persistence;

namespace VaeAnomaly.Detectors;

/// <summary>
/// Every model by name (Merlion's model factory): create an estimator from settings, restore a bundle. Commands and
/// benchmarks ask the registry and the capabilities; none names a detector type. Adding a detector: its file, and one
/// line here.
/// </summary>
public static class DetectorRegistry
{
    /// <summary>The models, in the order tables list them.</summary>
    public static IReadOnlyList<DetectorEntry> All { get; } =
    [
        DenseDetector.AutoencoderEntry,
        WindowAutoencoderDetector.LstmEntry,
        WindowAutoencoderDetector.ConvEntry,
        DenseDetector.VaeEntry,
        GruVaeDetector.Entry,
        PcaEstimator.Entry,
        KnnEstimator.Entry,
        IsolationForestEstimator.Entry,
        RangeEstimator.Entry,
        GaussianEstimator.Entry,
        SeasonalEstimator.Entry,
    ];

    /// <summary>The model trained when none is named: the GRU-VAE of the measured default configuration.</summary>
    public const string DefaultModel = "gru-vae";

    /// <summary>The names, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(e => e.Name)];

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <param name="name">A model name.</param>
    /// <exception cref="ArgumentException">No model has that name; the message lists them.</exception>
    public static DetectorEntry Find(string name) =>
        All.FirstOrDefault(e => e.Name == name) ?? throw new ArgumentException($"Unknown model '{IO.Messages.Cut(name)}'; expected one of {string.Join(", ", Names)}.");

    /// <summary>An estimator of the model named <paramref name="name"/>, with <paramref name="settings"/> over its defaults.</summary>
    /// <param name="name">A model name, optionally with a version: <c>conv-ae v2</c> (the same as <see cref="DetectorSettings.Variant"/>).</param>
    /// <param name="settings">What to set; null for the defaults.</param>
    /// <exception cref="ArgumentException">An unknown model or version, a setting it does not take, or a value it cannot use.</exception>
    public static IDetectorEstimator Create(string name, DetectorSettings? settings = null)
    {
        settings ??= new DetectorSettings();
        var parts = name.Split(' ', 2, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var entry = Find(parts.Length > 0 ? parts[0] : name);
        if (parts.Length == 2)
        {
            settings = settings with { Variant = parts[1] };
        }

        if (settings.Given().FirstOrDefault(s => !entry.Settings.Contains(s)) is { } refused)
        {
            throw new ArgumentException(Refusal(entry, refused));
        }

        if (settings.Variant is { } variant && entry.Variants.Count > 0 && !entry.Variants.Any(v => v.Name == variant))
        {
            throw new ArgumentException($"{entry.Name} has the versions {string.Join(", ", entry.Variants.Select(v => v.Name))}; got '{IO.Messages.Cut(variant)}'.");
        }

        return entry.Create(settings);
    }

    /// <summary>Why <paramref name="entry"/> refuses the setting <paramref name="setting"/>, naming those it takes.</summary>
    /// <param name="entry">The model.</param>
    /// <param name="setting">One of <see cref="DetectorSettings.Names"/>.</param>
    public static string Refusal(DetectorEntry entry, string setting)
    {
        var takers = All.Where(e => e.Settings.Contains(setting)).Select(e => e.Name).ToArray();
        var takes = DetectorSettings.Names.Where(entry.Settings.Contains).ToArray();
        return $"{setting} does not apply to {entry.Name}{(takers.Length > 0 ? $" (it applies to {string.Join(", ", takers)})" : "")}; {entry.Name} takes {(takes.Length == 0 ? "no settings" : string.Join(", ", takes))}.";
    }

    /// <summary>Loads the model a bundle holds, whichever it is, checking it before any weights are read.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="threshold">The threshold rule to flag with; the bundle's own when null.</param>
    /// <exception cref="BundleException">The bundle is missing, corrupted, inconsistent, or of an unknown model.</exception>
    public static IFittedDetector Load(string directory, string? threshold = null)
    {
        var model = DetectorBundle.ModelOf(directory);
        var entry = All.FirstOrDefault(e => e.Name == model)
            ?? throw new BundleException(directory, $"holds a model '{IO.Messages.Cut(model)}' this version does not know; expected one of {string.Join(", ", Names)}");
        return entry.Restore(directory, threshold);
    }

    /// <summary>Every model and version as a comparison trains them: <c>gru-vae</c>, <c>dense-ae v1</c>, ..., <c>conv-ae v3</c>.</summary>
    public static IReadOnlyList<ModelVersion> Versions() =>
        [.. All.SelectMany(e => e.Variants.Count == 0 ? [new ModelVersion(e.Name, e.Description)] : e.Variants.Select(v => new ModelVersion($"{e.Name} {v.Name}", v.Description)))];

    /// <summary>
    /// The versions named in <paramref name="names"/> (<c>all</c> for every one that a comparison on whole sequences
    /// trains, <see cref="DetectorEntry.ComparedOnSequences"/>; a bare name such as <c>lstm-ae</c> takes all its versions).
    /// </summary>
    /// <param name="names">Comma-separated names.</param>
    /// <exception cref="ArgumentException">A name matches nothing.</exception>
    public static IReadOnlyList<ModelVersion> Select(string names)
    {
        var all = Versions();
        if (names.Trim() == "all")
        {
            return [.. all.Where(v => Find(v.Name.Split(' ')[0]).ComparedOnSequences)];
        }

        var picked = new List<ModelVersion>();
        foreach (var name in names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var matches = all.Where(v => v.Name == name || v.Name.StartsWith(name + " ", StringComparison.Ordinal)).ToArray();
            picked.AddRange(matches.Length > 0 ? matches
                : throw new ArgumentException($"Unknown model '{IO.Messages.Cut(name)}'; expected all, or among {string.Join(", ", Names)} (optionally with a version: 'lstm-ae v2')."));
        }

        return [.. picked.Distinct()];
    }
}
