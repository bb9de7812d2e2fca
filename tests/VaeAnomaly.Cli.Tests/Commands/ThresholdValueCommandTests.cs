using System.Globalization;
using System.Text.Json;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>--threshold NUMBER</c> at score and evaluate: the user's own threshold in place of the bundle's fitted one.</summary>
[Collection(TorchCollection.Name)]
public sealed class ThresholdValueCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>
    /// A range check on v0 fitted on a saw 0, 0.1, ..., 1.9 repeated (range [0, 1.9]), and a labelled test file of 40 rows
    /// at 1, but 2.5 at row 10 (score (2.5 - 1.9) / 1.9 = 0.316) and 4 at row 30 (score 2.1 / 1.9 = 1.105).
    /// </summary>
    private async Task<string> RangeBundle()
    {
        SeriesFile.Write(dir.File("train.csv"), "t,v0", 200, t => string.Create(CultureInfo.InvariantCulture, $"{t},{t % 20 / 10.0}"));
        SeriesFile.Write(dir.File("test.csv"), "t,v0,anomaly", 40, t => string.Create(CultureInfo.InvariantCulture, $"{t},{t switch { 10 => 2.5, 30 => 4.0, _ => 1.0 }},{(t is 10 or 30 ? 1 : 0)}"));
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--split", "80/20/0", "--out", dir.File("b"));
        Assert.True(exit == 0, text);
        return dir.File("b");
    }

    private static string[][] Rows(string path) => [.. File.ReadAllLines(path).Skip(1).Select(l => l.Split(','))];

    [Fact]
    public async Task Score_SeriesWithANumber_FlagsTheRowsAboveIt_AndSaysTheThresholdWasGiven()
    {
        // Given
        var bundle = await RangeBundle();

        // When: the bundle's own threshold, then 0.5, which lies between the two out-of-range rows' scores
        var (ownExit, ownText) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("test.csv"), "--label-column", "anomaly", "--out", dir.File("own.csv"));
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("test.csv"), "--label-column", "anomaly", "--threshold", "0.5", "--out", dir.File("given.csv"));

        // Then: the fitted threshold flags both rows, 0.5 only row 30; every row carries 0.5 as its threshold
        Assert.True(ownExit == 0, ownText);
        Assert.True(exit == 0, text);
        Assert.Equal([10, 30], Rows(dir.File("own.csv")).Select((r, t) => (r, t)).Where(x => x.r[3] == "1").Select(x => x.t));
        var given = Rows(dir.File("given.csv"));
        Assert.Equal([30], given.Select((r, t) => (r, t)).Where(x => x.r[3] == "1").Select(x => x.t));
        Assert.Equal(0.316, double.Parse(given[10][1], CultureInfo.InvariantCulture), 3);
        Assert.Equal(1.105, double.Parse(given[30][1], CultureInfo.InvariantCulture), 3);
        Assert.All(given, r => Assert.Equal(0.5, double.Parse(r[2], CultureInfo.InvariantCulture)));
        Assert.Contains("above the fixed threshold", CliRunner.Collapse(text));
    }

    [Fact]
    public async Task Follow_WithANumber_FlagsAsTheBatchDoes()
    {
        // Given
        var bundle = await RangeBundle();
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader(File.ReadAllText(dir.File("test.csv"))));
        try
        {
            // When
            var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow", "--online", "off", "--threshold", "0.2");

            // Then: rows 10 and 30 are both above 0.2, each written with it
            Assert.True(exit == 0, text);
            var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.TrimEnd('\r').Split(',')).ToArray();
            Assert.Equal(["10", "30"], rows.Where(r => r[3] == "1").Select(r => r[0]));
            Assert.All(rows, r => Assert.Equal("0.2", r[2]));
        }
        finally
        {
            System.Console.SetIn(previous);
        }
    }

    [Fact]
    public async Task Evaluate_SeriesWithANumber_MeasuresTheConfusionThere_AndTheReportSaysItWasGiven()
    {
        // Given
        var bundle = await RangeBundle();

        // When
        var (exit, text) = await CliRunner.RunAsync("evaluate", "--bundle", bundle, "--data", dir.File("test.csv"), "--label-column", "anomaly", "--threshold", "0.5", "--out", dir.File("eval"));

        // Then: one of the two anomalous rows above 0.5, no normal row: precision 1, recall 0.5
        Assert.True(exit == 0, text);
        var metrics = JsonDocument.Parse(File.ReadAllText(dir.File("eval/metrics.json"))).RootElement.GetRawText();
        Assert.Contains("\"precision\":1", metrics.Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains("\"recall\":0.5", metrics.Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains("<b>0.5</b>, given with --threshold (not fitted)", File.ReadAllText(dir.File("eval/report.html")));
    }

    [Fact]
    public async Task Score_SeriesFlaggedFarMoreThanTheRuleFlagsNormalData_SaysTheDataDifferFromTraining()
    {
        // Given: the range bundle; a series of 150 rows all above its range (a level shift), and the training series itself
        var bundle = await RangeBundle();
        SeriesFile.Write(dir.File("shifted.csv"), "t,v0", 150, t => string.Create(CultureInfo.InvariantCulture, $"{t},{2.5 + (t % 5 / 10.0)}"));

        // When
        var (shiftedExit, shifted) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("shifted.csv"), "--out", dir.File("shifted-scores.csv"));
        var (sameExit, same) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("train.csv"), "--out", dir.File("same-scores.csv"));
        var (givenExit, given) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("shifted.csv"), "--threshold", "0.1", "--out", dir.File("given-scores.csv"));

        // Then: the shifted series is flagged whole, and says so with what to do; the training series and a threshold of the user's say nothing
        Assert.True(shiftedExit == 0 && sameExit == 0 && givenExit == 0, shifted + same + given);
        Assert.Contains("note: 100.0 % of the time steps are above the threshold (the quantile rule leaves about 1 % of the normal data it was fitted on above it).", CliRunner.Collapse(shifted));
        Assert.Contains("--flag-by surprise follows a drifting series", CliRunner.Collapse(shifted));
        Assert.DoesNotContain("note:", same);
        Assert.DoesNotContain("note:", given);
    }

    [Fact]
    public async Task Follow_SeriesFlaggedFarMoreThanTheRuleFlagsNormalData_SaysSoOnTheErrorStream_NotAmongTheScores()
    {
        // Given: the range bundle and 150 rows above its range, piped in
        var bundle = await RangeBundle();
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader("t,v0\n" + string.Concat(Enumerable.Range(0, 150).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},3\n")))));
        try
        {
            // When
            var (exit, output, error) = await CliRunner.RunSplitAsync(CancellationToken.None, "score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow", "--online", "off");

            // Then
            Assert.True(exit == 0, output + error);
            Assert.Equal(151, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.DoesNotContain("note:", output);
            Assert.Contains("note: 100.0 % of the time steps are above the threshold", CliRunner.Collapse(error));
        }
        finally
        {
            System.Console.SetIn(previous);
        }
    }

    [Theory]
    [InlineData("train", "--threshold is '2.5'; expected quantile, mean-std, pot (a number applies at score and evaluate, which use a bundle as it is).")]
    [InlineData("score", "--threshold is 'high'; expected quantile, mean-std, pot or a finite number (e.g. 2.5).")]
    [InlineData("score-nan", "--threshold is 'NaN'; expected quantile, mean-std, pot or a finite number (e.g. 2.5).")]
    [InlineData("surprise", "--flag-by surprise flags each point by its surprise next to the series' own earlier scores; --threshold applies with --flag-by threshold.")]
    [InlineData("evaluate-surprise", "--flag-by surprise flags each point by its surprise next to the series' own earlier scores; --threshold applies with --flag-by threshold.")]
    public async Task Threshold_ThatIsNeitherARuleNorANumberWhereOneIsTaken_OrBesideSurpriseFlags_IsRefused(string command, string expected)
    {
        var bundle = await RangeBundle();
        var (exit, text) = command switch
        {
            "train" => await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--threshold", "2.5", "--out", dir.File("b2")),
            "score" => await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("test.csv"), "--threshold", "high", "--out", dir.File("s.csv")),
            "surprise" => await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("test.csv"), "--threshold", "0.5", "--flag-by", "surprise", "--out", dir.File("s.csv")),
            "evaluate-surprise" => await CliRunner.RunAsync("evaluate", "--bundle", bundle, "--data", dir.File("test.csv"), "--label-column", "anomaly", "--threshold", "quantile", "--flag-by", "surprise", "--out", dir.File("s.csv")),
            _ => await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("test.csv"), "--threshold", "NaN", "--out", dir.File("s.csv")),
        };

        Assert.Equal(1, exit);
        Assert.Contains(expected, CliRunner.Collapse(text));
        Assert.False(Directory.Exists(dir.File("b2")));
        Assert.False(File.Exists(dir.File("s.csv")));
    }
}
