using System.Globalization;
using VaeAnomaly.IO;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>score --follow</c>: rows scored as they arrive, from standard input or a growing file.</summary>
[Collection(TorchCollection.Name)]
public sealed class ScoreFollowCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static string Rows(int first, int count, bool spike = true) => string.Concat(Enumerable.Range(first, count).Select(t =>
        string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 5.0) + (spike && t is >= 150 and < 155 ? 4 : 0):F4},{t % 7}\n")));

    /// <summary>A range check trained on 200 rows of a sine, watching v0 (test rows 150-154 jump by 4).</summary>
    private async Task<string> Bundle()
    {
        File.WriteAllText(dir.File("train.csv"), "t,v0,c1\n" + Rows(0, 200, spike: false));
        var (exit, text) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--split", "80/20/0", "--target-columns", "v0", "--out", dir.File("b"));
        Assert.True(exit == 0, text);
        return dir.File("b");
    }

    /// <summary>Writes the 200 test rows to test.csv and their batch last-mode scores to batch.csv; returns the rows' text.</summary>
    private async Task<string> BatchScored(string bundle)
    {
        var test = "t,v0,c1\n" + Rows(0, 200);
        File.WriteAllText(dir.File("test.csv"), test);
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("test.csv"), "--point-score", "last", "--out", dir.File("batch.csv"));
        Assert.True(exit == 0, text);
        return test;
    }

    [Fact]
    public async Task Follow_StandardInput_WritesOneFlushedRowPerRowEqualToTheBatchScores()
    {
        // Given
        var bundle = await Bundle();
        var test = await BatchScored(bundle);

        // When
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader(test));
        int exit;
        string text;
        try
        {
            (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow", "--online", "off");
        }
        finally
        {
            System.Console.SetIn(previous);
        }

        // Then: the header and 200 rows, the same scores and flags as the batch's (a range check scores each row alone)
        Assert.Equal(0, exit);
        Assert.DoesNotContain('\r', text); // Unix line ends, as the batch's points file has
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("timestamp,score,threshold,flag", lines[0]);
        Assert.Equal(201, lines.Length);
        var batch = File.ReadAllLines(dir.File("batch.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var streamed = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        for (var t = 0; t < 200; t++)
        {
            Assert.Equal(batch[t][0], streamed[t][0]);
            Assert.Equal(double.Parse(batch[t][1], CultureInfo.InvariantCulture), double.Parse(streamed[t][1], CultureInfo.InvariantCulture), 5);
            Assert.Equal(batch[t][3], streamed[t][3]);
        }

        Assert.Contains(streamed, r => r[3] == "1"); // rows 150-154 jump out of the training range
    }

    [Fact]
    public async Task Explain_BatchAndFollowed_NameTheColumnThatLeftItsRangeOnEachFlaggedRowOnly()
    {
        // Given: range watching v0 and c1 (t mod 7, so 0-6 in training); v0 jumps by 4 at rows 150-154, c1 by 20 at rows 170-172
        File.WriteAllText(dir.File("train.csv"), "t,v0,c1\n" + Rows(0, 200, spike: false));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train.csv"), "--split", "80/20/0", "--out", dir.File("b"));
        Assert.True(trainExit == 0, trainText);
        var test = "t,v0,c1\n" + string.Concat(Rows(0, 200).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select((line, t) =>
            t is >= 170 and < 173 ? $"{line[..line.LastIndexOf(',')]},{(t % 7) + 20}\n" : line + "\n"));
        File.WriteAllText(dir.File("test.csv"), test);

        // When: the whole file, and the same rows followed from standard input (frozen, so the same model scores them)
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("test.csv"), "--point-score", "last", "--explain", "--out", dir.File("batch.csv"));
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader(test));
        int followExit;
        string followed;
        try
        {
            (followExit, followed) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", "-", "--out", "-", "--follow", "--online", "off", "--explain");
        }
        finally
        {
            System.Console.SetIn(previous);
        }

        File.WriteAllText(dir.File("sequences.csv"), "sequence_id,t,v0,c1\n" + string.Concat(Enumerable.Range(0, 6).Select(t => $"s{t / 3},{t % 3},0.5,{t % 3}\n")));
        var (sequencesExit, sequencesText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("sequences.csv"), "--explain", "--out", dir.File("none.csv"));

        // Then: every flagged row, and no other, names a column; the jumps name the one column out of its range with the
        // whole share (a row of the validation part may leave the fit rows' range a little, and is explained too)
        Assert.True(exit == 0, text);
        Assert.Equal(0, followExit);
        var batch = File.ReadAllLines(dir.File("batch.csv"));
        var lines = followed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("timestamp,score,threshold,flag,columns", batch[0]);
        Assert.Equal(batch[0], lines[0]);
        for (var t = 0; t < 200; t++)
        {
            var cells = batch[t + 1].Split(',');
            Assert.True(cells[3] == "1" == (cells[4].Length > 0), $"row {t}: flag {cells[3]}, columns '{cells[4]}'");
            if (t is >= 150 and < 155 or >= 170 and < 173)
            {
                Assert.Equal(("1", t < 160 ? "v0=1" : "c1=1"), (cells[3], cells[4]));
            }

            Assert.Equal(cells[4], lines[t + 1].Split(',')[4]);
        }

        Assert.Equal(1, sequencesExit); // sequences are explained by --top, not by a column
        Assert.Contains("--explain names the columns behind each flagged row of a series, and of records or sequences scored by a dense model", CliRunner.Collapse(sequencesText));
        Assert.False(File.Exists(dir.File("none.csv")));
    }

    [Fact]
    public async Task Follow_ATimestampWithAComma_IsWrittenBackQuotedAsOneField()
    {
        // Given: rows whose time is quoted because it holds the delimiter
        var bundle = await Bundle();
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader("t,v0,c1\n\"Jan 1, 10:00\",0.5,1\n\"Jan 1, 10:01\",0.5,2\n"));
        int exit;
        string text;
        try
        {
            // When
            (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow", "--online", "off");
        }
        finally
        {
            System.Console.SetIn(previous);
        }

        // Then: each output row is still four fields, its time quoted as the input had it
        Assert.Equal(0, exit);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("\"Jan 1, 10:00\",0,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("\"Jan 1, 10:01\",0,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",0", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_GrowingFile_ScoresRowsAsTheyAreAppendedAndStopsCleanlyOnCtrlC()
    {
        // Given: a file that starts with its header and 50 rows
        var bundle = await Bundle();
        var input = dir.File("live.csv");
        File.WriteAllText(input, "t,v0,c1\n" + Rows(0, 50));
        using var ctrlC = new CancellationTokenSource();

        // When: 50 more rows (the last line in two pieces) are appended while it is followed, then Ctrl+C
        var run = CliRunner.RunAsync(ctrlC.Token, "score", "--bundle", bundle, "--data", input, "--out", dir.File("live-scores.csv"), "--follow");
        await WaitForLines(dir.File("live-scores.csv"), 51);
        var more = Rows(50, 50);
        File.AppendAllText(input, more[..^8]);
        File.AppendAllText(input, more[^8..]);
        await WaitForLines(dir.File("live-scores.csv"), 101);
        ctrlC.Cancel();
        var (exit, text) = await run;

        // Then: every row once, in order, and a clean stop
        Assert.True(exit == 0, text);
        var rows = File.ReadAllLines(dir.File("live-scores.csv"));
        Assert.Equal(101, rows.Length);
        Assert.Equal(Enumerable.Range(0, 100).Select(t => t.ToString(CultureInfo.InvariantCulture)), rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.Contains("Scored 100 rows as they arrived", text);
    }

    [Fact]
    public async Task Follow_RotatedFile_RenamedAwayThenTruncated_ScoresEveryRowOnceAndSaysSo()
    {
        // Given: a followed log of a header and 50 rows
        var bundle = await Bundle();
        var input = dir.File("live.csv");
        File.WriteAllText(input, "t,v0,c1\n" + Rows(0, 50));
        using var ctrlC = new CancellationTokenSource();
        var run = CliRunner.RunAsync(ctrlC.Token, "score", "--bundle", bundle, "--data", input, "--out", dir.File("live-scores.csv"), "--follow", "--online", "off");
        await WaitForLines(dir.File("live-scores.csv"), 51);

        // When: row 50 written, then rotated as logrotate does it: renamed away (a new file with the header and rows
        // 51-79 takes its place), then truncated in place (copytruncate: rows 80-99 follow with no header)
        File.AppendAllText(input, Rows(50, 1));
        File.Move(input, input + ".1");
        File.WriteAllText(input, "t,v0,c1\n" + Rows(51, 29));
        await WaitForLines(dir.File("live-scores.csv"), 81);
        File.WriteAllText(input, Rows(80, 20));
        await WaitForLines(dir.File("live-scores.csv"), 101);
        ctrlC.Cancel();
        var (exit, text) = await run;

        // Then: rows 0-99 once each, in order, and both rotations noted
        Assert.True(exit == 0, text);
        var rows = File.ReadAllLines(dir.File("live-scores.csv"));
        Assert.Equal(Enumerable.Range(0, 100).Select(t => t.ToString(CultureInfo.InvariantCulture)), rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.Contains($"note: {input} was replaced by a new file; reading it from its start.", text);
        Assert.Contains($"note: {input} was truncated; reading it from its start.", text);
        Assert.Contains("Scored 100 rows as they arrived", text);
    }

    [Fact]
    public async Task Follow_HeaderRepeatedInTheInput_IsReadAsTheHeader_NotRefusedAsARow()
    {
        // Given: what tail -F passes on across a rotation: the new file's header among the rows
        var bundle = await Bundle();
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader("t,v0,c1\n" + Rows(0, 30) + "t,v0,c1\r\n" + Rows(30, 30)));
        try
        {
            // When
            var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow", "--online", "off");

            // Then: every row scored, the repeated header (CRLF ended too) not counted as one
            Assert.True(exit == 0, text);
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
            Assert.Equal("timestamp,score,threshold,flag", lines[0]);
            Assert.Equal(Enumerable.Range(0, 60).Select(t => t.ToString(CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[0]));
        }
        finally
        {
            System.Console.SetIn(previous);
        }
    }

    [Fact]
    public async Task Follow_LineThatIsNotANumber_IsRefusedNamingTheLine()
    {
        var bundle = await Bundle();
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader("t,v0,c1\n0,1,0\n1,abc,0\n"));
        try
        {
            var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow");

            Assert.Equal(1, exit);
            Assert.Contains("standard input:3", text);
            Assert.Contains("'abc'; expected a finite number", text);
        }
        finally
        {
            System.Console.SetIn(previous);
        }
    }

    [Fact]
    public async Task Follow_BadRowsWithSkip_ReportsEachLineAndScoresTheRestAsTheBatchDoes()
    {
        // Given: the test rows with three bad ones among them: a NaN (line 13), four fields (line 15), a time going back (line 17)
        var bundle = await Bundle();
        _ = await BatchScored(bundle);
        var dirty = "t,v0,c1\n" + Rows(0, 11) + "10.5,NaN,0\n" + Rows(11, 1) + "11.5,1,0,9\n" + Rows(12, 1) + "5,0.1,0\n" + Rows(13, 187);

        // When
        var (exit, text) = await CliRunner.WithStandardInput(dirty, () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow", "--online", "off", "--on-bad-row", "skip"));

        // Then: each bad row reported by its line, the others scored as the batch scores the clean file
        Assert.True(exit == 0, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        var reports = lines.Where(l => l.StartsWith("skipped:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, reports.Length);
        Assert.Contains("standard input:13", reports[0]);
        Assert.Contains("expected a finite number", reports[0]);
        Assert.Contains("standard input:15", reports[1]);
        Assert.Contains("has 4 fields", reports[1]);
        Assert.Contains("standard input:17", reports[2]);
        Assert.Contains("time '5' is earlier than the line before it ('12')", reports[2]);
        var streamed = lines.Where(l => !l.StartsWith("skipped:", StringComparison.Ordinal)).Skip(1).Select(l => l.Split(',')).ToArray();
        var batch = File.ReadAllLines(dir.File("batch.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(200, streamed.Length);
        for (var t = 0; t < 200; t++)
        {
            Assert.Equal(batch[t][0], streamed[t][0]);
            Assert.Equal(double.Parse(batch[t][1], CultureInfo.InvariantCulture), double.Parse(streamed[t][1], CultureInfo.InvariantCulture), 5);
        }
    }

    [Fact]
    public async Task Follow_TimeGoingBackwards_StopsAtItsLine_AndKeepsEveryRowWritten()
    {
        // Given: 50 rows, then a row whose time goes back (line 52), then 10 more
        var bundle = await Bundle();
        var input = "t,v0,c1\n" + Rows(0, 50) + "3,0.5,0\n" + Rows(50, 10);

        // When: followed with the default, stop
        var (exit, text) = await CliRunner.WithStandardInput(input, () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("scores.csv"), "--follow"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("standard input:52", text);
        Assert.Contains("earlier than the line before it", text);
        Assert.Contains("the 50 rows before it were written", text);
        var rows = File.ReadAllLines(dir.File("scores.csv"));
        Assert.Equal(51, rows.Length);
        Assert.Equal("49", rows[^1].Split(',')[0]);
    }

    [Fact]
    public async Task Follow_AFileThatDoesNotExist_IsRefusedNamingItAndWhatIsRead()
    {
        var bundle = await Bundle();

        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--follow", "--data", dir.File("not-yet.csv"), "--out", dir.File("s.csv"));

        // Before: the runtime's "Could not find file" without what --follow reads
        Assert.Equal(1, exit);
        Assert.Contains("not-yet.csv: does not exist; --follow reads a CSV file that exists (an empty one is waited on for its header), or standard input (--data -)", System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
        Assert.False(File.Exists(dir.File("s.csv")));
    }

    [Fact]
    public async Task OnBadRow_WithoutFollow_IsRefused()
    {
        var bundle = await Bundle();
        File.WriteAllText(dir.File("test.csv"), "t,v0,c1\n" + Rows(0, 20));

        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("test.csv"), "--on-bad-row", "skip", "--out", dir.File("s.csv"));

        Assert.Equal(1, exit);
        Assert.Contains("--on-bad-row, --online, --guard, --rest and --state apply to a followed stream", text);
        Assert.False(File.Exists(dir.File("s.csv")));
    }

    [Fact]
    public async Task FollowOnline_StateHeldByAnotherStream_RefusedBeforeReadingOrWritingIt()
    {
        // Given: a saved stream, and its state folder held by another stream (a lock taken as a running score --follow takes it)
        var bundle = await Bundle();
        var (firstExit, firstText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(0, 300), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("first.csv"), "--follow", "--state", dir.File("state")));
        Assert.True(firstExit == 0, firstText);
        var saved = File.ReadAllBytes(dir.File("state/online.json"));

        // When: a second stream starts on the same state while the first holds it, and again once it has let go
        int refusedExit;
        string refusedText;
        using (FolderLock.AcquireBeside(dir.File("state"), "a followed stream's state, --state"))
        {
            (refusedExit, refusedText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(300, 50), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("second.csv"), "--follow", "--state", dir.File("state")));
        }

        var (laterExit, laterText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(300, 50), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("later.csv"), "--follow", "--state", dir.File("state")));

        // Then: the held state is refused with the reason, nothing is written, and the saved stream is as it was
        Assert.Equal(1, refusedExit);
        Assert.Contains($"The folder '{dir.File("state")}' (a followed stream's state, --state) is in use by another vae-anomaly process", refusedText);
        Assert.False(File.Exists(dir.File("second.csv")));
        Assert.True(laterExit == 0, laterText);
        Assert.Equal(51, File.ReadAllLines(dir.File("later.csv")).Length);
        Assert.NotEqual(saved, File.ReadAllBytes(dir.File("state/online.json")));
    }

    [Fact]
    public async Task FollowOnline_StoppedAndStartedAgainOnItsState_ContinuesAsOneUninterruptedStream()
    {
        // Given: one run over 600 rows, learning as it goes (a refit every 50 rows after the 200 the bundle learnt from)
        var bundle = await Bundle();
        var (wholeExit, wholeText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(0, 600), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("whole.csv"), "--follow"));
        Assert.True(wholeExit == 0, wholeText);

        // When: the same rows in two runs that share a state folder
        var (firstExit, firstText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(0, 375), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("first.csv"), "--follow", "--state", dir.File("state")));
        var (secondExit, secondText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(375, 225), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("second.csv"), "--follow", "--state", dir.File("state")));
        File.WriteAllText(dir.File("train2.csv"), "t,v0,c1\n" + Rows(300, 200, spike: false));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("train2.csv"), "--split", "80/20/0", "--target-columns", "v0", "--out", dir.File("other"));
        Assert.True(trainExit == 0, trainText);
        var (otherExit, otherText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(600, 10), () => CliRunner.RunAsync("score", "--bundle", dir.File("other"), "--data", "-", "--out", dir.File("x.csv"), "--follow", "--state", dir.File("state")));

        // Then: the model refitted by then was saved with the state, and the two runs' rows are the one run's
        Assert.True(firstExit == 0, firstText);
        Assert.True(secondExit == 0, secondText);
        Assert.True(Directory.Exists(dir.File("state/model")));
        Assert.Contains("fitted again 8 times", secondText); // (600 - 200) / 50, counted across both runs
        var whole = File.ReadAllLines(dir.File("whole.csv")).Skip(1);
        var parts = File.ReadAllLines(dir.File("first.csv")).Skip(1).Concat(File.ReadAllLines(dir.File("second.csv")).Skip(1));
        Assert.Equal(whole, parts);
        Assert.Equal(1, otherExit);
        Assert.Contains("was saved by a stream of another bundle", otherText);
        Assert.False(File.Exists(dir.File("x.csv")));
        Assert.True(File.Exists(dir.File("state/online.json")));
    }

    [Fact]
    public async Task FollowOnline_AFollowedFileStartedAgainOnItsState_GoesOnAfterItsLastLineAndAppendsToItsScores()
    {
        // Given: one uninterrupted run over 300 rows, learning as it goes (refits every 50 rows after the first 200)
        var bundle = await Bundle();
        var (wholeExit, wholeText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(0, 300), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("whole.csv"), "--follow"));
        Assert.True(wholeExit == 0, wholeText);

        // When: a followed log of the first 180 rows, stopped by a bad row; 120 more rows and another bad row written to
        // it; and the same command again, as a restarted monitor runs it
        File.WriteAllText(dir.File("live.csv"), "t,v0,c1\n" + Rows(0, 180) + "x,y,z\n");
        string[] command = ["score", "--bundle", bundle, "--data", dir.File("live.csv"), "--out", dir.File("scores.csv"), "--follow", "--state", dir.File("state")];
        var (firstExit, firstText) = await CliRunner.RunAsync(command);
        File.AppendAllText(dir.File("live.csv"), Rows(180, 120) + "x,y,z\n");
        var (secondExit, secondText) = await CliRunner.RunAsync(command);

        // Then: the second run goes on after line 182 (it read the file from its first row and learnt those rows again),
        // appending to the scores file (it was refused as existing): the two runs wrote the uninterrupted run's scores
        Assert.True(firstExit == 1 && secondExit == 1, firstText + secondText); // each stopped by its bad row
        Assert.Contains($"continuing {dir.File("live.csv")} after line 182, where the saved stream stopped", CliRunner.Collapse(secondText));
        Assert.Contains("appending to", secondText);
        Assert.Equal(File.ReadAllLines(dir.File("whole.csv")), File.ReadAllLines(dir.File("scores.csv")));
    }

    [Theory]
    [InlineData("threshold")]
    [InlineData("surprise")]
    public async Task FollowFrozen_AFollowedFileStartedAgainOnItsState_GoesOnAfterItsLastLine_AsOneUninterruptedStream(string flagBy)
    {
        // Given: one uninterrupted run over 300 rows scored by the bundle as it is (--state was refused without learning,
        // so a restarted monitor read its log from the first row again and needed another scores file or --force)
        var bundle = await Bundle();
        string[] frozen = ["--follow", "--online", "off", "--flag-by", flagBy];
        var (wholeExit, wholeText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(0, 300), () => CliRunner.RunAsync(["score", "--bundle", bundle, "--data", "-", "--out", dir.File("whole.csv"), .. frozen]));
        Assert.True(wholeExit == 0, wholeText);

        // When: a followed log of the first 180 rows, stopped by a bad row; 120 more rows and another bad row written to
        // it; and the same command again
        File.WriteAllText(dir.File("live.csv"), "t,v0,c1\n" + Rows(0, 180) + "x,y,z\n");
        string[] command = ["score", "--bundle", bundle, "--data", dir.File("live.csv"), "--out", dir.File("scores.csv"), "--state", dir.File("state"), .. frozen];
        var (firstExit, firstText) = await CliRunner.RunAsync(command);
        File.AppendAllText(dir.File("live.csv"), Rows(180, 120) + "x,y,z\n");
        var (secondExit, secondText) = await CliRunner.RunAsync(command);

        // Then: the second run went on after line 182 with the saved windows' rows (and recent scores), appending: the
        // scores file is the uninterrupted run's, byte for byte (the spike at rows 150-154 lies in the first run, and the
        // first rows of the second are scored by windows that reach back into the first)
        Assert.True(firstExit == 1 && secondExit == 1, firstText + secondText); // each stopped by its bad row
        Assert.True(File.Exists(dir.File("state/stream.json")));
        Assert.Contains($"continuing {dir.File("live.csv")} after line 182, where the saved stream stopped", CliRunner.Collapse(secondText));
        Assert.Equal(File.ReadAllBytes(dir.File("whole.csv")), File.ReadAllBytes(dir.File("scores.csv")));
    }

    /// <summary>The rows of <see cref="Rows"/> with gaps written three ways (v0 on rows 40, 77 and 230; c1 on rows 60 and 231).</summary>
    private static string RowsWithGaps(int first, int count) => string.Concat(Rows(first, count).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select((line, k) =>
    {
        var cells = line.Split(',');
        var t = first + k;
        (cells[1], cells[2]) = (t is 40 or 230 ? "" : t == 77 ? "NaN" : cells[1], t is 60 or 231 ? "NA" : cells[2]);
        return string.Join(',', cells) + "\n";
    }));

    [Fact]
    public async Task FollowFfill_GapsTakeTheRowBefore_AsTheBatchFfillScoresThem_AndAContinuedStreamCarriesFromItsState()
    {
        // Given: 300 rows with gaps (a row with one was a bad row: reported and skipped, or the stream stopped), scored whole
        // with --missing ffill, last mode
        var bundle = await Bundle();
        File.WriteAllText(dir.File("gaps.csv"), "t,v0,c1\n" + RowsWithGaps(0, 300));
        var (batchExit, batchText) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("gaps.csv"), "--point-score", "last", "--missing", "ffill", "--out", dir.File("batch.csv"));
        Assert.True(batchExit == 0, batchText);

        // When: streamed whole, frozen; and in two runs sharing a state folder, the second beginning with a gap (row 230)
        string[] frozen = ["--follow", "--online", "off", "--missing", "ffill"];
        var (wholeExit, wholeText) = await CliRunner.WithStandardInput("t,v0,c1\n" + RowsWithGaps(0, 300), () => CliRunner.RunAsync(["score", "--bundle", bundle, "--data", "-", "--out", dir.File("whole.csv"), .. frozen]));
        var (firstExit, firstText) = await CliRunner.WithStandardInput("t,v0,c1\n" + RowsWithGaps(0, 230), () => CliRunner.RunAsync(["score", "--bundle", bundle, "--data", "-", "--out", dir.File("first.csv"), "--state", dir.File("state"), .. frozen]));
        var (secondExit, secondText) = await CliRunner.WithStandardInput("t,v0,c1\n" + RowsWithGaps(230, 70), () => CliRunner.RunAsync(["score", "--bundle", bundle, "--data", "-", "--out", dir.File("second.csv"), "--state", dir.File("state"), .. frozen]));
        var (freshExit, freshText) = await CliRunner.WithStandardInput("t,v0,c1\n" + RowsWithGaps(230, 70), () => CliRunner.RunAsync(["score", "--bundle", bundle, "--data", "-", "--out", dir.File("fresh.csv"), .. frozen]));

        // Then: the stream's scores are the batch's row for row, 5 gaps filled; the continued stream filled row 230 from
        // the saved row 229, as the uninterrupted one did; a fresh stream has no row to carry from and stops there
        Assert.True(wholeExit == 0 && firstExit == 0 && secondExit == 0, wholeText + firstText + secondText);
        Assert.Contains("5 gaps took the value of the row before (--missing ffill)", CliRunner.Collapse(wholeText));
        string[] Column(string file, int k) => [.. File.ReadAllLines(dir.File(file)).Skip(1).Select(l => l.Split(',')[k])];
        Assert.Equal(Column("batch.csv", 1), Column("whole.csv", 1));
        Assert.Equal(Column("whole.csv", 1), Column("first.csv", 1).Concat(Column("second.csv", 1)));
        Assert.Equal(1, freshExit);
        Assert.Contains("no row has been scored yet", CliRunner.Collapse(freshText));
    }

    [Fact]
    public async Task Follow_StateOfTheOtherKind_IsRefusedSayingWhichOnlineContinuesIt()
    {
        // Given: a state folder saved by a frozen stream, and one by a learning stream
        var bundle = await Bundle();
        var (frozenExit, frozenText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(0, 20), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("a.csv"), "--follow", "--online", "off", "--state", dir.File("frozen")));
        Assert.True(frozenExit == 0, frozenText);
        var (learningExit, learningText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(0, 20), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("b.csv"), "--follow", "--state", dir.File("learning")));
        Assert.True(learningExit == 0, learningText);
        var frozenSaved = File.ReadAllBytes(dir.File("frozen/stream.json"));

        // When: each continued as the other kind
        var (asLearning, asLearningText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(20, 5), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("c.csv"), "--follow", "--state", dir.File("frozen")));
        var (asFrozen, asFrozenText) = await CliRunner.WithStandardInput("t,v0,c1\n" + Rows(20, 5), () => CliRunner.RunAsync("score", "--bundle", bundle, "--data", "-", "--out", dir.File("d.csv"), "--follow", "--online", "off", "--state", dir.File("learning")));

        // Then: refused before reading a row, each state kept as it was
        Assert.Equal((1, 1), (asLearning, asFrozen));
        Assert.Contains("holds a stream scored by the bundle as it is (--online off); continue it with --online off", CliRunner.Collapse(asLearningText));
        Assert.Contains("holds a stream that keeps learning (--online on); continue it with --online on", CliRunner.Collapse(asFrozenText));
        Assert.Equal(frozenSaved, File.ReadAllBytes(dir.File("frozen/stream.json")));
        Assert.False(File.Exists(dir.File("c.csv")) || File.Exists(dir.File("d.csv")));
    }

    [Fact]
    public async Task FollowOnline_StartedAgainOnAReplacedFileOrWithAnotherScoresFile_ReadsItFromItsStart_AndNeverAppendsToAnotherFile()
    {
        // Given: a stream of a followed log saved after its 100 rows
        var bundle = await Bundle();
        File.WriteAllText(dir.File("live.csv"), "t,v0,c1\n" + Rows(0, 100) + "x,y,z\n");
        var (firstExit, firstText) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("live.csv"), "--out", dir.File("scores.csv"), "--follow", "--state", dir.File("state"));
        Assert.True(firstExit == 1, firstText);
        File.WriteAllText(dir.File("other.csv"), "timestamp,score,threshold,flag\n1,0,0,0\n"); // a scores file of another stream
        var before = File.ReadAllBytes(dir.File("other.csv"));

        // When: the log replaced by a new one (rotated while the monitor was down), and a scores file that is not this stream's
        File.WriteAllText(dir.File("live.csv"), "t,v0,c1\n" + Rows(500, 30) + "x,y,z\n");
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("live.csv"), "--out", dir.File("scores.csv"), "--follow", "--state", dir.File("state"));
        var (otherExit, otherText) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", dir.File("live.csv"), "--out", dir.File("other.csv"), "--follow", "--state", dir.File("state"));

        // Then: the new log is read from its first row, its 30 scores appended; the other file is refused and kept
        Assert.Equal(1, exit);
        Assert.Contains("the file now begins with other rows (replaced or rotated), so it is read from its start", CliRunner.Collapse(text));
        Assert.Equal(1 + 100 + 30, File.ReadAllLines(dir.File("scores.csv")).Length);
        Assert.Equal(1, otherExit);
        Assert.Contains("is not the scores of the stream saved in", CliRunner.Collapse(otherText));
        Assert.Contains("it holds 1 rows, the stream wrote 130", CliRunner.Collapse(otherText));
        Assert.Equal(before, File.ReadAllBytes(dir.File("other.csv")));
    }

    [Fact]
    public async Task FollowOnline_ContinuedThenRotatedMidRun_ReadsTheNewFileWhole_WithoutAWordOfTheSavedStream()
    {
        // Given: a stream of a followed log saved after its 40 rows (stopped by a bad row on line 42)
        var bundle = await Bundle();
        var input = dir.File("live.csv");
        File.WriteAllText(input, "t,v0,c1\n" + Rows(0, 40) + "x,y,z\n");
        var (firstExit, firstText) = await CliRunner.RunAsync("score", "--bundle", bundle, "--data", input, "--out", dir.File("scores.csv"), "--follow", "--state", dir.File("state"));
        Assert.True(firstExit == 1, firstText);

        // When: started again (it goes on after line 42), 10 rows appended, then the log rotated to a new file of 20 rows
        File.AppendAllText(input, Rows(40, 10));
        using var ctrlC = new CancellationTokenSource();
        var run = CliRunner.RunAsync(ctrlC.Token, "score", "--bundle", bundle, "--data", input, "--out", dir.File("scores.csv"), "--follow", "--state", dir.File("state"));
        await WaitForLines(dir.File("scores.csv"), 51);
        File.Move(input, input + ".1");
        File.WriteAllText(input, "t,v0,c1\n" + Rows(50, 20));
        await WaitForLines(dir.File("scores.csv"), 71);
        ctrlC.Cancel();
        var (exit, text) = await run;

        // Then: rows 0-69 once each, the saved stream named once (at the start), and the new file read whole
        Assert.True(exit == 0, text);
        Assert.Equal(Enumerable.Range(0, 70).Select(t => t.ToString(CultureInfo.InvariantCulture)), File.ReadAllLines(dir.File("scores.csv")).Skip(1).Select(r => r.Split(',')[0]));
        Assert.Contains("after line 42, where the saved stream stopped", CliRunner.Collapse(text));
        Assert.Contains($"note: {input} was replaced by a new file; reading it from its start.", text);
        Assert.DoesNotContain("the saved stream read", text);
    }

    [Fact]
    public async Task Follow_ToStandardOutput_AFailureIsReportedOnTheErrorStream_NeverAmongTheScores()
    {
        // Given: scores to standard output, and a state folder that is the bundle itself (refused: it would be overwritten)
        var bundle = await Bundle();
        var previous = System.Console.In;
        System.Console.SetIn(new StringReader("t,v0,c1\n" + Rows(0, 20)));
        (int Exit, string Output, string Error) run;
        try
        {
            // When
            run = await CliRunner.RunSplitAsync(CancellationToken.None, "score", "--bundle", bundle, "--data", "-", "--out", "-", "--follow", "--state", bundle);
        }
        finally
        {
            System.Console.SetIn(previous);
        }

        // Then: exit code 1, the message on the error stream, nothing on the output a pipe would take as scores
        Assert.Equal(1, run.Exit);
        Assert.Contains("error:", run.Error);
        Assert.Contains(bundle, run.Error);
        Assert.Equal("", run.Output);
        Assert.True(File.Exists(Path.Combine(bundle, "model.json")));
    }

    private static async Task WaitForLines(string path, int count)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            if (File.Exists(path) && File.ReadAllLines(path).Length >= count)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{path} did not reach {count} lines within a minute");
    }
}
