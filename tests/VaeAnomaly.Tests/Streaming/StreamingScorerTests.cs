using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Tests.Streaming;

/// <summary>A stream scored row by row gives the batch scores of the whole series, and a saved state continues exactly.</summary>
[Collection(TorchCollection.Name)]
public sealed class StreamingScorerTests
{
    private static float[] Waves(int n, double phase, int spikeAt = -1) =>
        [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)(Math.Sin((t / 3.0) + phase) + (t >= spikeAt && t < spikeAt + 4 && spikeAt >= 0 ? 3 : 0)), (float)Math.Cos((t / 3.0) + phase) })];

    private static SequenceSet Series(float[] values) => new(["a", "b"], [new Sequence("s", values)]);

    /// <summary>Each model small and quick, with what it takes of a window of 8, one epoch and a latent of 3.</summary>
    private static IFittedDetector Fitted(string name)
    {
        var entry = DetectorRegistry.Find(name);
        var settings = new DetectorSettings
        {
            Seed = 5,
            Window = entry.Settings.Contains("window") ? 8 : null,
            Period = entry.Settings.Contains("period") ? 19 : null,
            Epochs = entry.Settings.Contains("epochs") ? 1 : null,
            Latent = entry.Settings.Contains("latent") ? 3 : null,
        };
        return DetectorRegistry.Create(name, settings).Fit(Series(Waves(200, 0)), Series(Waves(60, 1)));
    }

    public static TheoryData<string> Models => ["gru-vae", "conv-ae", "dense-vae", "pca", "knn", "iforest", "range", "gaussian", "seasonal"];

    [Theory]
    [MemberData(nameof(Models))]
    public void Push_RowByRowThenResumedFromASavedState_GivesTheBatchLastScoresOfTheWholeSeries(string name)
    {
        // Given: a series with a spike, scored in one batch in last mode at its default stride (the GRU-VAE's
        // bundle scores validation windows at stride 8, a window model at 1; last mode scores every point either way)
        using var model = Fitted(name);
        var values = Waves(60, 2, spikeAt: 40);
        var batch = ((IScoresPoints)model).ScorePoints(Series(values), new PointScoreRequest(PointScoreMode.Last));

        // When: the first 25 rows pushed one by one, the state saved and a new scorer resumed from it for the rest
        var first = new StreamingScorer(model);
        var points = Enumerable.Range(0, 25).Select(t => first.Push(values.AsSpan(2 * t, 2).ToArray())).ToList();
        var resumed = StreamingScorer.Resume(model, first.State);
        points.AddRange(Enumerable.Range(25, 35).Select(t => resumed.Push(values.AsSpan(2 * t, 2).ToArray())));

        // Then: the same scores (up to BLAS rounding), indices and threshold
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), points.Select(p => p.Index));
        Assert.All(points, p => Assert.Equal(batch.Threshold, p.Threshold));
        for (var t = 0; t < 60; t++)
        {
            Assert.True(Math.Abs(batch.Scores[t] - points[t].Score) <= 1e-4 * Math.Max(1, Math.Abs(batch.Scores[t])), $"{name} row {t}: batch {batch.Scores[t]}, stream {points[t].Score}");
        }

        Assert.Equal(60, resumed.Rows);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PushRows_InChunksOfAnySize_GivesTheScoresOfRowByRow(string name)
    {
        // Given: a series pushed row by row
        using var model = Fitted(name);
        var values = Waves(60, 2, spikeAt: 40);
        var rows = Enumerable.Range(0, 60).Select(t => (IReadOnlyList<float>)values.AsSpan(2 * t, 2).ToArray()).ToList();
        var single = new StreamingScorer(model);
        var expected = rows.Select(single.Push).ToList();

        // When: the same rows in chunks of 1, 3, 0, 7, 20 and the rest (shorter and longer than the window of 8)
        var chunked = new StreamingScorer(model);
        var points = new List<StreamPoint>();
        var at = 0;
        foreach (var size in new[] { 1, 3, 0, 7, 20, 29 })
        {
            points.AddRange(chunked.PushRows(rows.GetRange(at, size)));
            at += size;
        }

        // Then
        Assert.Equal(expected.Select(p => p.Index), points.Select(p => p.Index));
        for (var t = 0; t < 60; t++)
        {
            Assert.True(Math.Abs(expected[t].Score - points[t].Score) <= 1e-5 * Math.Max(1, Math.Abs(expected[t].Score)), $"{name} row {t}: one by one {expected[t].Score}, chunked {points[t].Score}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PushRows_Explaining_GiveEachFlaggedRowTheExplanationOfItsRowsInTheWholeSeries_InChunksOrOneByOne(string name)
    {
        // Given: a spike in column a at rows 40-43; what the model says of each row from the whole series' rows up to it
        // (as score --top reads them: the last Lookback rows, from its minimum on)
        using var model = Fitted(name);
        var scorer = (IScoresPoints)model;
        var values = Waves(60, 2, spikeAt: 40);
        var rows = Enumerable.Range(0, 60).Select(t => (IReadOnlyList<float>)values.AsSpan(2 * t, 2).ToArray()).ToList();
        Attribution Expected(int t)
        {
            var from = Math.Max(0, t + 1 - scorer.Lookback);
            return ((IExplainsPoints)model).Explain(Series(values[(2 * from)..(2 * (t + 1))]));
        }

        // When: pushed one by one, in chunks, and without explanations
        var single = new StreamingScorer(model);
        var one = rows.Select(r => single.Push(r, explain: true)).ToList();
        var chunked = new StreamingScorer(model);
        var points = new List<StreamPoint>();
        var at = 0;
        foreach (var size in new[] { 1, 3, 0, 7, 20, 29 })
        {
            points.AddRange(chunked.PushRows(rows.GetRange(at, size), explain: true));
            at += size;
        }

        var plain = new StreamingScorer(model).PushRows(rows);

        // Then: every flagged row (after the model's minimum) is explained as the whole series explains it, the spiked
        // column's share the largest at the spike; no other row carries an explanation, nor any row when none is asked for
        Assert.Contains(one, p => p.Flag && p.Index is >= 40 and <= 43);
        foreach (var stream in new[] { one, points })
        {
            for (var t = 0; t < 60; t++)
            {
                if (!stream[t].Flag || t + 1 < scorer.MinimumRows)
                {
                    Assert.Null(stream[t].Explanation);
                    continue;
                }

                var expected = Expected(t).ChannelShares.ToDictionary(s => s.Key, s => s.Value);
                var got = stream[t].Explanation!.ChannelShares.ToDictionary(s => s.Key, s => s.Value);
                Assert.Equal(expected.Keys.Order(), got.Keys.Order());
                Assert.All(expected, e => Assert.True(Math.Abs(e.Value - got[e.Key]) <= 1e-4, $"{name} row {t} {e.Key}: whole series {e.Value}, stream {got[e.Key]}"));
            }
        }

        var spike = one.First(p => p.Flag && p.Index is >= 40 and <= 43).Explanation!.ChannelShares.ToDictionary(s => s.Key, s => s.Value);
        Assert.True(spike["a"] > spike["b"], $"{name}: a {spike["a"]}, b {spike["b"]}");
        Assert.All(plain, p => Assert.Null(p.Explanation));
    }

    [Fact]
    public void Push_Explaining_TheRangeNamesTheColumnThatLeftItsRange_ShareOne()
    {
        // Given: range fitted on the two waves (each within [-1, 1]); the spike lifts a by 3, b stays inside its range
        using var model = Fitted("range");
        var values = Waves(60, 2, spikeAt: 40);
        var stream = new StreamingScorer(model);

        // When
        var points = Enumerable.Range(0, 60).Select(t => stream.Push(values.AsSpan(2 * t, 2).ToArray(), explain: true)).ToList();

        // Then: b's own score is 0, so a holds the whole score
        var shares = points[40].Explanation!.ChannelShares.ToDictionary(s => s.Key, s => s.Value);
        Assert.True(points[40].Flag);
        Assert.Equal(1.0, shares["a"], 6);
        Assert.Equal(0.0, shares.GetValueOrDefault("b"), 6);
    }

    [Theory]
    [InlineData("conv-ae")]
    [InlineData("gaussian")]
    [InlineData("seasonal")]
    public void Push_FlaggingBySurprise_GivesTheBatchSurpriseAndResumesExactly(string name)
    {
        // Given: the batch surprise of the last-mode scores over 20 earlier scores
        using var model = Fitted(name);
        var values = Waves(80, 2, spikeAt: 60);
        var batch = SurpriseFlags.Of(((IScoresPoints)model).ScorePoints(Series(values), new PointScoreRequest(PointScoreMode.Last, Stride: 1)), history: 20);

        // When: streamed, with a save and resume in the middle
        var first = new StreamingScorer(model, surpriseHistory: 20);
        var points = Enumerable.Range(0, 37).Select(t => first.Push(values.AsSpan(2 * t, 2).ToArray())).ToList();
        var resumed = StreamingScorer.Resume(model, first.State, surpriseHistory: 20);
        points.AddRange(Enumerable.Range(37, 43).Select(t => resumed.Push(values.AsSpan(2 * t, 2).ToArray())));

        // Then
        Assert.All(points, p => Assert.Equal(SurpriseFlags.Flag, p.Threshold));
        for (var t = 0; t < 80; t++)
        {
            Assert.True(Math.Abs(batch.Scores[t] - points[t].Score) <= 1e-4, $"{name} row {t}: batch {batch.Scores[t]}, stream {points[t].Score}");
        }

        Assert.Contains("holds no scores", Assert.Throws<ArgumentException>(() => StreamingScorer.Resume(model, new StreamState(0, []), surpriseHistory: 20)).Message);
    }

    [Fact]
    public void Push_AveragingScores_JudgesEachMeanAgainstTheEarlierMeans_AsTheBatchDoes_AndResumesExactly()
    {
        // Given: the last-mode scores, and the surprise of each row's mean with up to 4 scores before it worked out here
        // from the raw scores (means from the first scored row on, each judged against the previous 20 means)
        using var model = Fitted("knn");
        var values = Waves(90, 2, spikeAt: 60);
        var raw = ((IScoresPoints)model).ScorePoints(Series(values), new PointScoreRequest(PointScoreMode.Last, Stride: 1));
        var first = raw.FirstScored;
        var means = new List<float>();
        var expected = new double[90];
        for (var t = first; t < 90; t++)
        {
            var mean = (float)(Enumerable.Range(Math.Max(first, t - 4), t - Math.Max(first, t - 4) + 1).Sum(k => (double)raw.Scores[k]) / (t - Math.Max(first, t - 4) + 1));
            expected[t] = means.Count >= 2 ? ScoreSurprise.Next(means.TakeLast(20), mean) : 0;
            means.Add(mean);
        }

        // When: streamed with a save and resume in the middle, and in one batch
        var average = new ScoreAverage(5);
        var stream = new StreamingScorer(model, surpriseHistory: 20, average: average);
        var points = Enumerable.Range(0, 43).Select(t => stream.Push(values.AsSpan(2 * t, 2).ToArray())).ToList();
        var resumed = StreamingScorer.Resume(model, stream.State, surpriseHistory: 20, average: average);
        points.AddRange(Enumerable.Range(43, 47).Select(t => resumed.Push(values.AsSpan(2 * t, 2).ToArray())));
        var batch = SurpriseFlags.Of(raw, history: 20, average);

        // Then: stream, batch and the reference agree; the mean smooths: the plain surprise differs; the state keeps 4 raw scores
        for (var t = 0; t < 90; t++)
        {
            Assert.True(Math.Abs(expected[t] - points[t].Score) <= 1e-4, $"row {t}: expected {expected[t]}, stream {points[t].Score}");
            Assert.True(Math.Abs(expected[t] - batch.Scores[t]) <= 1e-4, $"row {t}: expected {expected[t]}, batch {batch.Scores[t]}");
        }

        Assert.Contains(points, p => p.Flag);
        var plain = SurpriseFlags.Of(raw, history: 20);
        Assert.Contains(Enumerable.Range(0, 90), t => Math.Abs(plain.Scores[t] - points[t].Score) > 0.01);
        Assert.Equal(raw.Scores[86..90], resumed.State.Raw!);
        Assert.Contains("averaging 5 scores needs at most 4", Assert.Throws<ArgumentException>(() =>
            StreamingScorer.Resume(model, stream.State with { Raw = [1, 2, 3, 4, 5] }, surpriseHistory: 20, average: average)).Message);
        Assert.Throws<ArgumentException>(() => new StreamingScorer(model, average: average)); // a mean is judged by its surprise
    }

    [Fact]
    public void Push_WithTheGuard_KeepsALongAnomalyFlaggedForAHistory_ThenTakesItUpAsTheNewNormal()
    {
        // Given: the range check of the waves ([-1, 1] for a) and a series whose a is lifted by 3 for good from row 50
        using var model = Fitted("range");
        var values = Waves(150, 2);
        for (var t = 50; t < 150; t++)
        {
            values[2 * t] += 3;
        }

        // When: streamed by surprise over 20 earlier scores, with and without the guard (and the guarded one resumed mid-run)
        List<StreamPoint> Stream(bool guard)
        {
            var first = new StreamingScorer(model, surpriseHistory: 20, guard: guard);
            var points = Enumerable.Range(0, 60).Select(t => first.Push(values.AsSpan(2 * t, 2).ToArray())).ToList();
            var resumed = StreamingScorer.Resume(model, first.State, surpriseHistory: 20, guard: guard);
            points.AddRange(Enumerable.Range(60, 90).Select(t => resumed.Push(values.AsSpan(2 * t, 2).ToArray())));
            return points;
        }

        var guarded = Stream(guard: true);
        var plain = Stream(guard: false);

        // Then: unguarded, the lift enters the history and stops being flagged within a few rows; guarded, it stays
        // flagged (its scores kept out) for the 20 rows of a history, and once the run is longer it is taken up
        Assert.True(plain.Skip(50).Take(20).Count(p => p.Flag) < 5, $"{plain.Skip(50).Take(20).Count(p => p.Flag)} of 20 flagged unguarded");
        Assert.All(plain, p => Assert.False(p.Guarded));
        Assert.All(guarded.Skip(50).Take(20), p => Assert.True(p.Flag && p.Guarded, $"row {p.Index}"));
        Assert.False(guarded[70].Guarded);
        Assert.DoesNotContain(guarded.Skip(100), p => p.Flag);
        Assert.DoesNotContain(guarded.Take(50), p => p.Flag);
        Assert.Throws<ArgumentException>(() => new StreamingScorer(model, guard: true));
    }

    [Fact]
    public void Push_RowOfAnotherWidthOrNotFinite_IsRefusedAndTheStreamIsUnchanged()
    {
        using var model = Fitted("range");
        var stream = new StreamingScorer(model);

        Assert.Contains("Row 0 holds 3 values; a row of this model holds 2 (a,b)", Assert.Throws<ArgumentException>(() => stream.Push([1f, 2f, 3f])).Message);
        Assert.Contains("must be finite", Assert.Throws<ArgumentException>(() => stream.Push([float.NaN, 0f])).Message);
        Assert.Contains("Row 1 holds NaN", Assert.Throws<ArgumentException>(() => stream.PushRows([[1f, 2f], [float.NaN, 0f]])).Message);
        Assert.Contains("Row 0 holds 2E+18; the values of a stream must be finite numbers within ±1e18", Assert.Throws<ArgumentException>(() => stream.Push([2e18f, 0f])).Message);
        Assert.Equal(0, stream.Rows);
        Assert.Contains("does not fit", Assert.Throws<ArgumentException>(() => StreamingScorer.Resume(model, new StreamState(5, [new float[3]]))).Message);
        Assert.Contains("rests 7 more rows after an alarm; a rest of 4 rows allows 0 to 4", Assert.Throws<ArgumentException>(() => StreamingScorer.Resume(model, new StreamState(5, [], Rest: 7), rest: 4)).Message);
    }

    [Fact]
    public void Push_ValueBeyondTheLimitWhileAWindowFills_IsRefusedAndTheStreamGoesOnAsWithout()
    {
        // Given: a window model, whose first rows are kept unscored until its window is full; a row beyond ±1e18 kept
        // then would have been refused by every later window's set, so the stream could never score again
        using var model = Fitted("pca");
        var values = Waves(30, 2);
        var clean = new StreamingScorer(model);
        var stream = new StreamingScorer(model);
        var expected = Enumerable.Range(0, 30).Select(t => clean.Push(values.AsSpan(2 * t, 2).ToArray())).ToList();

        // When: the bad row arrives among the first three
        var points = new List<StreamPoint>();
        for (var t = 0; t < 30; t++)
        {
            if (t == 3)
            {
                Assert.Contains("Row 3 holds 1E+30", Assert.Throws<ArgumentException>(() => stream.Push([1e30f, 0f])).Message);
            }

            points.Add(stream.Push(values.AsSpan(2 * t, 2).ToArray()));
        }

        // Then
        Assert.Equal(expected, points);
    }

    [Fact]
    public void Push_WithARest_ScoresAsWithout_AndTheFrozenThresholdStreamRestsToo()
    {
        // Given: the range check flagging by its threshold, a spike of 4 rows at 40 in the waves
        using var model = Fitted("range");
        var values = Waves(120, 2, spikeAt: 40);
        var plain = new StreamingScorer(model);
        var resting = new StreamingScorer(model, rest: 10);

        // When
        var expected = Enumerable.Range(0, 120).Select(t => plain.Push(values.AsSpan(2 * t, 2).ToArray())).ToList();
        var points = Enumerable.Range(0, 120).Select(t => resting.Push(values.AsSpan(2 * t, 2).ToArray())).ToList();

        // Then: the spike's first row raises the one alarm, its next 10 rows rest with their scores kept
        Assert.Equal(expected.Select(p => p.Score), points.Select(p => p.Score));
        Assert.True(expected.Skip(40).Take(4).All(p => p.Flag));
        Assert.Equal([40L], points.Where(p => p.Flag).Select(p => p.Index));
        Assert.Equal(Enumerable.Range(41, 10).Select(t => (long)t), points.Where(p => p.Rested).Select(p => p.Index));
    }
}
