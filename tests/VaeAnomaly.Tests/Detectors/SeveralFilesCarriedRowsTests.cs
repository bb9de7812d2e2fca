using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;
using VaeAnomaly.Thresholds;

namespace VaeAnomaly.Tests.Detectors;

/// <summary>
/// The gaussian and the seasonal judge a row by the rows before it. Trained on several files (each split alike, as
/// <c>train --data a.csv b.csv</c> gives them, the parts named by <see cref="Sequence.TrainingPartOf"/> and
/// <see cref="Sequence.ValidationPartOf"/>), each file's validation part follows that file's training rows, not the
/// last file's: its thresholds are those of each file's validation part judged as a file of its own would judge it.
/// </summary>
public sealed class SeveralFilesCarriedRowsTests
{
    /// <summary>Normal noise of spread 0.5 about <paramref name="level"/>, on a sine of period 7 when <paramref name="sine"/>.</summary>
    private static float[] Noisy(Random random, int n, double level, bool sine = true) =>
        [.. Enumerable.Range(0, n).Select(t => (float)(level + (sine ? Math.Sin(2 * Math.PI * t / 7) : 0) + (0.5 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))))];

    private static SequenceSet Set(params (string Id, float[] Values)[] files) => new(["a"], [.. files.Select(f => new Sequence(f.Id, f.Values))]);

    private static float[] Scores(IFittedDetector model, float[] values) =>
        ((IScoresPoints)model).ScorePoints(Set(("s", values)), new PointScoreRequest(PointScoreMode.Last)).Scores;

    [Theory]
    [InlineData("gaussian")]
    [InlineData("seasonal")]
    public void Fit_TwoFilesAtOtherLevels_EachValidationPartIsJudgedFromItsOwnFilesRows(string model)
    {
        // Given: file a about level 0, file b about level 50, each split into 300 training and 80 validation rows (a
        // rhythm of 7 rows for the seasonal; noise alone for the gaussian, whose spread a rhythm would only widen)
        var random = new Random(11);
        var sine = model == "seasonal";
        var (aTrain, aValidation, bTrain, bValidation) = (Noisy(random, 300, 0, sine), Noisy(random, 80, 0, sine), Noisy(random, 300, 50, sine), Noisy(random, 80, 50, sine));
        var settings = new DetectorSettings { Window = 16, Period = model == "seasonal" ? 7 : null };

        // When: one model of both files, and one of b alone
        using var both = DetectorRegistry.Create(model, settings).Fit(
            Set((Sequence.TrainingPartOf("a.csv"), aTrain), (Sequence.TrainingPartOf("b.csv"), bTrain)), Set((Sequence.ValidationPartOf("a.csv"), aValidation), (Sequence.ValidationPartOf("b.csv"), bValidation)));
        using var b = DetectorRegistry.Create(model, settings).Fit(Set(("b", bTrain)), Set(("b", bValidation)));

        // Then: its step threshold is the 0.99 quantile of each file's validation rows scored as that file's continuation
        // (a row's score depends on the 37 rows before it at most, all the file's own here, whatever the model starts
        // from). Judged from b's rows, a's first validation rows lay about 50 away: before, the gaussian's threshold was
        // 3.58 where this is 3.29, the seasonal's 3.90 where this is 3.10
        float[] AsContinuation(float[] train, float[] rows) => Scores(both, [.. train, .. rows])[train.Length..];
        var reference = new QuantileThreshold().Fit([.. AsContinuation(aTrain, aValidation), .. AsContinuation(bTrain, bValidation)]);
        Assert.True(reference > GaussianDetector.SmallestThreshold, $"the reference {reference} is above the floor, so the comparison means something");
        var fitted = ((IScoresPoints)both).PointThreshold(new PointScoreRequest(PointScoreMode.Last));
        Assert.Equal(reference, fitted, 6);

        // and a later series starts from the last file's rows, as b's model does
        var later = Noisy(random, 100, 50, sine);
        Assert.Equal(Scores(b, later), Scores(both, later));
    }

    [Fact]
    public void Fit_Seasonal_AFileWithoutThreePeriodsOfItsOwn_IsRefusedNamingIt()
    {
        // Given: b's training part holds 20 rows, fewer than 3 periods of 7 (a's 300 rows would have made up the count
        // when the files were joined)
        var random = new Random(12);
        var train = Set((Sequence.TrainingPartOf("a.csv"), Noisy(random, 300, 0)), (Sequence.TrainingPartOf("b.csv"), Noisy(random, 20, 0)));
        var validation = Set((Sequence.ValidationPartOf("a.csv"), Noisy(random, 80, 0)), (Sequence.ValidationPartOf("b.csv"), Noisy(random, 5, 0)));

        // When
        var error = Assert.Throws<ArgumentException>(() => DetectorRegistry.Create("seasonal", new DetectorSettings { Period = 7 }).Fit(train, validation));

        // Then
        Assert.Contains("needs more than 21 training rows in each file ('b.csv, training part' has 20; several files are separate series: join files that continue each other into one)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_Gaussian_SequencesThatAreNotPartsOfSeries_AreJudgedFromTheTrainingRowsAsAWhole()
    {
        // Given: two training and two validation sequences of their own (as a folder of sequences holds), not a split of two series
        var random = new Random(13);
        var (aTrain, aValidation, bTrain, bValidation) = (Noisy(random, 300, 0, false), Noisy(random, 80, 0, false), Noisy(random, 300, 5, false), Noisy(random, 80, 5, false));

        // When
        using var model = DetectorRegistry.Create("gaussian", new DetectorSettings { Window = 16 }).Fit(Set(("1", aTrain), ("2", bTrain)), Set(("1", aValidation), ("2", bValidation)));

        // Then: each validation sequence follows the training rows as a whole, whose last rows are b's
        float[] AsContinuation(float[] train, float[] rows) => Scores(model, [.. train, .. rows])[train.Length..];
        var reference = new QuantileThreshold().Fit([.. AsContinuation(bTrain, aValidation), .. AsContinuation(bTrain, bValidation)]);
        Assert.Equal(reference, ((IScoresPoints)model).PointThreshold(new PointScoreRequest(PointScoreMode.Last)), 6);
    }
}
