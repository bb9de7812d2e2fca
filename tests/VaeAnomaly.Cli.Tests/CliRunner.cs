using System.CommandLine;
using Spectre.Console.Testing;

namespace VaeAnomaly.Cli.Tests;

/// <summary>Runs the CLI in-process against a <see cref="TestConsole"/>.</summary>
internal static class CliRunner
{
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    /// <summary>Runs with a token that stands for Ctrl+C.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(CancellationToken ct, params string[] args)
    {
        var (exit, output, error) = await RunSplitAsync(ct, args);
        return (exit, output + error);
    }

    /// <summary>Runs and keeps the console's output (a command's data with <c>--out -</c>) apart from the error stream.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunSplitAsync(CancellationToken ct, params string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var error = new StringWriter();
        var exit = await VaeAnomalyCli.Parse(console, args).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, ct);
        return (exit, console.Output, error.ToString());
    }

    /// <summary>Runs <paramref name="run"/> with <paramref name="input"/> as the process's standard input (a piped stream).</summary>
    public static async Task<(int Exit, string Text)> WithStandardInput(string input, Func<Task<(int, string)>> run)
    {
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader(input));
        try
        {
            return await run();
        }
        finally
        {
            System.Console.SetIn(previous);
        }
    }

    /// <summary>The text with every run of white space (a console's line wrapping) made one space, to compare a message in it.</summary>
    public static string Collapse(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}

/// <summary>Tests that touch libtorch never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "libtorch";
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vae-anomaly-cli-tests-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
