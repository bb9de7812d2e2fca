using System.Diagnostics;
using System.Reflection;

namespace VaeAnomaly.Tests.Native;

/// <summary>
/// The library as a user's own project gets it: packed, restored from a folder, built and run outside the repository,
/// where nothing of ours but the package can make TorchSharp load (docs/torchsharp.md).
/// </summary>
public sealed class LibraryPackageTests
{
    private const string Program = """
        using VaeAnomaly.Data;
        using VaeAnomaly.Detectors;

        var random = new Random(1);
        SequenceSet Make(int n) => new(["a", "b"], Enumerable.Range(0, n)
            .Select(i => new Sequence($"s{i}", Enumerable.Range(0, 128).Select(t => (float)Math.Sin((t * 0.1) + random.NextDouble())).ToArray()))
            .ToList());
        using var detector = DetectorRegistry.Create("dense-vae", new DetectorSettings { Seed = 1, Epochs = 1 }).Fit(Make(20), Make(5));
        Console.WriteLine($"fitted {detector.Name}, {detector.Score(Make(3)).Count(float.IsFinite)} finite scores");
        """;

    [Fact]
    public async Task PackedLibrary_InAProjectOfItsOwn_BuildsAndTrainsWithTorchSharp()
    {
        // Given: the library packed as these tests were built, under a version no package cache holds, and a project
        // outside the repository that references the package (every other package comes from the machine's cache)
        using var dir = new TempDirectory();
        var configuration = typeof(LibraryPackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var version = "0.0.0-consumer." + Guid.NewGuid().ToString("N")[..12];
        var packed = await Dotnet(TestPaths.RepositoryRoot, "pack", Path.Combine("src", "VaeAnomaly"), "-c", configuration, "--no-build",
            "-o", dir.File("feed"), $"-p:Version={version}", $"-p:NuspecOutputPath={dir.File("nuspec")}{Path.DirectorySeparatorChar}");
        Assert.True(packed.Exit == 0, packed.Output);
        var app = Directory.CreateDirectory(dir.File("app")).FullName;
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources><add key="feed" value="{dir.File("feed")}" /></packageSources>
              <fallbackPackageFolders><add key="cache" value="{cache}" /></fallbackPackageFolders>
              <config><add key="globalPackagesFolder" value="{dir.File("packages")}" /></config>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="VaeAnomaly" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), Program);

        // When: built and run as its user would
        var built = await Dotnet(app, "build", "-c", "Release");
        Assert.True(built.Exit == 0, built.Output);
        var ran = await Dotnet(app, Path.Combine("bin", "Release", "net10.0", "app.dll"));

        // Then: libtorch loaded and trained (before the package carried the patch, TorchSharp's type initializer threw here)
        Assert.True(ran.Exit == 0, ran.Output);
        Assert.Contains("fitted dense-vae, 3 finite scores", ran.Output);
    }

    /// <summary>Runs <c>dotnet</c> with none of the test host's MSBuild settings and no build server left behind.</summary>
    private static async Task<(int Exit, string Output)> Dotnet(string folder, params string[] arguments)
    {
        var building = arguments[0] is "build" or "pack";
        var start = new ProcessStartInfo("dotnet", building ? [.. arguments, "--disable-build-servers", "-nologo"] : arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k == "NUGET_PACKAGES").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"dotnet {string.Join(' ', arguments)} ran past 5 minutes");
        }

        return (process.ExitCode, $"dotnet {string.Join(' ', arguments)}:\n{await output}\n{await error}");
    }
}
