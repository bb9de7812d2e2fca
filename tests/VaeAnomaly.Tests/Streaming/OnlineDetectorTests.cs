using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Persistence;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;
using VaeAnomaly.Thresholds;
using VaeAnomaly.Training;

namespace VaeAnomaly.Tests.Streaming;

/// <summary>A detector that keeps learning: the frozen stream until its first refit, a lasting drift learned, a flagged spike kept out.</summary>
public sealed class OnlineDetectorTests
{
    private const int Learned = 260;

    /// <summary>One channel: a sine in [-1, 1]; from row 400 on it is lifted by 0.3 for good; rows 320-322 jump by 5.</summary>
    private static float Value(int t) => (float)(Math.Sin(t / 5.0) + (t >= 400 ? 0.3 : 0) + (t is >= 320 and <= 322 ? 5 : 0));

    private static SequenceSet Rows(int from, int count) => new(["v"], [new Sequence($"r{from}", [.. Enumerable.Range(from, count).Select(Value)])]);

    private static (IDetectorEstimator Estimator, IFittedDetector Initial) Range()
    {
        var estimator = DetectorRegistry.Create("range", new DetectorSettings { Seed = 3 });
        return (estimator, estimator.Fit(Rows(0, 200), Rows(200, 60)));
    }

    private static float Score(IFittedDetector model, float value) =>
        ((IScoresPoints)model).ScorePoints(new SequenceSet(["v"], [new Sequence("one", [value])]), new PointScoreRequest(PointScoreMode.Last, Stride: 1)).Scores[0];

    private static List<StreamPoint> Stream(OnlineDetector online, int rows) => [.. Enumerable.Range(0, rows).Select(t => online.Push([Value(t)]))];

    [Fact]
    public void Push_UntilTheFirstRefit_GivesTheFrozenStreamsSurprisePoints()
    {
        var (estimator, initial) = Range();
        using var model = initial;
        using var online = new OnlineDetector(estimator, model, new OnlineOptions(Cadence: 100_000, Memory: 400, Margin: 5, MinRows: Learned), surpriseHistory: 50);
        var frozen = new StreamingScorer(model, null, 50);

        var points = Stream(online, 900);

        Assert.Equal(0, online.Refits);
        Assert.Equal(Enumerable.Range(0, 900).Select(t => frozen.Push([Value(t)])), points);
        Assert.Contains(points, p => p.Flag);
    }

    [Fact]
    public void Push_Explaining_AFlaggedRowIsExplainedByTheModelThatScoredIt_BeforeAndAfterRefits()
    {
        // Given: two columns, a the sine with its spike and lift, b a cosine that jumps by 4 at rows 500-502; range fitted on the first 260 rows
        float[] Row(int t) => [Value(t), (float)(Math.Cos(t / 5.0) + (t is >= 500 and <= 502 ? 4 : 0))];
        SequenceSet Two(int from, int count) => new(["a", "b"], [new Sequence($"r{from}", [.. Enumerable.Range(from, count).SelectMany(Row)])]);
        var estimator = DetectorRegistry.Create("range", new DetectorSettings { Seed = 3 });
        using var model = estimator.Fit(Two(0, 200), Two(200, 60));
        using var online = new OnlineDetector(estimator, model, new OnlineOptions(Cadence: 50, Memory: 400, Margin: 5, MinRows: Learned), surpriseHistory: 50);

        // When: 600 rows pushed with explanations; before each push, what the model in use says of the row
        var explained = new List<(StreamPoint Point, Attribution Expected, int Refits)>();
        for (var t = 0; t < 600; t++)
        {
            var expected = ((IExplainsPoints)online.Model).Explain(Two(t, 1));
            var point = online.Push(Row(t), explain: true);
            if (point.Flag)
            {
                explained.Add((point, expected, online.Refits));
            }
            else
            {
                Assert.Null(point.Explanation);
            }
        }

        // Then: each flagged row carries that explanation, the spike in a and the jump in b each named, after refits too
        Assert.All(explained, e => Assert.Equal(e.Expected.ChannelShares.OrderBy(s => s.Key), e.Point.Explanation!.ChannelShares.OrderBy(s => s.Key)));
        Assert.Contains(explained, e => e.Point.Index == 320 && e.Point.Explanation!.ChannelShares.Single(s => s.Key == "a").Value == 1.0);
        Assert.Contains(explained, e => e.Point.Index == 500 && e.Refits >= 3 && e.Point.Explanation!.ChannelShares.Single(s => s.Key == "b").Value > 0.9);
    }

    [Fact]
    public void Push_ALastingDrift_IsLearned_AndAFlaggedSpikeIsKeptOut()
    {
        // Given: the range fitted on the first 260 rows (the sine's range, [-1, 1])
        var (estimator, initial) = Range();
        using var model = initial;
        using var online = new OnlineDetector(estimator, model, new OnlineOptions(Cadence: 50, Memory: 400, Margin: 5, MinRows: Learned), surpriseHistory: 50);

        // When: 600 rows stream, the spike at 320-322 and the lift from row 400 among them (the last refits' 400 rows hold both)
        var points = Stream(online, 600);

        // Then: the spike was flagged; the model now in use was fitted again and takes the lifted sine's top as normal,
        // which the first model did not, while the spike's level stays far outside what it learned
        Assert.True(points[320].Flag);
        Assert.True(online.Refits >= 5, $"{online.Refits} refits");
        Assert.True(Score(model, 1.29f) > 0.1f, $"first model {Score(model, 1.29f)}");
        Assert.Equal(0f, Score(online.Model, 1.29f));
        Assert.True(Score(online.Model, 5.5f) > 1f, $"model in use {Score(online.Model, 5.5f)}");
    }

    [Fact]
    public void Push_TheSameRowsTwice_GivesTheSamePoints()
    {
        var (estimator, initial) = Range();
        using var model = initial;
        using var first = new OnlineDetector(estimator, model, new OnlineOptions(50, 400, 5, Learned), 50);
        using var second = new OnlineDetector(estimator, model, new OnlineOptions(50, 400, 5, Learned), 50);

        Assert.Equal(Stream(first, 700), Stream(second, 700));
        Assert.True(first.Refits > 0);
    }

    [Fact]
    public void Push_WithTheGuard_ALongAnomalyStaysFlaggedAcrossARefit()
    {
        // Given: the sine lifted by 5 for 40 rows (300-339); refits at rows 310 and 360, a history of 20 scores
        static float Lifted(int t) => (float)(Math.Sin(t / 5.0) + (t is >= 300 and < 340 ? 5 : 0));
        var (estimator, initial) = Range();
        using var model = initial;
        List<StreamPoint> Stream(bool guard, out int refits)
        {
            using var online = new OnlineDetector(estimator, model, new OnlineOptions(50, 400, 5, Learned, Guard: guard), 20);
            var points = Enumerable.Range(0, 420).Select(t => online.Push([Lifted(t)])).ToList();
            refits = online.Refits;
            return points;
        }

        // When
        var guarded = Stream(guard: true, out var guardedRefits);
        var plain = Stream(guard: false, out _);

        // Then: guarded, the lift's first 20 rows (a history) are flagged with their scores kept out, also after the refit
        // at 310, whose new history leaves them out as the old one did, and the run of flags counts on through the refit;
        // unguarded, the lift enters the history and is soon no longer flagged
        Assert.True(guardedRefits >= 2, $"{guardedRefits} refits");
        Assert.All(guarded.Skip(300).Take(20), p => Assert.True(p.Flag && p.Guarded, $"row {p.Index}"));
        Assert.False(guarded[320].Guarded);
        Assert.True(plain.Skip(300).Take(40).Count(p => p.Flag) < 10, $"{plain.Skip(300).Take(40).Count(p => p.Flag)} of 40 flagged unguarded");
        Assert.DoesNotContain(guarded.Skip(345), p => p.Flag);
    }

    [Fact]
    public void Push_WithARest_ScoresAndLearnsAsWithout_AndReportsOneAlarmPerRest()
    {
        // Given: the same stream with no rest and with a rest of 30 rows after each alarm
        var (estimator, initial) = Range();
        using var model = initial;
        using var plain = new OnlineDetector(estimator, model, new OnlineOptions(50, 400, 5, Learned), 50);
        using var resting = new OnlineDetector(estimator, model, new OnlineOptions(50, 400, 5, Learned, Rest: 30), 50);

        // When
        var expected = Stream(plain, 900);
        var points = Stream(resting, 900);

        // Then: the same scores and refits (only what is reported rests), and the flags by the rule worked out here: a row
        // above the threshold is flagged unless it lies within 30 rows after the last flag
        Assert.Equal(expected.Select(p => p.Score), points.Select(p => p.Score));
        Assert.Equal(plain.Refits, resting.Refits);
        var lastFlag = -1000;
        foreach (var (p, q) in expected.Zip(points))
        {
            var rests = p.Index - lastFlag <= 30;
            Assert.True((rests, p.Flag && !rests) == (q.Rested, q.Flag), $"row {p.Index}: above {p.Flag}, rested {q.Rested}, flagged {q.Flag}");
            lastFlag = q.Flag ? (int)p.Index : lastFlag;
        }

        Assert.True(points.Count(p => p.Flag) is > 0 and var n && n < expected.Count(p => p.Flag), "the rest withholds some alarms, not all");
    }

    [Theory]
    [InlineData(300, false, 0)] // before the first refit: the first model still scores
    [InlineData(450, false, 0)] // after refits: the model in use is saved as a bundle and loaded again
    [InlineData(330, true, 0)]  // guarded: the spike's scores were kept out of the history, which the refits after the resume must know
    [InlineData(321, false, 30)] // in the rest after the spike's alarm at 320: the resumed stream rests as long
    [InlineData(455, false, 0, 10)] // averaging 10 scores: the raw scores the next means take are part of the state
    [InlineData(333, true, 30, 10)]
    public void Resume_FromASavedStateAndModel_ContinuesAsTheUninterruptedStream(int cut, bool guard, int rest, int average = 1)
    {
        // Given: the uninterrupted stream of 900 rows
        var (estimator, initial) = Range();
        using var model = initial;
        var options = new OnlineOptions(50, 400, 5, Learned, Guard: guard, Rest: rest, Average: new ScoreAverage(average));
        using var whole = new OnlineDetector(estimator, model, options, 50);
        var expected = Stream(whole, 900);

        // When: the first rows, the state and the model in use saved, then a new detector resumed for the rest
        using var temp = new TempDirectory();
        OnlineState state;
        bool refitted;
        using (var first = new OnlineDetector(estimator, model, options, 50))
        {
            _ = Enumerable.Range(0, cut).Select(t => first.Push([Value(t)])).ToList();
            (state, refitted) = (first.State, first.Refitted);
            if (refitted)
            {
                first.Model.Save(temp.Path);
            }
        }

        using var resumed = OnlineDetector.Resume(estimator, refitted ? DetectorRegistry.Load(temp.Path) : model, refitted, options, 50, state);
        var continued = Enumerable.Range(cut, 900 - cut).Select(t => resumed.Push([Value(t)])).ToList();

        // Then
        Assert.Equal(cut > Learned + 50, refitted);
        Assert.Equal(expected.Skip(cut), continued);
        Assert.Equal(whole.Refits, resumed.Refits);
        Assert.Equal(rest > 0, expected[cut].Rested);
    }

    [Fact]
    public void Push_AveragingScores_TheHistoryAfterRefitsHoldsTheModelInUsesMeans()
    {
        // Given: a stream averaging 10 scores, refitted every 50 rows
        var (estimator, initial) = Range();
        using var model = initial;
        using var online = new OnlineDetector(estimator, model, new OnlineOptions(50, 400, 5, Learned, Average: new ScoreAverage(10)), 50);
        using var frozen = new OnlineDetector(estimator, model, new OnlineOptions(100_000, 400, 5, Learned, Average: new ScoreAverage(10)), 50);

        // When: 700 rows (Stream pushes them), checked after each of the last 300
        var averaged = new StreamingScorer(model, null, 50, average: new ScoreAverage(10));
        Assert.Equal(Enumerable.Range(0, 700).Select(t => averaged.Push([Value(t)])), Stream(frozen, 700)); // no refit: the averaging scorer's points
        for (var t = 0; t < 700; t++)
        {
            online.Push([Value(t)]);
            if (t < 400)
            {
                continue;
            }

            // Then: the history is the means of 10 scores by the model in use (the range model reads one row), each worked
            // out here from that model's raw scores, and the raw scores kept are its last 9
            float[] raw = [.. Enumerable.Range(t - 58, 59).Select(k => Score(online.Model, Value(k)))];
            float[] means = [.. Enumerable.Range(9, 50).Select(k => (float)(raw[(k - 9)..(k + 1)].Sum(v => (double)v) / 10))];
            Assert.Equal(means, online.State.Stream.Scores!, (a, b) => Math.Abs(a - b) <= 1e-6f);
            Assert.Equal(raw[^9..], online.State.Stream.Raw!);
        }

        Assert.True(online.Refits >= 8, $"{online.Refits} refits");
    }

    [Fact]
    public void Push_WhenTrainingFurtherDiverges_KeepsTheModelInUseAndGoesOn()
    {
        // Given: a model whose further training always diverges (a range check that claims to fine-tune)
        var (_, initial) = Range();
        using var model = new DivergingModel(initial);
        using var online = new OnlineDetector(null, model, new OnlineOptions(50, 400, 5, Learned), 50);

        // When
        var points = Stream(online, 600);

        // Then: every refit was skipped, and the stream scored on with the first model, as the frozen stream does
        Assert.Equal(0, online.Refits);
        Assert.Equal(6, online.SkippedRefits); // (600 - 260) / 50
        Assert.Same(model, online.Model);
        var frozen = new StreamingScorer(model, null, 50);
        Assert.Equal(Enumerable.Range(0, 600).Select(t => frozen.Push([Value(t)])), points);
    }

    /// <summary>Scores as the model it wraps; its further training diverges.</summary>
    private sealed class DivergingModel(IFittedDetector inner) : IFittedDetector, IScoresPoints, IFineTunes
    {
        public string Name => inner.Name;

        public IReadOnlyList<string> Channels => inner.Channels;

        public ThresholdSet Thresholds => inner.Thresholds;

        public IReadOnlyList<EpochReport> History => inner.History;

        public TrainingDataInfo TrainingData => inner.TrainingData;

        public int Lookback => ((IScoresPoints)inner).Lookback;

        public int Warmup => ((IScoresPoints)inner).Warmup;

        public int MinimumRows => ((IScoresPoints)inner).MinimumRows;

        public float[] Score(SequenceSet data) => inner.Score(data);

        public void Save(string directory) => inner.Save(directory);

        public SeriesPointScores ScorePoints(SequenceSet series, PointScoreRequest request, IProgress<int>? progress = null, CancellationToken ct = default) => ((IScoresPoints)inner).ScorePoints(series, request, progress, ct);

        public double PointThreshold(PointScoreRequest request) => ((IScoresPoints)inner).PointThreshold(request);

        public IFittedDetector FineTune(SequenceSet train, SequenceSet validation, int epochs, CancellationToken ct = default) =>
            throw new TrainingDivergedException(1, 0, 1e-3);

        public void Dispose() => inner.Dispose();
    }
}
