using VaeAnomaly.Data;
using VaeAnomaly.Models;
using VaeAnomaly.Scoring;
using VaeAnomaly.Tests.Models;
using static TorchSharp.torch;

namespace VaeAnomaly.Tests.Scoring;

[Collection(TorchCollection.Name)]
public sealed class WindowedScoringTests
{
    private static GruVae Model()
    {
        manual_seed(6);
        return new GruVae(new GruVaeOptions { Channels = 3, EncoderSizes = [8, 6], DecoderSizes = [6, 8], Latent = 4 });
    }

    [Fact]
    public void ScoreWindows_WindowLongerThanEverySequence_EqualsWholeSequenceScores()
    {
        using var model = Model();
        var set = GruVaeTests.Random(seed: 7, lengths: [6, 14, 9]);

        var whole = GruVaeScorer.Score(model, set);
        var windowed = GruVaeScorer.ScoreWindows(model, set, window: 20, stride: 5, WindowAggregate.Max);

        Assert.Equal(whole.Reconstruction, windowed.Reconstruction);
        Assert.Equal(whole.Kl, windowed.Kl);
        Assert.Equal(whole.StepErrors[1], windowed.StepErrors[1]);
    }

    [Fact]
    public void ScoreWindows_MaxAndMean_AgreeWithTheWindowsScoredOneByOne()
    {
        // Given: one sequence of 10 steps, windows of 4 every 3 steps: starts 0, 3, 6.
        using var model = Model();
        var set = GruVaeTests.Random(seed: 8, lengths: [10]);
        var cut = SlidingWindows.Cut(set, 4, 3);
        var each = GruVaeScorer.Score(model, cut.Windows);

        // When
        var max = GruVaeScorer.ScoreWindows(model, set, 4, 3, WindowAggregate.Max);
        var mean = GruVaeScorer.ScoreWindows(model, set, 4, 3, WindowAggregate.Mean);

        // Then
        Assert.Equal(each.Reconstruction.Max(), max.Reconstruction[0]);
        Assert.Equal(each.Kl.Max(), max.Kl[0]);
        Assert.Equal(each.Reconstruction.Average(), mean.Reconstruction[0], 5);
        // Step 3 is covered by windows 0 and 3: its error is the mean of theirs.
        Assert.Equal((each.StepErrors[0][3] + each.StepErrors[1][0]) / 2, max.StepErrors[0][3], 5);
        Assert.Equal(each.StepErrors[2][0], max.StepErrors[0][6] * 2 - each.StepErrors[1][3], 4);
    }
}
