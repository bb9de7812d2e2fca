using System.Globalization;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary>
/// What <c>--force</c> may replace: only an earlier output of the tool that holds nothing else; never an input, a
/// folder holding an input, a folder of the user's, or a file the tool did not write (issue 22, first defect).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OutputSafetyTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string WriteSeries(string path, int rows, bool labelled = false) =>
        SeriesFile.Write(path, labelled ? "timestamp,value,anomaly" : "timestamp,value", rows,
            t => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 5.0):F4}{(labelled ? $",{(t % 50 == 7 ? 1 : 0)}" : "")}"));

    private static string[] Train(string data, string output, params string[] more) =>
        ["train", "--data", data, "--out", output, "--model", "dense-ae", "--window", "8", "--epochs", "1", "--split", "70/30/0", .. more];

    /// <summary>Every file below <paramref name="folder"/> with its bytes, to show nothing changed.</summary>
    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => Convert.ToBase64String(File.ReadAllBytes(f)));

    [Fact]
    public async Task TrainForce_OutputHoldsTheTrainingData_RefusedAndTheDataKept()
    {
        // Given: the issue's reproduction, the data inside the folder given as --out
        var data = WriteSeries(dir.File("proj/data/s.csv"), 200);
        var before = Snapshot(dir.File("proj"));

        // When
        var (exit, text) = await CliRunner.RunAsync(Train(data, dir.File("proj"), "--force"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("holds the input", text);
        Assert.Equal(before, Snapshot(dir.File("proj")));
    }

    [Fact]
    public async Task TrainForce_OutputIsAParentOfTheDataThroughALink_Refused()
    {
        // Given: --out names the data's folder through a symbolic link
        var data = WriteSeries(dir.File("real/s.csv"), 200);
        Directory.CreateSymbolicLink(dir.File("alias"), dir.File("real"));

        // When
        var (exit, text) = await CliRunner.RunAsync(Train(dir.File("alias/s.csv"), dir.File("real"), "--force"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("holds the input", text);
        Assert.True(File.Exists(data));
    }

    [Fact]
    public async Task Force_FolderOfTheUsers_RefusedAndKept()
    {
        // Given: a folder with files of the user's and no marker, as --out of train, evaluate and generate
        var data = WriteSeries(dir.File("s.csv"), 200, labelled: true);
        Directory.CreateDirectory(dir.File("userdir/sub"));
        File.WriteAllText(dir.File("userdir/notes.txt"), "mine");
        File.WriteAllText(dir.File("userdir/sub/more.txt"), "mine too");
        var before = Snapshot(dir.File("userdir"));
        var (trained, trainText) = await CliRunner.RunAsync(Train(data, dir.File("bundle"), "--label-column", "anomaly"));
        Assert.True(trained == 0, trainText);

        // When
        var runs = new[]
        {
            await CliRunner.RunAsync(Train(data, dir.File("userdir"), "--force", "--label-column", "anomaly")),
            await CliRunner.RunAsync("evaluate", "--model", dir.File("bundle"), "--data", data, "--label-column", "anomaly", "--out", dir.File("userdir"), "--force"),
            await CliRunner.RunAsync("generate", "synthetic", "--out", dir.File("userdir"), "--train", "5", "--val", "5", "--test", "10", "--force"),
        };

        // Then
        Assert.All(runs, run =>
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("was not written by vae-anomaly", run.Output);
        });
        Assert.Equal(before, Snapshot(dir.File("userdir")));
    }

    [Fact]
    public async Task Force_EarlierOutput_ReplacedButNotOnceTheUserAddedAFile()
    {
        // Given: a bundle written by train
        var data = WriteSeries(dir.File("s.csv"), 200);
        var (first, firstText) = await CliRunner.RunAsync(Train(data, dir.File("bundle")));
        Assert.True(first == 0, firstText);
        var marker = File.ReadAllLines(dir.File("bundle/.vae-anomaly-output"));

        // When: replaced with --force, then again after the user put a file of theirs inside it
        var (second, secondText) = await CliRunner.RunAsync(Train(data, dir.File("bundle"), "--force", "--seed", "7"));
        File.WriteAllText(dir.File("bundle/my-notes.txt"), "mine");
        var (third, thirdText) = await CliRunner.RunAsync(Train(data, dir.File("bundle"), "--force", "--seed", "8"));

        // Then
        Assert.Contains("model.json", marker);
        Assert.Contains("model.weights", marker);
        Assert.True(second == 0, secondText);
        Assert.Equal(1, third);
        Assert.Contains("my-notes.txt", thirdText);
        Assert.Equal("mine", File.ReadAllText(dir.File("bundle/my-notes.txt")));
        Assert.True(File.Exists(dir.File("bundle/model.json")));
    }

    [Fact]
    public async Task ScoreForce_OutputIsAnInput_RefusedAndTheInputKept()
    {
        // Given
        var data = WriteSeries(dir.File("s.csv"), 200);
        var (trained, trainText) = await CliRunner.RunAsync(Train(data, dir.File("bundle")));
        Assert.True(trained == 0, trainText);
        var original = File.ReadAllBytes(data);
        File.CreateSymbolicLink(dir.File("link.csv"), data);

        // When: the data itself, the data through a link, and a file inside the bundle
        var runs = new[]
        {
            await CliRunner.RunAsync("score", "--bundle", dir.File("bundle"), "--data", data, "--out", data, "--force"),
            await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", dir.File("link.csv"), "--force"),
            await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", dir.File("bundle/model.json"), "--force"),
        };

        // Then
        Assert.All(runs, run => Assert.Equal(1, run.ExitCode));
        Assert.Contains("is the input", runs[0].Output);
        Assert.Contains("is the input", runs[1].Output);
        Assert.Contains("inside the input folder", runs[2].Output);
        Assert.Equal(original, File.ReadAllBytes(data));
        Assert.True(File.Exists(dir.File("bundle/model.json")));
    }

    [Fact]
    public async Task ScoreFollowForce_StreamRefusedBeforeItsFirstRow_LeavesTheEarlierScores()
    {
        // Given: an earlier scores file of score --follow
        var data = WriteSeries(dir.File("s.csv"), 200);
        var (trained, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", data, "--out", dir.File("b"));
        Assert.True(trained == 0, trainText);
        var live = dir.File("live.csv");
        File.WriteAllText(live, "timestamp,value\n0,0.1\n1,0.2\nstop,here,now\n"); // a followed file never ends: the bad row stops it
        var (firstExit, firstText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", live, "--out", dir.File("scores.csv"), "--follow", "--on-bad-row", "stop");
        Assert.True(firstExit == 1 && File.ReadAllLines(dir.File("scores.csv")).Length == 3, firstText);
        var earlier = File.ReadAllBytes(dir.File("scores.csv"));

        // When: streams replacing it that are refused at their header, and at their first row
        File.WriteAllText(dir.File("other.csv"), "timestamp,pressure\n0,1\n");
        File.WriteAllText(dir.File("bad.csv"), "timestamp,value\n0,high\n");
        var atHeader = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("other.csv"), "--out", dir.File("scores.csv"), "--follow", "--force");
        var atFirstRow = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("bad.csv"), "--out", dir.File("scores.csv"), "--follow", "--force", "--on-bad-row", "stop");

        // Then: each refused, and the earlier scores as they were (each run emptied them before)
        Assert.Equal((1, 1), (atHeader.ExitCode, atFirstRow.ExitCode));
        Assert.Contains("column 'value'", atHeader.Output);
        Assert.Contains("bad.csv:2", atFirstRow.Output);
        Assert.Equal(earlier, File.ReadAllBytes(dir.File("scores.csv")));
    }

    [Fact]
    public async Task Score_OutputWithATrailingSlashOrInAMissingFolder_RefusedAndNothingCreated()
    {
        // Given
        var data = WriteSeries(dir.File("s.csv"), 200);
        var (trained, trainText) = await CliRunner.RunAsync(Train(data, dir.File("bundle")));
        Assert.True(trained == 0, trainText);

        // When
        var (slash, slashText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", dir.File("x") + "/");
        var (missing, missingText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", dir.File("nowhere/scores.csv"));
        var (empty, emptyText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", "");

        // Then
        Assert.Equal(1, slash);
        Assert.Contains("names a folder", slashText);
        Assert.Equal(1, missing);
        Assert.Contains("does not exist", missingText);
        Assert.Equal(1, empty);
        Assert.Contains("--out must not be empty", emptyText);
        Assert.False(Directory.Exists(dir.File("x")));
        Assert.False(Directory.Exists(dir.File("nowhere")));
    }

    [Fact]
    public async Task Run_AnOptionWhereAValueBelongs_RefusedAndNothingNamedAfterTheOption()
    {
        // Given: a value forgotten before the next option (the parser gave the option's name to --out and --report, and
        // a scores file called --force and a report folder called --explain appeared in the working folder)
        var data = WriteSeries(dir.File("s.csv"), 200);
        var (trained, trainText) = await CliRunner.RunAsync(Train(data, dir.File("bundle")));
        Assert.True(trained == 0, trainText);
        var before = Directory.GetFileSystemEntries(Directory.GetCurrentDirectory()).Order(StringComparer.Ordinal).ToArray();

        // When
        var (force, forceText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", "--force");
        var (report, reportText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", dir.File("s.scores.csv"), "--report", "--explain");
        var (unknown, unknownText) = await CliRunner.RunAsync(Train(data, "--sed", "--seed", "3"));
        var (dotted, dottedText) = await CliRunner.RunAsync("score", "--model", dir.File("bundle"), "--data", data, "--out", dir.File("--force"));

        // Then: refused at parse time, naming the option and the word, with the way to name such a path
        Assert.Equal(1, force);
        Assert.Contains("--out needs a value, but the word after it is '--force', another option of this command", CliRunner.Collapse(forceText));
        Assert.Equal(1, report);
        Assert.Contains("--report needs a value, but the word after it is '--explain', another option of this command", CliRunner.Collapse(reportText));
        Assert.Equal(1, unknown);
        Assert.Contains("--out needs a value, but the word after it is '--sed', not a value", CliRunner.Collapse(unknownText));
        Assert.Contains("write ./--sed", CliRunner.Collapse(unknownText));
        Assert.Equal(before, Directory.GetFileSystemEntries(Directory.GetCurrentDirectory()).Order(StringComparer.Ordinal).ToArray());
        Assert.False(File.Exists(dir.File("s.scores.csv")));
        Assert.True(dotted == 0, dottedText); // a path that starts with "--" can still be named, with its folder
        Assert.True(File.Exists(dir.File("--force")));
    }

    [Fact]
    public async Task OutDash_WithoutFollow_RefusedAsStandardOutputAndNothingCalledDashCreated()
    {
        // Given: a bundle and a series (before, `train --out -` saved a bundle folder called '-' in the working folder and
        // `score --out -` a scores file called '-')
        var data = WriteSeries(dir.File("s.csv"), 200);
        Assert.Equal(0, (await CliRunner.RunAsync(Train(data, dir.File("b")))).ExitCode);
        var dashBefore = Path.Exists("-");

        // When
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", data, "--out", "-");
        var (trainExit, trainText) = await CliRunner.RunAsync(Train(data, "-"));

        // Then: both refused before any work, score pointing to --follow; no '-' in the working folder
        Assert.Equal((1, 1), (scoreExit, trainExit));
        Assert.Contains("--follow", scoreText);
        Assert.Contains("stands for standard output", trainText);
        Assert.False(Path.Exists("-") && !dashBefore, "a file or folder called '-' was created in the working folder");
    }

    [Fact]
    public async Task Train_FailsBeforeWriting_LeavesNoFolderCheckpointOrParentBehind()
    {
        // Given: a series far shorter than the window, and an output under folders that do not exist yet
        var data = WriteSeries(dir.File("s.csv"), 100);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--data", data, "--out", dir.File("new/deep/bundle"), "--window", "5000", "--epochs", "1");

        // Then: refused before training, and nothing left
        Assert.Equal(1, exit);
        Assert.Contains("fewer than the window of 5000", text);
        Assert.DoesNotContain("epoch", text);
        Assert.False(Directory.Exists(dir.File("new")));
        Assert.Equal(["s.csv"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }
}
