namespace VaeAnomaly.Tests;

/// <summary>Locates the repository and the <c>shared/</c> folder beside it.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string MetricVectors => Path.Combine(Shared, "testvectors", "metrics.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VaeAnomaly.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No VaeAnomaly.slnx above {AppContext.BaseDirectory}.");
    }
}
