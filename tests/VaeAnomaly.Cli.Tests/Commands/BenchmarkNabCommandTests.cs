using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>benchmark nab</c> on a small folder in NAB's layout.</summary>
[Collection(TorchCollection.Name)]
public sealed class BenchmarkNabCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>A daily-like sine at 5-minute steps, 500 rows unless told; 20 rows from <paramref name="jump"/> (400 unless told) jump by 5.</summary>
    private void WriteFile(string category, string name, int rows = 500, int jump = 400)
    {
        var start = new DateTime(2014, 4, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var lines = new List<string> { "timestamp,value" };
        for (var t = 0; t < rows; t++)
        {
            var value = Math.Sin(t / 8.0) + (t >= jump && t < jump + 20 ? 5.0 : 0.0);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(5 * t):yyyy-MM-dd HH:mm:ss},{value:F4}"));
        }

        Directory.CreateDirectory(dir.File(Path.Combine("nab", category)));
        File.WriteAllText(dir.File(Path.Combine("nab", category, name)), string.Join("\n", lines)); // NAB's files end without a newline
    }

    /// <summary><see cref="WriteFile"/>'s one file in realTest, its jump (rows 400-419 unless told) NAB's one labelled window.</summary>
    private void WriteLabelledFile(int rows = 500, int jump = 400)
    {
        WriteFile("realTest", "one.csv", rows, jump);
        var start = new DateTime(2014, 4, 1, 0, 0, 0, DateTimeKind.Unspecified);
        File.WriteAllText(dir.File("nab/combined_windows.json"), string.Create(CultureInfo.InvariantCulture,
            $$"""{ "realTest/one.csv": [["{{start.AddMinutes(5 * jump):yyyy-MM-dd HH:mm:ss}}.000000", "{{start.AddMinutes(5 * (jump + 19)):yyyy-MM-dd HH:mm:ss}}.000000"]] }"""));
    }

    /// <summary>The anomaly scores a run into <paramref name="folder"/> wrote for that file, one per row.</summary>
    private double[] WrittenScores(string folder) =>
        [.. File.ReadAllLines(dir.File($"{folder}/vaeAnomaly/realTest/vaeAnomaly_one.csv")).Skip(1).Select(r => double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture))];

    [Fact]
    public async Task BenchmarkNab_SmallFolder_WritesOneResultRowPerDataRowInNabsLayout()
    {
        // Given: rows 400-419 lie in the labelled window (both ends included).
        WriteLabelledFile();

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "gru-vae", "--epochs", "1", "--window", "16", "--rest", "off", "--out", dir.File("out"));
        var (badExit, badText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--detector-name", "vae_anomaly", "--out", dir.File("bad"));
        var (defaultExit, defaultText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--window", "16", "--out", dir.File("default"));

        // Then
        Assert.True(exit == 0, text);
        var rows = File.ReadAllLines(dir.File("out/vaeAnomaly/realTest/vaeAnomaly_one.csv"));
        Assert.Equal("timestamp,value,anomaly_score,label", rows[0]);
        Assert.Equal(500, rows.Length - 1);
        var data = File.ReadAllLines(dir.File("nab/realTest/one.csv"));
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(data.Skip(1).Select(l => l.Split(',')[0]), cells.Select(c => c[0]));
        Assert.Equal(data.Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)), cells.Select(c => double.Parse(c[1], CultureInfo.InvariantCulture)), (a, b) => Math.Abs(a - b) < 1e-4);
        var scores = cells.Select(c => double.Parse(c[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(scores.Take(75), s => Assert.Equal(0.0, s)); // probation: floor(0.15 x 500) rows
        Assert.All(scores, s => Assert.InRange(s, 0.0, 1.0));
        Assert.Equal(20, cells.Count(c => c[3] == "1"));
        Assert.Equal("1", cells[400][3]);
        Assert.Equal("1", cells[419][3]);
        Assert.True(scores[405] > scores.Skip(75).Take(300).Max(), "the jump scores above every earlier normal row");
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal(1, summary.RootElement.GetProperty("windows").GetInt32());
        Assert.Contains("Numenta HTM", text);
        Assert.Contains("NAB score", text);
        var standard = summary.RootElement.GetProperty("nab_scores").GetProperty("standard").GetProperty("score").GetDouble();
        Assert.InRange(standard, -1000, 100);

        // The written folder scores the same through nab-score, as any detector's results would.
        var (scoreExit, scoreText) = await CliRunner.RunAsync("benchmark", "nab-score", "--results", dir.File("out/vaeAnomaly"));
        Assert.True(scoreExit == 0, scoreText);
        Assert.Contains(standard.ToString("F1", CultureInfo.InvariantCulture), scoreText);
        Assert.Contains("reward_low_FN_rate", scoreText);
        Assert.NotEqual(0, badExit);
        Assert.Contains("'_'", badText);
        Assert.False(Directory.Exists(dir.File("bad")));

        // With no --model, the best online configuration of the benchmark log runs: knn, resting after each alarm.
        Assert.True(defaultExit == 0, defaultText);
        Assert.Contains("VaeAnomaly knn (seed 0, 1 files, rest auto)", defaultText);
    }

    [Fact]
    public async Task BenchmarkNab_BaselineModel_ScoresEveryRowFromThePastAndAnUnknownModelIsRefused()
    {
        // Given
        WriteLabelledFile();

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "conv-ae", "--epochs", "3", "--window", "16", "--rest", "off", "--out", dir.File("out"));
        var (badExit, badText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "conv", "--out", dir.File("bad"));

        // Then
        Assert.True(exit == 0, text);
        var scores = WrittenScores("out");
        Assert.Equal(500, scores.Length);
        Assert.All(scores.Take(75), s => Assert.Equal(0.0, s));
        Assert.True(scores[405] > scores.Skip(75).Take(300).Max(), "the jump scores above every earlier normal row");
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal("conv-ae", summary.RootElement.GetProperty("model").GetString());
        Assert.Contains("VaeAnomaly conv-ae (seed 0, 1 files)", text);
        Assert.Equal(1, badExit);
        Assert.Contains("Unknown model 'conv'; expected one of dense-ae, lstm-ae, conv-ae, dense-vae, gru-vae", badText);
        Assert.False(Directory.Exists(dir.File("bad")));
    }

    [Fact]
    public async Task BenchmarkNab_Online_RefitsAsTheFileStreams_AndTheDistanceScoreIsRefused()
    {
        // Given
        WriteLabelledFile();

        // When: a range check keeps learning (a refit every max(1, 75 / 4) = 18 rows after the 75 probationary ones)
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "range", "--online", "on", "--out", dir.File("out"));
        var (badExit, badText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "range", "--online", "on", "--anomaly-score", "distance", "--out", dir.File("bad"));

        // Then
        Assert.True(exit == 0, text);
        Assert.Contains("23 refits", text); // (500 - 75) / 18
        var scores = WrittenScores("out");
        Assert.All(scores.Take(75), s => Assert.Equal(0.0, s));
        Assert.All(scores, s => Assert.InRange(s, 0.0, 1.0));
        Assert.True(scores[400] > 0.5 && scores[400] > scores.Skip(75).Take(325).Max(), "the jump is flagged and scores above every earlier normal row");
        Assert.Equal(1, badExit);
        Assert.Contains("Online learning scores each row by its surprise", badText);
        Assert.False(Directory.Exists(dir.File("bad")));
    }

    [Fact]
    public async Task BenchmarkNab_WindowAuto_ReadsEachFilesPeriodFromItsFitRowsAndScoresAsThatWindowGivenByHand()
    {
        // Given: a sine of period 2 pi x 8 = 50.3 rows; 5,000 rows, 750 probationary, the first 562 of them fitting; a jump at 3,000
        WriteLabelledFile(5000, 3000);

        // When: auto, then the window its period gives, by hand
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--window", "auto", "--rest", "off", "--out", dir.File("auto"));
        var (handExit, handText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--window", "50", "--rest", "off", "--out", dir.File("hand"));
        var (badExit, badText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--window", "period", "--out", dir.File("bad"));

        // Then: the window is the period (the autocorrelation of sampled steps peaks at 50), and the scores are those of --window 50
        Assert.True(exit == 0, text);
        Assert.True(handExit == 0, handText);
        Assert.Contains("realTest/one.csv: 5000 rows, probation 750, window 50;", Regex.Replace(text, @"\s+", " "));
        Assert.Equal(WrittenScores("hand"), WrittenScores("auto"));
        Assert.True(WrittenScores("auto")[3000..3020].Max() > 0.5, "the jump is flagged");
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("auto/summary.json")));
        Assert.Equal("auto", summary.RootElement.GetProperty("window").GetString());
        Assert.Equal(1, badExit);
        Assert.Contains("--window takes auto or a whole number of rows from 1 to", Regex.Replace(badText, @"\s+", " "));
        Assert.Contains("'period'", badText);
        Assert.False(Directory.Exists(dir.File("bad")));
    }

    [Fact]
    public async Task BenchmarkNab_NoLabelledWindowAfterTheProbation_WritesItsResultsAndSaysThereIsNoScore()
    {
        // Given: the jump (the one labelled window) at rows 400-419, inside a probation of 750 rows
        WriteLabelledFile(5000);

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "range", "--out", dir.File("out"));
        var (scoreExit, scoreText) = await CliRunner.RunAsync("benchmark", "nab-score", "--results", dir.File("out/vaeAnomaly"));

        // Then: the scores are written and nothing is scored, said as such (was: the run failed at the end on a NaN in summary.json)
        Assert.True(exit == 0, text);
        Assert.Equal(5000, WrittenScores("out").Length);
        Assert.Contains("standard none (no labelled window after the probationary periods)", Regex.Replace(text, @"\s+", " "));
        using var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json")));
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("nab_scores").GetProperty("standard").GetProperty("score").ValueKind);
        Assert.Equal(0, summary.RootElement.GetProperty("nab_scores").GetProperty("standard").GetProperty("windows").GetInt32());
        Assert.True(scoreExit == 0, scoreText);
        Assert.Contains("none (no labelled window", Regex.Replace(scoreText, @"\s+", " "));
    }

    [Fact]
    public async Task BenchmarkNab_AFileTooShortForTheWindowModelsValidation_IsRefusedNamingItsLength()
    {
        // Given: 500 rows, 75 probationary, the last 19 of them validating: fewer than a window of 32
        WriteLabelledFile();

        // When: the default model (knn, a window of 32)
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--out", dir.File("out"));

        // Then: validation needs 32 rows, a quarter of a probation of 128, 15% of 854 rows
        Assert.Equal(1, exit);
        Assert.Contains("one.csv", text);
        Assert.Contains("has 500 rows, a probationary period of 75; a window of 32 rows needs at least 854 rows", text);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task BenchmarkNab_AModelThatRefusesAFile_StopsTheRunNamingTheFileAndWritesNothing()
    {
        // Given: one.csv of 2,000 rows of noise, in which the seasonal finds no period to compare rows with
        WriteLabelledFile(rows: 2000, jump: 1500);
        var random = new Random(5);
        var start = new DateTime(2014, 4, 1, 0, 0, 0, DateTimeKind.Unspecified);
        File.WriteAllText(dir.File("nab/realTest/one.csv"), string.Join("\n", [
            "timestamp,value",
            .. Enumerable.Range(0, 2000).Select(t => string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(5 * t):yyyy-MM-dd HH:mm:ss},{random.NextDouble():F4}")),
        ]));

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "seasonal", "--out", dir.File("out"));

        // Then: the file and the model are named with the reason (the library's message knows no file), and nothing is written
        Assert.Equal(1, exit);
        var said = string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Path.Combine("realTest", "one.csv") + ": seasonal cannot use it: The training rows of [value] show no period", said);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task BenchmarkNab_AShortFileAfterALongOne_StopsTheRunBeforeAnyFileIsRun()
    {
        // Given: a long file first in name order, then the short one
        WriteLabelledFile();
        WriteFile("realA", "long.csv", rows: 2000, jump: 1500);
        var windows = File.ReadAllText(dir.File("nab/combined_windows.json"));
        File.WriteAllText(dir.File("nab/combined_windows.json"), windows.Replace("{ ", """{ "realA/long.csv": [], """, StringComparison.Ordinal));

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--out", dir.File("out"));

        // Then: refused naming the short file, and the long one was never run
        Assert.Equal(1, exit);
        Assert.Contains("one.csv: has 500 rows", text);
        Assert.DoesNotContain("realA/long.csv:", text);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task BenchmarkNab_RestAuto_QuietensAFifthOfTheProbationAfterEachAlarm_AndABadRestIsRefused()
    {
        // Given
        WriteLabelledFile();

        // When: the online range check without and with the rest, the default (75 probationary rows: 15 rows of rest)
        var (plainExit, plainText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "range", "--rest", "off", "--out", dir.File("plain"));
        var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", "range", "--out", dir.File("out"));
        var (badExit, badText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--rest", "soon", "--out", dir.File("bad"));

        // Then: every score as without the rest, except the 15 rows after each alarm (a score above 0.5), written as 0
        Assert.True(plainExit == 0, plainText);
        Assert.True(exit == 0, text);
        var (plain, rested) = (WrittenScores("plain"), WrittenScores("out"));
        var resting = 0;
        for (var t = 75; t < 500; t++)
        {
            Assert.True(resting > 0 ? rested[t] == 0 : rested[t] == plain[t], $"row {t}: {plain[t]} without the rest, {rested[t]} with it, {resting} rows still resting");
            resting = resting > 0 ? resting - 1 : plain[t] > 0.5 ? 15 : 0;
        }

        Assert.True(plain[400] > 0.5 && plain.Skip(401).Take(15).Any(s => s > 0.5), "the jump raises an alarm, and more rows above 0.5 during the rest");
        Assert.Contains("rest auto", text);
        using (var summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/summary.json"))))
        {
            Assert.Equal("auto", summary.RootElement.GetProperty("rest").GetString());
        }

        Assert.Equal(1, badExit);
        Assert.Contains("--rest takes off, auto (a fifth of the training length) or a whole number of rows; got 'soon'", badText);
        Assert.False(Directory.Exists(dir.File("bad")));
    }

    [Theory]
    [InlineData("range", 480, "off", "off")]
    [InlineData("range", 480, "on", "off")]
    [InlineData("range", 480, "off", "auto")]
    [InlineData("knn", 960, "off", "default")] // benchmark nab's default configuration: knn, resting, named by neither option
    public async Task FollowOnline_TheFileOnStandardInput_GivesBenchmarkNabsOnlineScores(string model, int rows, string guard, string rest)
    {
        // Given: the NAB run of a detector that keeps learning, and a bundle trained as it trains: on the probationary rows
        // (72 of 480, 144 of 960), the last quarter of them validating
        WriteLabelledFile(rows);
        var probation = rows * 15 / 100;
        string[] configuration = rest == "default" ? [] : ["--model", model, "--rest", rest];
        var (nabExit, nabText) = await CliRunner.RunAsync(["benchmark", "nab", "--data", dir.File("nab"), "--guard", guard, .. configuration, "--out", dir.File("out")]);
        Assert.True(nabExit == 0, nabText);
        Assert.Contains($"VaeAnomaly {model} (", nabText);
        var file = File.ReadAllLines(dir.File("nab/realTest/one.csv"));
        File.WriteAllLines(dir.File("probation.csv"), file.Take(1 + probation));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", model, "--data", dir.File("probation.csv"), "--split", "75/25/0", "--out", dir.File("b"));
        Assert.True(trainExit == 0, trainText);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("b/model.json"))))
        {
            var data = manifest.RootElement.GetProperty("training_data");
            Assert.Equal((probation * 3 / 4, probation / 4), (data.GetProperty("train_steps").GetInt32(), data.GetProperty("validation_steps").GetInt32()));
        }

        rest = rest == "default" ? "auto" : rest;

        // When: the whole file streams through score --follow, online by default
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader(string.Join("\n", file) + "\n"));
        (int Exit, string Text) followed;
        try
        {
            followed = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", "-", "--out", dir.File("live.csv"), "--follow", "--guard", guard, "--rest", rest);
        }
        finally
        {
            System.Console.SetIn(previous);
        }

        // Then: after the probationary rows, every row's score is the NAB run's
        Assert.True(followed.Exit == 0, followed.Text);
        Assert.Contains("fitted again 22 times", followed.Text); // every probation / 4 rows after the first probation rows
        var nab = WrittenScores("out");
        var liveRows = File.ReadAllLines(dir.File("live.csv")).Skip(1).Select(r => r.Split(',')).ToArray();
        var live = liveRows.Select(c => double.Parse(c[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(rows, live.Length);
        for (var t = probation; t < rows; t++)
        {
            // With a rest, a resting row keeps its score in score --follow (flag 0) and is written as 0 by benchmark nab.
            var resting = nab[t] == 0 && live[t] > 0 && liveRows[t][3] == "0";
            Assert.True(Math.Abs(nab[t] - live[t]) <= 1e-6 || (rest == "auto" && resting), $"row {t}: nab {nab[t]}, follow {live[t]}");
            Assert.Equal(nab[t] > 0.5 ? "1" : "0", liveRows[t][3]);
        }

        Assert.Equal(rest == "auto", Enumerable.Range(probation, rows - probation).Any(t => live[t] > 0.5 && nab[t] == 0));
        Assert.True(live[400] > 0.5, "the jump is flagged");

        // and the range check's jump at rows 400-419 stays above the flag throughout only when guarded (its scores kept out of the history)
        Assert.True(model != "range" || (guard == "on") == live.Skip(400).Take(20).All(s => s > 0.5));
        var (wholeExit, wholeText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("nab/realTest/one.csv"), "--rest", "auto", "--out", dir.File("whole.csv"));
        Assert.Equal(1, wholeExit);
        Assert.Contains("--on-bad-row, --online, --guard, --rest and --state apply to a followed stream (--follow)", wholeText);
        var (offExit, offText) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--online", "off", "--guard", "on", "--out", dir.File("bad"));
        Assert.Equal(1, offExit);
        Assert.Contains("--guard on applies to online learning", offText);
    }

    [Fact]
    public async Task BenchmarkNab_Ensemble_MultipliesThePartsTailProbabilities()
    {
        // Given: the parts run alone, and together
        WriteLabelledFile();
        foreach (var (run, model) in new[] { ("range", "range"), ("gaussian", "gaussian"), ("both", "range+gaussian") })
        {
            var (exit, text) = await CliRunner.RunAsync("benchmark", "nab", "--data", dir.File("nab"), "--model", model, "--window", "16", "--rest", "off", "--out", dir.File(run));
            Assert.True(exit == 0, text);
        }

        // Then: each row's x = s / (1 - s) is the sum of the parts' x
        var (range, gaussian, both) = (WrittenScores("range"), WrittenScores("gaussian"), WrittenScores("both"));
        for (var t = 75; t < 500; t++)
        {
            var x = (range[t] / (1 - range[t])) + (gaussian[t] / (1 - gaussian[t]));
            Assert.True(Math.Abs((x / (1 + x)) - both[t]) <= 1e-5, $"row {t}: parts {range[t]}, {gaussian[t]}, ensemble {both[t]}");
        }

        Assert.True(both.Skip(75).Zip(range.Skip(75)).All(p => p.First >= p.Second - 1e-6), "a product of tails is never less surprising than a part");
        var (skabExit, skabText) = await CliRunner.RunAsync("benchmark", "skab", "--data", dir.File("nab"), "--model", "range+gaussian", "--out", dir.File("skab"));
        Assert.Equal(1, skabExit);
        Assert.Contains("ensembles (a+b) run under benchmark nab", skabText);
    }
}
