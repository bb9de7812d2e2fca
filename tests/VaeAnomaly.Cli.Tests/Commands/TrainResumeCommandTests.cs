using VaeAnomaly.Training;

namespace VaeAnomaly.Cli.Tests.Commands;

/// <summary><c>train</c> stopped by Ctrl+C keeps its checkpoint, and <c>--resume</c> finishes the same model.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainResumeCommandTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private async Task<string> Data()
    {
        var data = dir.File("data");
        var (exit, text) = await CliRunner.RunAsync("generate", "synthetic", "--out", data, "--train", "60", "--val", "30", "--test", "20", "--channels", "3", "--min-length", "20", "--max-length", "40", "--seed", "4");
        Assert.True(exit == 0, text);
        return data;
    }

    private static string[] Train(string data, string output, params string[] extra) =>
        ["train", "--data", data, "--out", output, "--epochs", "30", "--patience", "0", "--batch-size", "16", "--seed", "3", .. extra];

    [Fact]
    public async Task Train_StoppedByCtrlCThenResumed_SavesTheSameModelAsAnUninterruptedRun()
    {
        // Given: an uninterrupted run, and the same run cancelled as soon as its second epoch is saved.
        var data = await Data();
        var (exit, text) = await CliRunner.RunAsync(Train(data, dir.File("whole")));
        Assert.True(exit == 0, text);
        var checkpoint = new TrainingCheckpoint(dir.File("part.checkpoint"), Resume: false);
        using var ctrlC = new CancellationTokenSource();
        // A thread of its own: the training's parallel kernels can keep every pool thread busy, and a pool-based
        // watcher then saw the second epoch only after the run had finished (seen once in about ten runs).
        var watcher = Task.Factory.StartNew(() =>
        {
            while (!ctrlC.IsCancellationRequested)
            {
                if (checkpoint.Exists && checkpoint.EpochsDone() >= 2)
                {
                    ctrlC.Cancel();
                }

                Thread.Sleep(2);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var (stopExit, stopText) = await CliRunner.RunAsync(ctrlC.Token, Train(data, dir.File("part")));
        await ctrlC.CancelAsync();
        await watcher;
        var bundleAfterStop = Directory.Exists(dir.File("part"));

        // When: the same command again, then with --resume.
        var (againExit, againText) = await CliRunner.RunAsync(Train(data, dir.File("part")));
        var (resumeExit, resumeText) = await CliRunner.RunAsync(Train(data, dir.File("part"), "--resume"));

        // Then: the stop kept the checkpoint and wrote no bundle; a plain rerun is refused; the resumed run saves the same weights.
        Assert.True(stopExit == 130, stopText);
        Assert.Contains("--resume", stopText);
        Assert.False(bundleAfterStop);
        Assert.Equal(1, againExit);
        Assert.Contains("pass --resume to continue it, or --force to start over", againText);
        Assert.True(resumeExit == 0, resumeText);
        Assert.Contains("Resuming after epoch", resumeText);
        Assert.Equal(File.ReadAllBytes(dir.File("whole/model.weights")), File.ReadAllBytes(dir.File("part/model.weights")));
        Assert.Equal(File.ReadLines(dir.File("whole/history.csv")).Count(), File.ReadLines(dir.File("part/history.csv")).Count());
        Assert.False(Directory.Exists(dir.File("part.checkpoint")), "the checkpoint is removed once the bundle is saved");
    }

    [Fact]
    public async Task Train_ResumeWithNothingToResume_FailsBeforeReadingData()
    {
        var (exit, text) = await CliRunner.RunAsync(Train(dir.File("missing-data"), dir.File("model"), "--resume"));

        Assert.Equal(1, exit);
        Assert.Contains("no checkpoint to resume from", text);
        Assert.Contains("model.checkpoint", text);
    }
}
