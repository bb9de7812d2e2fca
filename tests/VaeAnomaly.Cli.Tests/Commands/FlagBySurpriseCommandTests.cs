using System.Globalization;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>--flag-by surprise</c> at <c>score</c> and <c>evaluate</c>: flags that follow a drifting series.</summary>
[Collection(TorchCollection.Name)]
public sealed class FlagBySurpriseCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Score_DriftingSeries_SurpriseFlagsTheJumpWhereTheThresholdFlagsTheDrift()
    {
        // Given: a range check trained on a sine; a test series whose level drifts up by 3 (never seen in training)
        // with a labelled jump of 20 at rows 300-302
        string Rows(int n, bool test) => "t,v0\n" + string.Concat(Enumerable.Range(0, n).Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{t},{Math.Sin(t / 5.0) + (test ? 3.0 * t / n : 0) + (test && t is >= 300 and < 303 ? 20 : 0):F4}{(test ? $",{(t is >= 300 and < 303 ? 1 : 0)}" : "")}\n")));
        File.WriteAllText(dir.File("train.csv"), Rows(200, test: false));
        File.WriteAllText(dir.File("test.csv"), Rows(400, test: true).Replace("t,v0\n", "t,v0,anomaly\n", StringComparison.Ordinal));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--split", "80/20/0", "--out", dir.File("b"));
        Assert.True(trainExit == 0, trainText);

        // When
        var (plainExit, plainText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--out", dir.File("plain.csv"));
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--flag-by", "surprise", "--out", dir.File("surprise.csv"));
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--bundle", dir.File("b"), "--data", dir.File("test.csv"), "--label-column", "anomaly", "--flag-by", "surprise", "--out", dir.File("eval"));

        // Then: the fixed threshold flags the drifted rows; the surprise flags the jump and a few rows where the drift
        // first leaves the training range (11 here), an order of magnitude fewer
        Assert.True(plainExit == 0 && exit == 0 && evalExit == 0, plainText + text + evalText);
        int Flagged(string file) => File.ReadAllLines(dir.File(file)).Skip(1).Count(l => l.Split(',')[3] == "1");
        var surprise = File.ReadAllLines(dir.File("surprise.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.True(Flagged("plain.csv") > 100, $"{Flagged("plain.csv")} rows flagged by the threshold");
        Assert.True(surprise[300][3] == "1", string.Join(",", surprise[300]));
        Assert.True(Flagged("surprise.csv") <= 15, $"{Flagged("surprise.csv")} rows flagged by surprise");
        Assert.All(surprise, row => Assert.Equal("0.5", row[2]));
        Assert.Contains("surprise", evalText);
    }

    [Fact]
    public async Task FlagBy_FollowedStream_GivesTheBatchSurprise()
    {
        // Given: a range check, and a series scored by surprise in one batch
        string Rows(int n, int shift) => "t,v0\n" + string.Concat(Enumerable.Range(0, n).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t},{(t % 5) + (t >= 60 ? shift : 0)}\n")));
        File.WriteAllText(dir.File("train.csv"), Rows(100, 0));
        File.WriteAllText(dir.File("test.csv"), Rows(100, 9));
        await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--split", "80/20/0", "--out", dir.File("b"));
        var (batchExit, batchText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("test.csv"), "--point-score", "last", "--flag-by", "surprise", "--out", dir.File("batch.csv"));

        // When
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader(File.ReadAllText(dir.File("test.csv"))));
        (int, string) streamed;
        try
        {
            streamed = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", "-", "--follow", "--online", "off", "--flag-by", "surprise", "--out", "-");
        }
        finally
        {
            System.Console.SetIn(previous);
        }

        // Then: the same rows, scores and flags
        Assert.True(batchExit == 0 && streamed.Item1 == 0, batchText + streamed.Item2);
        var batch = File.ReadAllLines(dir.File("batch.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var lines = streamed.Item2.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.TrimEnd('\r').Split(',')).ToArray();
        Assert.Equal(100, lines.Length);
        for (var t = 0; t < 100; t++)
        {
            Assert.Equal(double.Parse(batch[t][1], CultureInfo.InvariantCulture), double.Parse(lines[t][1], CultureInfo.InvariantCulture), 5);
            Assert.Equal(batch[t][3], lines[t][3]);
        }

        Assert.Contains(lines, l => l[3] == "1"); // the shift at row 60
    }

    [Fact]
    public async Task FlagBy_WithSequences_IsRefused()
    {
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic", "--out", dir.File("syn"), "--train", "30", "--val", "10", "--test", "10");
        Assert.True(exit == 0, text);
        await CliRunner.RunAsync("train", "--model", "pca", "--data", dir.File("syn"), "--window", "8", "--out", dir.File("b"));

        (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("syn"), "--flag-by", "surprise", "--out", dir.File("s.csv"));

        Assert.Equal(1, exit);
        Assert.Contains("--flag-by applies to a series", text);
    }
}
