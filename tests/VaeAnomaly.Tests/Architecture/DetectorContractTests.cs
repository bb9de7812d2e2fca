using System.Reflection;
using System.Text.RegularExpressions;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Tests.Architecture;

/// <summary>
/// Issue 17's contract, kept: commands and benchmarks ask the registry and the capabilities and never name a
/// detector type, and a fitted detector cannot be changed after it is made.
/// </summary>
public sealed partial class DetectorContractTests
{
    /// <summary>Every concrete estimator and fitted detector of the library, and every type that declares a registry entry.</summary>
    private static IReadOnlyList<Type> DetectorTypes { get; } =
        [.. typeof(IFittedDetector).Assembly.GetExportedTypes().Where(t => !t.IsInterface && (typeof(IFittedDetector).IsAssignableFrom(t) || typeof(IDetectorEstimator).IsAssignableFrom(t)
            || t.GetProperties(BindingFlags.Public | BindingFlags.Static).Any(p => p.PropertyType == typeof(DetectorEntry))))];

    [Fact]
    public void CommandsAndBenchmarks_NameNoDetectorType()
    {
        // The GRU-VAE's own study (beta, lambda, architecture) builds that estimator from a whole configuration by design.
        string[] allowed = ["SyntheticStudy.cs"];
        var sources = new[] { "src/VaeAnomaly.Cli", "src/VaeAnomaly.Study", "samples" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !allowed.Contains(Path.GetFileName(f)));

        var offenders = sources
            .SelectMany(f => DetectorTypes.Where(t => Regex.IsMatch(File.ReadAllText(f), $@"\b{t.Name}\b")).Select(t => $"{Path.GetRelativePath(TestPaths.RepositoryRoot, f)} names {t.Name}"))
            .ToArray();

        Assert.True(DetectorTypes.Count >= 6, $"found only {DetectorTypes.Count} detector types");
        Assert.True(offenders.Length == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void FittedDetectors_HaveNoSettersAndNoPublicConstructors()
    {
        var fitted = DetectorTypes.Where(t => typeof(IFittedDetector).IsAssignableFrom(t)).ToArray();

        var setters = fitted.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true).Select(p => $"{t.Name}.{p.Name}"));
        var constructors = fitted.Where(t => t.GetConstructors().Length > 0).Select(t => t.Name);

        Assert.NotEmpty(fitted);
        Assert.Empty(setters);
        Assert.Empty(constructors); // made only by an estimator's Fit or by loading a bundle
    }

    [Fact]
    public void Registry_ListsEveryEntryTheDetectorFilesDeclare()
    {
        // Each detector's file declares its entries as static DetectorEntry properties; the registry lists all of them.
        var declared = DetectorTypes.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(DetectorEntry)).Select(p => (DetectorEntry)p.GetValue(null)!)).ToArray();

        Assert.Equal(declared.Select(e => e.Name).Order(), DetectorRegistry.Names.Order());
    }
}
