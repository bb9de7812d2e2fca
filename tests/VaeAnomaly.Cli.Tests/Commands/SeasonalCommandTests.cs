using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>train --model seasonal</c>: the period it uses, found or given, said at training and by <c>inspect</c>.</summary>
public sealed class SeasonalCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Train_WithoutAPeriod_SaysThePeriodItFound_AndInspectShowsIt_WhileAGivenOneIsSaidAsGiven()
    {
        // Given: 30 days of 24 hourly rows, a daily cycle on a rising level with noise
        var random = new Random(4);
        var data = SeriesFile.Write(dir.File("hours.csv"), "t,load", 720, t => string.Create(CultureInfo.InvariantCulture,
            $"{t},{(5 * Math.Sin(2 * Math.PI * t / 24)) + (0.01 * t) + random.NextDouble():0.####}"));

        // When
        var (found, foundText) = await CliRunner.RunAsync("train", "--model", "seasonal", "--data", data, "--out", dir.File("found"));
        var (inspected, inspectText) = await CliRunner.RunAsync("inspect", "--bundle", dir.File("found"));
        var json = await CliRunner.RunSplitAsync(CancellationToken.None, "inspect", "--bundle", dir.File("found"), "--json");
        var (given, givenText) = await CliRunner.RunAsync("train", "--model", "seasonal", "--period", "12", "--data", data, "--out", dir.File("given"));

        // Then
        Assert.True(found == 0, foundText);
        Assert.Contains("the 3 periods before it: a period of 24 rows, found in the training rows (--period sets it)", CliRunner.Collapse(foundText), StringComparison.Ordinal);
        Assert.True(inspected == 0, inspectText);
        Assert.Contains("period 24 rows: each row is judged against the same point of the periods before it", CliRunner.Collapse(inspectText), StringComparison.Ordinal);
        Assert.Equal(24, JsonDocument.Parse(json.Output).RootElement.GetProperty("period").GetInt32());
        Assert.True(given == 0, givenText);
        Assert.Contains("a period of 12 rows, as --period gave it", CliRunner.Collapse(givenText), StringComparison.Ordinal);
    }
}
