using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainingCheckpointTests
{
    private static readonly GruVaeOptions SmallModel = new() { EncoderSizes = [16, 8], DecoderSizes = [8, 16], Latent = 4, Seed = 5 };
    private static readonly TrainerOptions FiveEpochs = new() { Epochs = 5, BatchSize = 16, LearningRate = 1e-2, Patience = 0, CosineSchedule = true, KlWarmupEpochs = 2, Seed = 5 };

    private static SyntheticDataset TinyData(int seed = 1) => TrainerTests.TinyData(seed);

    private static GruVaeEstimator NewDetector(TrainingCheckpoint? checkpoint) =>
        new(SmallModel, FiveEpochs, new ScoringOptions { McSamples = 2 }) { Checkpoint = checkpoint };

    /// <summary>Runs until <paramref name="stopAfter"/> epochs are saved, then cancels as Ctrl+C would.</summary>
    private static TrainingStoppedException Interrupt(SyntheticDataset data, string folder, int stopAfter)
    {
        using var cts = new CancellationTokenSource();
        var detector = NewDetector(new TrainingCheckpoint(folder, Resume: false));
        var progress = new SynchronousProgress(r =>
        {
            if (r.Epoch == stopAfter)
            {
                cts.Cancel();
            }
        });
        return Assert.Throws<TrainingStoppedException>(() => detector.Fit(data.Train.Set, data.Validation.Set, progress, cts.Token));
    }

    [Fact]
    public void Fit_StoppedAfterTwoEpochsThenResumed_EqualsUninterruptedRun()
    {
        // Given: an uninterrupted run, and the same run stopped after two epochs.
        var data = TinyData();
        using var temp = new TempDirectory();
        using var whole = NewDetector(null).Fit(data.Train.Set, data.Validation.Set);
        var stopped = Interrupt(data, temp.Path, stopAfter: 2);

        // When
        using var resumed = NewDetector(new TrainingCheckpoint(temp.Path, Resume: true)).Fit(data.Train.Set, data.Validation.Set);

        // Then: the same epochs, losses and scores, bit for bit.
        Assert.Equal(2, stopped.EpochsDone);
        Assert.Equal(5, resumed.History.Count);
        Assert.Equal(whole.History.Select(h => h with { Seconds = 0 }), resumed.History.Select(h => h with { Seconds = 0 }));
        Assert.Equal(whole.Score(data.Test.Set), resumed.Score(data.Test.Set));
        Assert.Equal(whole.Thresholds.ValueOrNaN(), resumed.Thresholds.ValueOrNaN());
    }

    [Fact]
    public void Fit_ResumedFromFinishedRun_RunsNoEpochAndGivesSameScores()
    {
        // Given: a run that completed and left its checkpoint (as when a run is stopped while scoring).
        var data = TinyData();
        using var temp = new TempDirectory();
        using var first = NewDetector(new TrainingCheckpoint(temp.Path, Resume: false)).Fit(data.Train.Set, data.Validation.Set);
        var reports = new List<EpochReport>();

        // When
        using var again = NewDetector(new TrainingCheckpoint(temp.Path, Resume: true)).Fit(data.Train.Set, data.Validation.Set, new SynchronousProgress(reports.Add));

        // Then
        Assert.Empty(reports);
        Assert.Equal(first.Score(data.Test.Set), again.Score(data.Test.Set));
    }

    [Fact]
    public void Fit_ResumeWithOtherData_IsRefused()
    {
        var data = TinyData();
        using var temp = new TempDirectory();
        Interrupt(data, temp.Path, stopAfter: 1);
        var other = TinyData(seed: 2);

        var resumed = NewDetector(new TrainingCheckpoint(temp.Path, Resume: true));
        var error = Assert.Throws<CheckpointException>(() => resumed.Fit(other.Train.Set, other.Validation.Set));

        Assert.Contains("other settings or data", error.Message);
    }

    [Fact]
    public void Fit_ResumeWithoutCheckpoint_SaysThereIsNone()
    {
        var data = TinyData();
        using var temp = new TempDirectory();

        var resumed = NewDetector(new TrainingCheckpoint(temp.Path, Resume: true));
        var error = Assert.Throws<CheckpointException>(() => resumed.Fit(data.Train.Set, data.Validation.Set));

        Assert.Contains("no checkpoint", error.Message);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("empty")]
    public void Fit_ResumeFromDamagedCheckpoint_IsRefusedAsDamaged(string damage)
    {
        // Given
        var data = TinyData();
        using var temp = new TempDirectory();
        Interrupt(data, temp.Path, stopAfter: 1);
        var file = Path.Combine(temp.Path, TrainingCheckpoint.FileName);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, damage switch
        {
            "truncated" => bytes[..(bytes.Length / 2)],
            "flipped" => [.. bytes[..^100], (byte)(bytes[^100] ^ 0x40), .. bytes[^99..]],
            _ => [],
        });

        // When
        var resumed = NewDetector(new TrainingCheckpoint(temp.Path, Resume: true));
        var error = Assert.Throws<CheckpointException>(() => resumed.Fit(data.Train.Set, data.Validation.Set));

        // Then
        Assert.Contains("damaged", error.Message);
    }

    [Fact]
    public void Save_EveryEpoch_LeavesOnlyTheCheckpointFile()
    {
        var data = TinyData();
        using var temp = new TempDirectory();
        var checkpoint = new TrainingCheckpoint(temp.Path, Resume: false);
        Interrupt(data, temp.Path, stopAfter: 3);

        Assert.Equal([TrainingCheckpoint.FileName], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
        Assert.Equal(3, checkpoint.EpochsDone());
    }

    /// <summary>Calls back on the reporting thread, unlike <see cref="Progress{T}"/>.</summary>
    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
