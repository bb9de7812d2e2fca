using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary>
/// Issue 22's remaining classes through the commands: thresholds that could not be fitted, extreme values, internal
/// names in messages, and Ctrl+C or SIGTERM on a real process.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ReliabilityCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string WriteSeries(string name, int rows, Func<int, string>? second = null, bool labelled = false) =>
        SeriesFile.Write(dir.File(name), labelled ? "timestamp,temp,pressure,anomaly" : "timestamp,temp,pressure", rows,
            t => string.Create(CultureInfo.InvariantCulture, $"{t},{Math.Sin(t / 6.0):F4},{second?.Invoke(t) ?? Math.Cos(t / 9.0).ToString("F4", CultureInfo.InvariantCulture)}{(labelled ? $",{(t % 40 == 3 ? 1 : 0)}" : "")}"));

    [Fact]
    public async Task PotOnASmallSeries_TrainSaysSoAndScoreAndEvaluateRefuseItWithTheReason()
    {
        // Given: a series whose validation part holds too few windows for POT's tail (the issue's NaN threshold)
        var data = WriteSeries("s.csv", 120, labelled: true);

        // When
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", data, "--out", dir.File("b"), "--model", "dense-ae", "--window", "8",
            "--epochs", "1", "--split", "70/30/0", "--label-column", "anomaly");
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", data, "--out", dir.File("scores.csv"), "--threshold", "pot",
            "--point-score", "last", "--label-column", "anomaly");
        var refusedWrote = File.Exists(dir.File("scores.csv"));
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("b"), "--data", data, "--out", dir.File("eval"), "--threshold", "pot",
            "--point-score", "last", "--label-column", "anomaly");
        var (quantileExit, quantileText) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", data, "--out", dir.File("scores.csv"),
            "--point-score", "last", "--label-column", "anomaly");

        // Then
        Assert.True(trainExit == 0, trainText);
        Assert.Contains("Not fitted: the pot threshold of the window score (POT needs at least two", trainText);
        Assert.DoesNotContain("NaN", trainText);
        Assert.DoesNotContain("NaN", File.ReadAllText(dir.File("b/model.json")));
        Assert.Equal(1, scoreExit);
        Assert.Contains("The 'pot' threshold of the window score could not be fitted when the model was trained: POT needs", scoreText);
        Assert.Equal(1, evalExit);
        Assert.Contains("could not be fitted", evalText);
        Assert.False(refusedWrote);
        Assert.False(Directory.Exists(dir.File("eval")));
        Assert.True(quantileExit == 0, quantileText);
    }

    [Fact]
    public async Task Score_ValueFarOutsideTheTrainingRange_ScoresFinitelyAndPointsAtIt()
    {
        // Given: a model of a smooth series, and a test series with one value of 1e17 in 'pressure' at t = 150
        var train = WriteSeries("train.csv", 400);
        var test = WriteSeries("test.csv", 300, t => t == 150 ? "1e17" : Math.Cos(t / 9.0).ToString("F4", CultureInfo.InvariantCulture), labelled: true);
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--data", train, "--out", dir.File("b"), "--window", "16", "--epochs", "1", "--split", "80/20/0");
        Assert.True(trainExit == 0, trainText);

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", test, "--out", dir.File("points.csv"), "--top", "1", "--label-column", "anomaly");
        var (evalExit, evalText) = await CliRunner.RunAsync("evaluate", "--model", dir.File("b"), "--data", test, "--out", dir.File("eval"), "--label-column", "anomaly");

        // Then: every score finite, the largest at the outlier, and evaluate's metrics written
        Assert.True(exit == 0, text);
        var rows = File.ReadAllLines(dir.File("points.csv")).Skip(1).Select(r => r.Split(',')).ToArray();
        var scores = rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(scores, s => Assert.True(double.IsFinite(s)));
        Assert.Equal("150", rows[Array.IndexOf(scores, scores.Max())][0]);
        Assert.DoesNotContain("Infinity", text);
        Assert.True(evalExit == 0, evalText);
        Assert.DoesNotContain("NaN", File.ReadAllText(dir.File("eval/metrics.json")));
    }

    [Fact]
    public async Task Evaluate_LabelsAllNormal_RefusedNamingTheFileAndColumnBeforeScoring()
    {
        // Given: a range check, and a test series whose 'anomaly' column holds only zeros
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("train.csv", 200), "--split", "80/20/0", "--out", dir.File("b"));
        Assert.True(trainExit == 0, trainText);
        var test = WriteSeries("test.csv", 100, labelled: true);
        var lines = File.ReadAllLines(test);
        File.WriteAllLines(test, [lines[0], .. lines.Skip(1).Select(l => l[..l.LastIndexOf(',')] + ",0")]);

        // When
        var (exit, text) = await CliRunner.RunAsync("evaluate", "--model", dir.File("b"), "--data", test, "--out", dir.File("eval"), "--label-column", "anomaly");

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("test.csv: column 'anomaly': labels every row 0 (normal)", text.Replace("\n", "", StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir.File("eval")));
    }

    [Theory]
    [InlineData("nab", true, "is a file; expected the NAB data folder")]
    [InlineData("nab", false, "does not exist; expected the NAB data folder")]
    [InlineData("skab", true, "is a file; expected the SKAB folder")]
    [InlineData("skab", false, "does not exist; expected the SKAB folder")]
    public async Task Benchmark_DataIsAFileOrMissing_RefusedSayingWhichAndWritesNothing(string benchmark, bool file, string expected)
    {
        // Given: --data names a series file, or nothing at all
        var data = file ? WriteSeries("series.csv", 50) : dir.File("nowhere");

        // When
        var (exit, text) = await CliRunner.RunAsync("benchmark", benchmark, "--data", data, "--out", dir.File("out"));

        // Then
        Assert.Equal(1, exit);
        Assert.Contains($"{data}: {expected}", text);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Theory]
    [InlineData("series", "train", "pumps: is a folder without train.csv; a folder is read as sequences (train.csv and val.csv, of sequence_id,t,<channels> rows); it holds p1.csv,p2.csv.gz: a time series is one file, given as --data")]
    [InlineData("series", "score", "pumps: is a folder without test.csv; a folder is read as sequences (test.csv, of sequence_id,t,<channels> rows); it holds p1.csv,p2.csv.gz")]
    [InlineData("pairs", "train", "it holds a-1.test.csv,a-1.train.csv, the layout of labelled train/test pairs, which benchmark series reads")]
    [InlineData("empty", "train", "pumps: is a folder without train.csv; a folder is read as sequences (train.csv and val.csv, of sequence_id,t,<channels> rows)")]
    public async Task TrainOrScore_AFolderWithoutTheSequenceLayout_SaysWhatAFolderHoldsAndWhatToPassInstead(string holds, string command, string expected)
    {
        // Given: a folder of one series file per machine, of train/test pairs, or of nothing
        Directory.CreateDirectory(dir.File("pumps"));
        string[] files = holds switch { "series" => ["p1.csv", "p2.csv.gz"], "pairs" => ["a-1.train.csv", "a-1.test.csv"], _ => [] };
        foreach (var file in files)
        {
            File.Copy(WriteSeries("s.csv", 50), dir.File($"pumps/{file}"), overwrite: true);
        }

        var (trained, _) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("s.csv", 200), "--out", dir.File("b"));
        Assert.Equal(0, trained);

        // When
        var (exit, text) = command == "train"
            ? await CliRunner.RunAsync("train", "--model", "range", "--data", dir.File("pumps"), "--out", dir.File("out"))
            : await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", dir.File("pumps"), "--out", dir.File("out.csv"));

        // Then: where it said only "pumps/train.csv: does not exist"
        Assert.Equal(1, exit);
        Assert.Contains(expected, CliRunner.Collapse(text));
        Assert.False(Path.Exists(dir.File("out")) || Path.Exists(dir.File("out.csv")));
    }

    [Fact]
    public async Task Score_SequenceWithAFarOutlier_TopNamesItsChannel()
    {
        // Given: a GRU-VAE on generated sequences, and a copy of the test file with 1e17 in channel ch1 of sequence 3
        var (generated, generateText) = await CliRunner.RunAsync("generate", "synthetic", "--out", dir.File("data"), "--train", "40", "--val", "20", "--test", "10",
            "--channels", "3", "--min-length", "40", "--max-length", "60", "--seed", "3");
        Assert.True(generated == 0, generateText);
        var (trained, trainText) = await CliRunner.RunAsync("train", "--data", dir.File("data"), "--out", dir.File("b"), "--epochs", "1");
        Assert.True(trained == 0, trainText);
        var lines = File.ReadAllLines(dir.File("data/test.csv"));
        var header = lines[0].Split(',');
        var row = Array.FindIndex(lines, l => l.StartsWith("3,", StringComparison.Ordinal));
        var cells = lines[row].Split(',');
        cells[Array.IndexOf(header, "ch1")] = "1e17";
        lines[row] = string.Join(',', cells);
        File.WriteAllLines(dir.File("outlier.csv"), lines);

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--model", dir.File("b"), "--data", dir.File("outlier.csv"), "--out", dir.File("scores.csv"), "--top", "1");

        // Then
        Assert.True(exit == 0, text);
        var top = text.Split('\n').First(l => l.Contains("│ 3 ", StringComparison.Ordinal) || l.Contains("| 3 ", StringComparison.Ordinal));
        Assert.Matches(@"yes\s*│\s*ch1 ", top); // flagged, and ch1 first among the strongest channels
        Assert.DoesNotContain("Infinity", File.ReadAllText(dir.File("scores.csv")));
        Assert.DoesNotContain("NaN", File.ReadAllText(dir.File("scores.csv")));
    }

    [Fact]
    public async Task Train_ValueBeyondFloatSquares_RefusedWithFileLineAndColumn()
    {
        var data = WriteSeries("s.csv", 200, t => t == 10 ? "1e30" : "0.5");

        var (exit, text) = await CliRunner.RunAsync("train", "--data", data, "--out", dir.File("b"), "--epochs", "1");

        Assert.Equal(1, exit);
        Assert.Contains("s.csv:12: column 'pressure': found '1e30'", text);
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Fact]
    public async Task Train_ValidationChannelsDiffer_MessageNamesNoInternalParameter()
    {
        // Given: a sequence folder whose val.csv has other channels than train.csv
        Directory.CreateDirectory(dir.File("data"));
        File.WriteAllLines(dir.File("data/train.csv"), ["sequence_id,t,a,b", .. Enumerable.Range(0, 40).Select(i => $"s{i / 10},{i % 10},{i % 3},{i % 5}")]);
        File.WriteAllLines(dir.File("data/val.csv"), ["sequence_id,t,a,c", .. Enumerable.Range(0, 20).Select(i => $"v{i / 10},{i % 10},{i % 3},{i % 5}")]);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--data", dir.File("data"), "--out", dir.File("b"), "--config", "seed", "--epochs", "1");

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("differ from training channels [a,b]", text);
        Assert.DoesNotContain("(Parameter", text);
    }

    /// <summary>Runs <paramref name="test"/> with a 64 KB file system mounted at the folder it is given; skips where mounting needs root.</summary>
    private static async Task OnATinyFileSystem(Func<string, Task> test)
    {
        var full = Path.Combine(Path.GetTempPath(), "vae-anomaly-full-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(full);
        using (var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", full]) { RedirectStandardError = true })!)
        {
            await mount.WaitForExitAsync();
            if (mount.ExitCode != 0)
            {
                Directory.Delete(full);
                Skip.If(true, $"a small tmpfs cannot be mounted here (needs root): {await mount.StandardError.ReadToEndAsync()}");
            }
        }

        try
        {
            await test(full);
        }
        finally
        {
            // While the whole suite runs, a child process that another test starts can hold the file system for a moment
            // ("busy"): unmount again for up to two seconds, then detach it lazily so that it goes once nothing holds it.
            for (var attempt = 0; attempt < 20 && !await Unmount(full); attempt++)
            {
                await Task.Delay(100);
            }

            if (File.ReadAllText("/proc/mounts").Contains(full, StringComparison.Ordinal))
            {
                await Unmount(full, "-l");
            }

            Directory.Delete(full, recursive: true);
        }
    }

    private static async Task<bool> Unmount(string folder, params string[] flags)
    {
        using var umount = Process.Start(new ProcessStartInfo("umount", [.. flags, folder]) { RedirectStandardError = true })!;
        await umount.WaitForExitAsync();
        return umount.ExitCode == 0;
    }

    [SkippableFact]
    public async Task Train_DiskFullAtTheFirstCheckpoint_FailsAndLeavesNothingBehind() => await OnATinyFileSystem(async full =>
    {
        // Given: the checkpoint folder on a 64 KB file system, too small for the GRU-VAE's first checkpoint
        var data = WriteSeries("s.csv", 400);

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--data", data, "--out", dir.File("b"), "--checkpoint", Path.Combine(full, "ckpt"), "--epochs", "2");

        // Then: refused as an I/O failure, no bundle, and the full file system as empty as before (no folder, no partial file)
        Assert.Equal(1, exit);
        Assert.Contains("space", text, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(dir.File("b")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(full));
    });

    [SkippableFact]
    public async Task Outputs_DiskFullWhileWriting_NameTheOutputAskedForAndLeaveNothing() => await OnATinyFileSystem(async full =>
    {
        // Given: a knn bundle, and a series whose scores (3,000 rows) and bundle do not fit in 64 KB
        var data = WriteSeries("s.csv", 3000);
        var (trained, _) = await CliRunner.RunAsync("train", "--model", "knn", "--data", data, "--out", dir.File("b"));
        Assert.Equal(0, trained);

        // When: the scores file, and a bundle folder, written onto the full file system
        var (scoreExit, scoreText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", data, "--out", Path.Combine(full, "points.csv"));
        var (trainExit, trainText) = await CliRunner.RunAsync("train", "--model", "knn", "--data", data, "--out", Path.Combine(full, "bundle"));

        // Then: each refused as an I/O failure naming the path asked for, not the temporary one it was written under, and nothing left
        Assert.Equal((1, 1), (scoreExit, trainExit));
        Assert.Contains($"'{Path.Combine(full, "points.csv")}'", scoreText);
        Assert.Contains($"'{Path.Combine(full, "bundle")}{Path.DirectorySeparatorChar}", trainText);
        Assert.DoesNotContain(".partial-", scoreText + trainText);
        Assert.Empty(Directory.EnumerateFileSystemEntries(full));
    });

    [SkippableFact]
    public async Task ScoreFollow_DiskFullWhileWritingTheScores_StopsWithWholeRowsAndSavesTheState() => await OnATinyFileSystem(async full =>
    {
        // Given: a range bundle, a followed file of 6,000 rows whose scores do not fit in 64 KB, the state on another disk
        var (trained, _) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("train.csv", 400), "--out", dir.File("b"));
        Assert.Equal(0, trained);
        var live = WriteSeries("live.csv", 6000);
        var scores = Path.Combine(full, "scores.csv");

        // When
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", live, "--out", scores, "--follow", "--state", dir.File("state"));

        // Then: the stream stops at the row the disk could not take, the file ends with the whole row before it, and what
        // the model learnt up to there is saved
        Assert.Equal(1, exit);
        var stoppedAt = int.Parse(System.Text.RegularExpressions.Regex.Match(CliRunner.Collapse(text), @"The stream stopped at line (\d+), whose score could not be written").Groups[1].Value, CultureInfo.InvariantCulture);
        var rows = File.ReadAllText(scores);
        Assert.EndsWith("\n", rows);
        var lines = rows.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.Equal(4, line.Split(',').Length));
        Assert.Equal((stoppedAt - 3).ToString(CultureInfo.InvariantCulture), lines[^1].Split(',')[0]); // line L holds time L - 2: the last row is the line before
        Assert.InRange(stoppedAt, 100, 5999);
        Assert.True(Directory.Exists(dir.File("state")), text);
    });

    [SkippableFact]
    public async Task ScoreFollow_DiskFullThenFreed_TheSameCommandGoesOn_AndTheScoresAreTheUninterruptedRuns() => await OnATinyFileSystem(async full =>
    {
        // Given: a range bundle, a followed log of 1,500 rows ended by a bad row, its uninterrupted scores (about 33 KB),
        // and the 64 KB file system three quarters filled by another file
        var (trained, _) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("train.csv", 400), "--out", dir.File("b"));
        Assert.Equal(0, trained);
        var live = WriteSeries("live.csv", 1500);
        File.AppendAllText(live, "x,y,z\n");
        var (referenceExit, referenceText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", live, "--out", dir.File("reference.csv"), "--follow", "--state", dir.File("reference-state"));
        Assert.True(referenceExit == 1 && File.ReadAllLines(dir.File("reference.csv")).Length == 1501, referenceText);
        File.WriteAllBytes(Path.Combine(full, "other"), new byte[48 * 1024]);
        string[] command = ["score", "--bundle", dir.File("b"), "--data", live, "--out", Path.Combine(full, "scores.csv"), "--follow", "--state", dir.File("state")];

        // When: the disk fills, the other file is deleted, and the same command runs again
        var (fullExit, fullText) = await CliRunner.RunAsync(command);
        File.Delete(Path.Combine(full, "other"));
        var (exit, text) = await CliRunner.RunAsync(command);

        // Then: the row the disk could not take was kept with the state and written first, and the two runs wrote the
        // uninterrupted run's scores byte for byte (the restart refused the file, one row short of the state, before)
        Assert.True(fullExit == 1 && CliRunner.Collapse(fullText).Contains("whose score could not be written", StringComparison.Ordinal), fullText);
        Assert.True(exit == 1, text); // stopped by the log's bad last row, as the reference was
        Assert.Contains("the 1 it scored last, which its disk could not take, are written first", CliRunner.Collapse(text));
        Assert.Equal(File.ReadAllBytes(dir.File("reference.csv")), File.ReadAllBytes(Path.Combine(full, "scores.csv")));
        Assert.False(File.Exists(dir.File($"state/{VaeAnomaly.Cli.Commands.ScoreFollow.UnwrittenFile}")));
    });

    [SkippableFact]
    public async Task ScoreFollow_DiskFullWhenSavingTheState_KeepsTheLastSaveAndSaysSo() => await OnATinyFileSystem(async full =>
    {
        // Given: a range bundle (trained on 400 rows) and a stream saved after 100 rows into a state folder on a 64 KB file
        // system; the same stream's state after 3,000 more rows (the rows kept for refits grow with it) does not fit there
        var (trained, _) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("train.csv", 400), "--out", dir.File("b"));
        Assert.Equal(0, trained);
        var state = Path.Combine(full, "state");
        var first = WriteSeries("first.csv", 100);
        File.AppendAllText(first, "x,y,z\n"); // a followed file never ends: a bad row stops its stream
        var (firstExit, firstText) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", first, "--out", dir.File("first-scores.csv"),
            "--follow", "--state", state, "--on-bad-row", "stop");
        var saved = Directory.GetFiles(state).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        // When: the next rows, followed to their end by a bad row that stops the stream
        var next = dir.File("next.csv");
        File.WriteAllLines(next, [.. File.ReadAllLines(WriteSeries("s.csv", 3100)).Where((_, i) => i == 0 || i > 100), "x,y,z"]);
        var (exit, text) = await CliRunner.RunAsync("score", "--bundle", dir.File("b"), "--data", next, "--out", dir.File("next-scores.csv"), "--follow", "--state", state, "--on-bad-row", "stop");

        // Then: the save fails whole, the folder holds the first save byte for byte, the scores stay, and the message says so
        Assert.True(firstExit == 1 && saved.Count > 0, firstText);
        Assert.Equal(1, exit);
        Assert.Contains($"The stream's state could not be saved to {state}", CliRunner.Collapse(text));
        Assert.Contains("The folder keeps the state of its last save", CliRunner.Collapse(text));
        Assert.Equal(saved.Keys.Order(), Directory.GetFiles(state).Select(Path.GetFileName).Order());
        Assert.All(saved, kv => Assert.Equal(kv.Value, File.ReadAllBytes(Path.Combine(state, kv.Key))));
        Assert.Equal(3001, File.ReadAllLines(dir.File("next-scores.csv")).Length);
    });

    [Fact]
    public async Task ScoreFollow_ReaderOfStandardOutputGone_StopsAndSavesTheState()
    {
        // Given: a range bundle, and a followed file (a followed file never ends: only a stop ends its stream)
        var (trained, _) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("train.csv", 400), "--out", dir.File("b"));
        Assert.Equal(0, trained);
        var live = WriteSeries("live.csv", 6000);

        // When: the real program's scores are read for three lines, and then their pipe is closed, as `| head -3` does
        var cli = Path.Combine(AppContext.BaseDirectory, "vae-anomaly.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "score", "--bundle", dir.File("b"), "--data", live, "--out", "-", "--follow", "--state", dir.File("state")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var read = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            read.Add(await process.StandardOutput.ReadLineAsync());
        }

        process.StandardOutput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // it followed on with nowhere to write: the failure this test is for
            await process.WaitForExitAsync();
        }

        // Then: it stops (it scored and learnt on, writing nowhere, until stopped), says why, and saves what it learnt
        Assert.Equal("timestamp,score,threshold,flag", read[0]);
        Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}: {await errors}");
        Assert.Contains("standard output was closed by its reader", await errors);
        Assert.True(Directory.Exists(dir.File("state")), await errors);
    }

    [Fact]
    public async Task Resume_CheckpointThatNeverEnds_RefusedAsDamaged()
    {
        // Given: the checkpoint file is a link to /dev/zero
        var data = WriteSeries("s.csv", 300);
        Directory.CreateDirectory(dir.File("ckpt"));
        File.CreateSymbolicLink(dir.File("ckpt/checkpoint.bin"), "/dev/zero");

        // When
        var (exit, text) = await CliRunner.RunAsync("train", "--data", data, "--out", dir.File("b"), "--resume", "--checkpoint", dir.File("ckpt"), "--epochs", "1");

        // Then
        Assert.Equal(1, exit);
        Assert.Contains("the checkpoint is damaged: it could not be read", text);
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("HUP")] // the terminal closed (an ssh session dropped): until 2026-12-07 the process died at once, rc 129
    public async Task Train_SignalWhileTraining_StopsCleanlyWithoutATrace(string signal)
    {
        // Given: the real program training for a long time on a series
        var data = WriteSeries("s.csv", 3000);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // When: the signal arrives once training runs (at different points of an epoch on each attempt)
            var (exit, text, started) = await RunAndSignal(
                ["train", "--data", data, "--out", dir.File($"b{attempt}"), "--window", "16", "--epochs", "500", "--patience", "0"], "epoch", TimeSpan.FromMilliseconds(50 + (attempt * 170)), signal);

            // Then: exit 130, the checkpoint kept and said, no bundle, no exception text
            Assert.True(started, text);
            Assert.True(exit == 130, $"exit {exit}: {text}");
            Assert.Contains("--resume", text);
            Assert.DoesNotContain("Unhandled", text);
            Assert.DoesNotContain("   at ", text);
            Assert.False(Directory.Exists(dir.File($"b{attempt}")));
            Assert.True(Directory.Exists(dir.File($"b{attempt}.checkpoint")));
        }
    }

    [Fact]
    public async Task Train_UnderNohup_IgnoresSighupAndFinishes()
    {
        // Given: a run started as `nohup vae-anomaly train ...`, which asks for SIGHUP to be ignored
        var data = WriteSeries("s.csv", 3000);

        // When: SIGHUP arrives while it trains
        var (exit, text, started) = await RunAndSignal(
            ["train", "--data", data, "--out", dir.File("b"), "--window", "16", "--epochs", "12", "--patience", "0"], "epoch", TimeSpan.FromMilliseconds(100), "HUP", underNohup: true);

        // Then: it trains on and saves its bundle, as nohup promises, while SIGHUP without nohup stops a run (the test above)
        Assert.True(started, text);
        Assert.Contains("(signal sent while running)", text);
        Assert.True(exit == 0, $"exit {exit}: {text}");
        Assert.True(Directory.Exists(dir.File("b")), text);
    }

    [Theory]
    [InlineData("score", 1200, "TERM")]
    [InlineData("score", 3500, "TERM")]
    [InlineData("score", 3500, "HUP")]
    [InlineData("evaluate", 2500, "TERM")]
    [InlineData("train", 3000, "TERM")]
    public async Task ScoreEvaluateOrTrain_SignalWhileWorkingOnALongSeries_StopsWithNothingWritten(string command, int delayMs, string signal)
    {
        // Given: a knn bundle, and a series long enough that reading and scoring (or fitting) it take seconds (the signal
        // lands in the reading at 1.2 s and in the scoring or fitting later; before, the command ran to the end and wrote
        // its output)
        var (trained, trainText) = await CliRunner.RunAsync("train", "--model", "knn", "--data", WriteSeries("train.csv", 2000), "--out", dir.File("b"));
        Assert.True(trained == 0, trainText);
        var data = WriteSeries("long.csv", 800_000, labelled: true);
        var output = dir.File(command == "score" ? "points.csv" : "out");
        string[] args = command switch
        {
            "score" => ["score", "--bundle", dir.File("b"), "--data", data, "--out", output],
            "evaluate" => ["evaluate", "--bundle", dir.File("b"), "--data", data, "--label-column", "anomaly", "--out", output],
            _ => ["train", "--model", "knn", "--data", data, "--label-column", "anomaly", "--out", output],
        };

        // When
        var (exit, text, _) = await RunAndSignal(args, null, TimeSpan.FromMilliseconds(delayMs), signal);

        // Then: exit 130 within the wait, said in one line; no output and no temporary file beside it
        Assert.True(exit == 130, $"exit {exit}: {text}");
        Assert.Contains("Stopped. Nothing was written.", text);
        Assert.DoesNotContain("   at ", text);
        Assert.False(Path.Exists(output));
        Assert.Equal(["b", "long.csv", "train.csv"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ScoreFollow_SignalWhileStandardInputIsSilent_StopsAtOnceAndSaysWhatItWrote()
    {
        // Given: a bundle, and a stream on standard input whose writer sends a header and one row, then nothing, and
        // keeps the pipe open (before, the stop waited for the writer to close it)
        var (trained, trainText) = await CliRunner.RunAsync("train", "--model", "range", "--data", WriteSeries("train.csv", 200), "--split", "80/20/0", "--out", dir.File("b"));
        Assert.True(trained == 0, trainText);

        // When
        var (exit, text, _) = await RunAndSignal(["score", "--follow", "--bundle", dir.File("b"), "--data", "-", "--out", dir.File("live.csv"), "--online", "off"], null,
            TimeSpan.FromSeconds(2), "TERM", "timestamp,temp,pressure\n0,0.5,0.5\n");

        // Then: the clean stop of a followed stream (exit 0), the row written
        Assert.True(exit == 0, $"exit {exit}: {text}");
        Assert.Contains("Scored 1 rows as they arrived", text);
        Assert.Equal(2, File.ReadAllLines(dir.File("live.csv")).Length);
    }

    /// <summary>
    /// Runs the real program with <paramref name="args"/>, sends it <paramref name="signal"/> <paramref name="delay"/>
    /// after it printed a line holding <paramref name="ready"/> (after it started, when null), and waits up to 60 s for it
    /// to end: its exit code, everything it printed, and whether <paramref name="ready"/> was seen. Its standard input is
    /// a pipe that gets <paramref name="input"/> and stays open until it ends.
    /// </summary>
    private static async Task<(int Exit, string Text, bool Started)> RunAndSignal(string[] args, string? ready, TimeSpan delay, string signal, string input = "", bool underNohup = false)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "vae-anomaly.dll");
        string[] command = underNohup ? ["nohup", "dotnet", cli, .. args] : ["dotnet", cli, .. args];
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        await process.StandardInput.FlushAsync();
        var output = new StringBuilder();
        var started = new TaskCompletionSource();
        if (ready is null)
        {
            started.TrySetResult();
        }

        void Collect(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (ready is not null && line?.Contains(ready, StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await Task.WhenAny(started.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        await Task.Delay(delay);
        using (var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            lock (output)
            {
                output.AppendLine(kill.ExitCode == 0 ? "(signal sent while running)" : "(signal not sent: the process had ended)");
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // a run that ignored the signal fails the test, and is not left behind
            }
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString(), started.Task.IsCompleted);
        }
    }
}
