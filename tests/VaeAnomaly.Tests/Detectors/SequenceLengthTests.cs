using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Detectors;

[Collection(TorchCollection.Name)]
public sealed class SequenceLengthTests
{
    private static readonly GruVaeOptions SmallModel = new() { EncoderSizes = [8, 8], DecoderSizes = [8, 8], Latent = 2 };
    private static readonly TrainerOptions OneEpoch = new() { Epochs = 1, BatchSize = 16 };

    private static SyntheticDataset Data() => new SyntheticGenerator(new SyntheticOptions
    {
        Channels = 2,
        Train = 32,
        Validation = 16,
        Test = 8,
        AnomalyRatio = 0,
        MinLength = 20,
        MaxLength = 30,
        Seed = 3,
    }).Generate();

    /// <summary>Writes sequences of the given lengths in the sequence layout and reads them back.</summary>
    private static SequenceSet FileWithLengths(TempDirectory temp, params int[] lengths)
    {
        var path = temp.File("test.csv");
        var lines = new List<string> { "sequence_id,t,ch0,ch1" };
        for (var s = 0; s < lengths.Length; s++)
        {
            lines.AddRange(Enumerable.Range(0, lengths[s]).Select(t => $"s{s},{t},{Math.Sin(t):R},{Math.Cos(t):R}"));
        }

        File.WriteAllLines(path, lines);
        return SequenceCsvReader.Read(path);
    }

    [Fact]
    public void ScoreAll_WholeSequenceModel_RefusesSequenceLongerThanTwiceTheTrainingMaximum()
    {
        // Given: a whole-sequence model trained on 20-30 steps accepts 10-60 (a factor of 2 either way).
        var data = Data();
        var detectorEstimator = new GruVaeEstimator(SmallModel, OneEpoch, new ScoringOptions());
        using var detector = detectorEstimator.Fit(data.Train.Set, data.Validation.Set);
        var (min, max) = detector.AcceptedLengths;
        using var temp = new TempDirectory();
        var set = FileWithLengths(temp, max!.Value, min, max.Value + 1);

        // When
        var error = Assert.Throws<DataFormatException>(() => detector.ScoreAll(set));

        // Then: the third sequence, whose first row is on line 2 + max + min.
        Assert.Equal((detector.LengthRange.Min + 1) / 2, min);
        Assert.Equal(2 * detector.LengthRange.Max, max);
        Assert.Equal(temp.File("test.csv"), error.File);
        Assert.Equal(2 + max.Value + min, error.Line);
        Assert.Equal("t", error.Column);
        Assert.Contains($"sequence 's2' has {max + 1} steps; this model accepts {min} to {max} steps", error.Message);
        Assert.Contains("--window", error.Message);
    }

    [Fact]
    public void ScoreAll_WindowedModel_RefusesSequenceShorterThanItsWindowAndScoresLongOnes()
    {
        // Given: windows of 16 steps.
        var data = Data();
        var detectorEstimator = new GruVaeEstimator(SmallModel with { Window = 16 }, OneEpoch, new ScoringOptions());
        using var detector = detectorEstimator.Fit(data.Train.Set, data.Validation.Set);
        using var temp = new TempDirectory();

        // When
        var scores = detector.ScoreAll(FileWithLengths(temp, 16, 500)).Combined;
        var error = Assert.Throws<DataFormatException>(() => detector.ScoreAll(FileWithLengths(temp, 16, 15)));

        // Then
        Assert.Equal((16, (int?)null), detector.AcceptedLengths);
        Assert.Equal(2, scores.Length);
        Assert.Equal(18, error.Line);
        Assert.Contains("sequence 's1' has 15 steps; this model accepts at least 16 steps (it reads windows of 16 steps)", error.Message);
    }

    [Fact]
    public void ScoreAll_ChannelsOfAnotherFile_NameTheFileAndHeader()
    {
        var data = Data();
        var detectorEstimator = new GruVaeEstimator(SmallModel, OneEpoch, new ScoringOptions());
        using var detector = detectorEstimator.Fit(data.Train.Set, data.Validation.Set);
        using var temp = new TempDirectory();
        var path = temp.File("other.csv");
        File.WriteAllLines(path, ["sequence_id,t,a,b", .. Enumerable.Range(0, 20).Select(t => $"x,{t},1,2")]);

        var error = Assert.Throws<DataFormatException>(() => detector.ScoreAll(SequenceCsvReader.Read(path)));

        Assert.Equal(1, error.Line);
        Assert.Contains("channels [a,b] differ from the model's [ch0,ch1]", error.Message);
    }
}
