using System.CommandLine;
using Spectre.Console.Testing;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary>
/// Random and hostile values for every option of every command: the exit code is always 0, 1, 2 or 130 and no run
/// prints a stack trace or an internal error (issue 22: a number that did not parse aborted the process).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OptionFuzzTests : IDisposable
{
    /// <summary>Values a hostile or careless user types: malformed numbers, extremes, separators, paths to odd places.</summary>
    private static readonly string[] Tokens =
    [
        "", " ", "-1", "0", "1", "2", "1e3", "1.5", "-0", "+7", "0x10", "99999999999", "2147483648", "-2147483649", "65537", "1000001",
        "NaN", "Infinity", "-Infinity", "1e308", "1e-320", "abc", "١٢", "🙂", "--", "-", "1,2", ",", ",,", "a,a", "tab", "\\t", ";;", "\t",
        "\"", "70/15/15", "0/0/100", "50/50/0", "/dev/zero", "/", ".", "..", "pot", "quantile", "gru-vae", "dense-ae v9", "all",
        "@/dev/zero", "@missing-response-file",
        new string('9', 400), new string('a', 10_000),
    ];

    private readonly TempDirectory dir = new();

    public OptionFuzzTests()
    {
        // An output folder that exists and holds a file of the user's: any run that gets past parsing stops at the
        // output check (exit 1) before any work, so the fuzz stays fast and writes nothing.
        Directory.CreateDirectory(dir.File("full"));
        File.WriteAllText(dir.File("full/mine.txt"), "mine");
    }

    public void Dispose() => dir.Dispose();

    /// <summary>Every command that runs (leaves of the tree), with its path of names.</summary>
    private static IEnumerable<(string[] Path, Command Command)> Leaves(Command command, string[] path)
    {
        if (command.Subcommands.Count == 0)
        {
            yield return (path, command);
        }

        foreach (var sub in command.Subcommands)
        {
            foreach (var leaf in Leaves(sub, [.. path, sub.Name]))
            {
                yield return leaf;
            }
        }
    }

    public static TheoryData<string> Commands() =>
        [.. Leaves(VaeAnomalyCli.Create(new TestConsole()), []).Select(l => string.Join(' ', l.Path))];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Run_RandomOptionValues_ExitWithACodeAndAMessageNeverATrace(string name)
    {
        // Given: the command, the values its required options need to get past parsing, and a seeded generator
        var (_, command) = Leaves(VaeAnomalyCli.Create(new TestConsole()), []).Single(l => string.Join(' ', l.Path) == name);
        var valued = command.Options.Where(o => o.ValueType != typeof(bool) && o.Name is not "--help" and not "--out").ToArray();
        var rng = new Random(22 + name.Sum(c => c)); // seeded by the command's name, the same on every run
        var checkedRuns = 0;

        for (var run = 0; run < 40; run++)
        {
            var args = new List<string>(name.Split(' '));
            var chosen = valued.OrderBy(_ => rng.Next()).Take(1 + rng.Next(3)).ToArray();
            foreach (var option in chosen)
            {
                args.AddRange([option.Name, Tokens[rng.Next(Tokens.Length)]]);
            }

            foreach (var required in command.Options.Where(o => o.Required && !chosen.Contains(o)))
            {
                args.AddRange([required.Name, required.Name == "--out" ? dir.File("full") : dir.File("missing-input")]);
            }

            if (!args.Contains("--out") && command.Options.Any(o => o.Name == "--out"))
            {
                args.AddRange(["--out", dir.File("full")]);
            }

            // When
            var (exit, output) = await CliRunner.RunAsync([.. args]);

            // Then
            var shown = string.Join(' ', args.Select(a => a.Length > 40 ? a[..40] + "..." : a));
            Assert.True(exit is 0 or 1 or 2 or 130, $"exit {exit} for: {shown}\n{output}");
            Assert.DoesNotContain("   at ", output);
            Assert.DoesNotContain("internal error", output);
            Assert.DoesNotContain("Unhandled exception", output);
            Assert.True(output.Length < 20_000, $"a {output.Length}-character message for: {shown}");
            checkedRuns++;
        }

        Assert.Equal(40, checkedRuns);
        Assert.Equal("mine", File.ReadAllText(dir.File("full/mine.txt")));
    }

    [Theory]
    [InlineData("@/dev/zero")]
    [InlineData("@missing-response-file")]
    public async Task Run_ResponseFileArgument_IsAnUnknownArgumentNotAFileToRead(string argument)
    {
        // '@/dev/zero' read as a response file grew to 8 GB: response files are off
        var before = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;

        var (exit, output) = await CliRunner.RunAsync("train", argument, "--data", dir.File("missing"), "--out", dir.File("bundle"));

        Assert.Equal(1, exit);
        Assert.Contains($"Unrecognized command or argument '{argument}'", output);
        Assert.True(System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 - before < 256L << 20);
    }

    [Theory]
    [InlineData("--epochs", "1e3")]
    [InlineData("--epochs", "99999999999")]
    [InlineData("--batch-size", "-3")]
    [InlineData("--latent", "70000")]
    [InlineData("--lr", "abc")]
    [InlineData("--lr", "NaN")]
    [InlineData("--beta", "Infinity")]
    [InlineData("--time-features", "17")]
    [InlineData("--mc-samples", "1e9")]
    [InlineData("--delimiter", ";;")]
    [InlineData("--columns", "value,value")]
    [InlineData("--columns", "value,,x")]
    [InlineData("--data", "")]
    [InlineData("--seed", "abc")]
    [InlineData("--seed", "1.5")]
    [InlineData("--seed", "99999999999")]
    public async Task Train_BadOptionValue_RefusedWithTheOptionNamed(string option, string value)
    {
        // When
        string[] data = option == "--data" ? [] : ["--data", dir.File("missing")];
        var (exit, output) = await CliRunner.RunAsync(["train", .. data, "--out", dir.File("bundle"), option, value]);

        // Then
        Assert.Equal(1, exit);
        Assert.Contains(option, output);
        Assert.DoesNotContain("System.", output);
        Assert.False(Directory.Exists(dir.File("bundle")));
    }
}
