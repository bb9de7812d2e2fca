using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;

namespace VaeAnomaly.Server.Tests;

/// <summary>The HTTP API in process: stream points equal the batch scores however they are cut and restarted, errors are JSON with the right status.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ServiceApiTests(ServedModelsFixture fixture)
{
    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static StringContent JsonBody(string text) => new(text, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Read(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpClient client, string path, HttpContent content)
    {
        using var response = await client.PostAsync(path, content);
        return (response.StatusCode, await Read(response));
    }

    [Fact]
    public async Task Points_WhenTheStreamsStateCannotBeSaved_Answered503WithNothingKeptAndTheStreamGoesOnOnceItCan()
    {
        // Given: a service whose stream storage fails its writes while "full" (before, such a request was answered 500,
        // "the service failed to answer", which did not say whether the rows were kept)
        var storage = new FailingGrainStorage();
        await using var app = fixture.Start(configure: b => b.Services.AddKeyedSingleton<IGrainStorage>(Streams.StreamStorage.Name, (_, _) => storage));
        var client = app.GetTestClient();
        var path = "/v1/streams/full-1/points?model=pca";
        var (firstStatus, _) = await Post(client, path, Csv(fixture.Csv(0, 40)));

        // When: rows 40-44 while the store is full, then again once it has room
        storage.Full = true;
        using var refused = await client.PostAsync(path + "&start=40", Csv(fixture.Csv(40, 45)));
        var refusedBody = await Read(refused);
        storage.Full = false;
        var (againStatus, again) = await Post(client, path + "&start=40", Csv(fixture.Csv(40, 45)));

        // Then: 503 saying nothing was kept, with a time to retry; the retry is scored from row 40 as if the failure never happened
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("10", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("could not be saved", refusedBody.GetProperty("error").GetString());
        Assert.Contains("nothing of this request was kept: the stream still has 40 rows", refusedBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, againStatus);
        var expected = fixture.BatchScores("pca");
        Assert.Equal(Enumerable.Range(40, 5).Select(i => (long)i), again.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("index").GetInt64()));
        Assert.All(again.GetProperty("points").EnumerateArray(), p => Assert.Equal(expected[(int)p.GetProperty("index").GetInt64()], p.GetProperty("score").GetSingle(), 1e-3 * Math.Max(1, Math.Abs(expected[(int)p.GetProperty("index").GetInt64()]))));
    }

    [Fact]
    public async Task Points_WithMissingFfill_GapsTakeTheRowBefore_TheStreamsLastRowFirst_AsTheSameRowsFilledByHand()
    {
        // Given: rows 40-59, with gaps in rows 40 (the request's first: it takes the stream's row 39) and 47, written as CSV
        // and pandas write them; the same rows with the gaps filled by hand; a stream of rows 0-39 for each
        var filled = (float[])fixture.Values.Clone();
        (filled[40], filled[47]) = (filled[39], filled[46]);
        var gaps = ServedModelsFixture.Csv(fixture.Values, 40, 60).Split('\n');
        (gaps[1], gaps[8]) = (gaps[1].Split(',')[0] + ",", gaps[8].Split(',')[0] + ",NA"); // line 1 is the header
        await using var app = fixture.Start();
        var client = app.GetTestClient();
        foreach (var stream in new[] { "gaps-1", "byhand-1" })
        {
            Assert.Equal(HttpStatusCode.OK, (await Post(client, $"/v1/streams/{stream}/points?model=pca", Csv(fixture.Csv(0, 40)))).Status);
        }

        // When
        var (refusedStatus, refused) = await Post(client, "/v1/streams/gaps-1/points?model=pca", Csv(string.Join('\n', gaps)));
        var (status, answer) = await Post(client, "/v1/streams/gaps-1/points?model=pca&missing=ffill", Csv(string.Join('\n', gaps)));
        var (_, byHand) = await Post(client, "/v1/streams/byhand-1/points?model=pca", Csv(ServedModelsFixture.Csv(filled, 40, 60)));
        var (freshStatus, fresh) = await Post(client, "/v1/streams/gaps-2/points?model=pca&missing=ffill", Csv(string.Join('\n', gaps)));
        var (jsonStatus, json) = await Post(client, "/v1/streams/gaps-1/points?model=pca&missing=ffill", JsonBody("{\"rows\": [[0.5], [null]]}"));
        var (orderStatus, order) = await Post(client, "/v1/streams/gaps-1/points?model=pca&missing=interpolate", Csv(fixture.Csv(62, 63)));

        // Then: refused without the query (nothing kept), then scored as the rows filled by hand, 2 gaps counted; a new
        // stream has no row before its first gap; JSON's null is a gap too; interpolate cannot wait for the row after
        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        Assert.Contains("expected a finite number", refused.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, answer.GetProperty("filled").GetInt32());
        Assert.Equal(byHand.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("score").GetSingle()), answer.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("score").GetSingle()));
        Assert.Equal(Enumerable.Range(40, 20).Select(i => (long)i), answer.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("index").GetInt64()));
        Assert.Equal(HttpStatusCode.BadRequest, freshStatus);
        Assert.Contains("Row 1 of the request has a gap in column 'value', and the stream 'gaps-2' has no row before it", fresh.GetProperty("error").GetString());
        Assert.Equal((HttpStatusCode.OK, 1), (jsonStatus, json.GetProperty("filled").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, orderStatus);
        Assert.Contains("a stream cannot wait for the row after a gap", order.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Delete_AStream_ForgetsItAcrossARestart_SoItsNameStartsANewStreamOfAnyModel()
    {
        // Given: a stream of pca with the spike (rows 0-89), kept in a state folder
        var state = Path.Combine(fixture.Root, "state-delete");
        await using (var first = fixture.Start(state))
        {
            var (status, _) = await Post(first.GetTestClient(), "/v1/streams/pump-9/points?model=pca", Csv(fixture.Csv(0, 90)));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        // When: it is deleted, the service restarted, and the name posted to again with another model
        JsonElement deleted;
        HttpStatusCode again, described;
        await using (var second = fixture.Start(state))
        {
            var client = second.GetTestClient();
            using var response = await client.DeleteAsync("/v1/streams/pump-9");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            deleted = (await Read(response)).Clone();
            using var twice = await client.DeleteAsync("/v1/streams/pump-9");
            again = twice.StatusCode;
            using var info = await client.GetAsync("/v1/streams/pump-9");
            described = info.StatusCode;
        }

        await using var third = fixture.Start(state);
        var c = third.GetTestClient();
        using var gone = await c.GetAsync("/v1/streams/pump-9/alarms");
        var (newStatus, fresh) = await Post(c, "/v1/streams/pump-9/points?model=conv&start=0", Csv(fixture.Csv(0, 20)));

        // Then: the answer says what the stream held; it is gone for every request and every restart; the new stream is scored from row 0, as conv scores the series
        Assert.Equal("pca", deleted.GetProperty("model").GetString());
        Assert.Equal(90, deleted.GetProperty("rows").GetInt64());
        Assert.True(deleted.GetProperty("alarms").GetInt64() > 0); // the spike alarmed
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal(HttpStatusCode.NotFound, described);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newStatus);
        var expected = fixture.BatchScores("conv");
        var scores = fresh.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), scores.Select(p => p.GetProperty("index").GetInt64()));
        Assert.All(scores, p => Assert.Equal(expected[(int)p.GetProperty("index").GetInt64()], p.GetProperty("score").GetSingle(), 1e-5 * Math.Max(1, Math.Abs(expected[(int)p.GetProperty("index").GetInt64()]))));
    }

    [Fact]
    public async Task Delete_WhenTheStoreFails_Answered503AndTheStreamGoesOnAsItWas()
    {
        var storage = new FailingGrainStorage();
        await using var app = fixture.Start(configure: b => b.Services.AddKeyedSingleton<IGrainStorage>(Streams.StreamStorage.Name, (_, _) => storage));
        var client = app.GetTestClient();
        var (firstStatus, _) = await Post(client, "/v1/streams/kept-1/points?model=pca", Csv(fixture.Csv(0, 40)));

        storage.Full = true;
        using var refused = await client.DeleteAsync("/v1/streams/kept-1");
        var refusedBody = await Read(refused);
        storage.Full = false;
        var (nextStatus, next) = await Post(client, "/v1/streams/kept-1/points?model=pca&start=40", Csv(fixture.Csv(40, 45)));

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("10", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("could not be deleted from the store", refusedBody.GetProperty("error").GetString());
        Assert.Contains("it is as it was, with 40 rows", refusedBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, nextStatus);
        Assert.Equal(40, next.GetProperty("points")[0].GetProperty("index").GetInt64());
    }

    [Fact]
    public async Task Start_StateFolderThatARunningServiceWrites_RefusedUntilThatServiceStops()
    {
        // Given: a service keeping its streams in a folder (before, a second one on the same folder started, and the two
        // wrote the same streams' files)
        var state = Path.Combine(fixture.Root, "state-shared-" + Guid.NewGuid().ToString("N"));
        await using (var first = fixture.Start(state))
        {
            // When: a second service is started on the same folder
            var refused = Assert.Throws<IOException>(() => fixture.Start(state));

            // Then: refused before it serves, naming the folder and why
            Assert.Contains($"The folder '{state}' (the streams' state, --state) is in use by another vae-anomaly process", refused.Message);
            var (status, _) = await Post(first.GetTestClient(), "/v1/streams/pump-1/points?model=pca", Csv(fixture.Csv(0, 40)));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        // and once the first has stopped, a service starts on it again and continues its stream
        await using var again = fixture.Start(state);
        var (againStatus, body) = await Post(again.GetTestClient(), "/v1/streams/pump-1/points?model=pca", Csv(fixture.Csv(40, 45)));
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal(40, body.GetProperty("points")[0].GetProperty("index").GetInt64());
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("conv")]
    public async Task Points_PostedInBatchesWithARestartBetween_AreTheBatchLastScoresOfTheWholeStream(string model)
    {
        // Given: the stream's batch scores, and a state folder
        var expected = fixture.BatchScores(model);
        var state = Path.Combine(fixture.Root, "state-" + model);
        var points = new List<JsonElement>();

        // When: rows 0-4, 5-36 as CSV; the service stopped and started again; rows 37-89 as JSON
        await using (var first = fixture.Start(state))
        {
            var client = first.GetTestClient();
            foreach (var (from, to) in new[] { (0, 5), (5, 37) })
            {
                var (status, body) = await Post(client, $"/v1/streams/pump-7/points?model={model}", Csv(fixture.Csv(from, to)));
                Assert.Equal(HttpStatusCode.OK, status);
                points.AddRange(body.GetProperty("points").EnumerateArray());
            }
        }

        await using (var second = fixture.Start(state))
        {
            var (status, body) = await Post(second.GetTestClient(), $"/v1/streams/pump-7/points?model={model}", JsonBody(fixture.Json(37, 90)));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("pump-7", body.GetProperty("stream").GetString());
            points.AddRange(body.GetProperty("points").EnumerateArray());
        }

        // Then: every row once, in order, with the batch score (up to BLAS rounding) and the flag of its threshold
        Assert.Equal(Enumerable.Range(0, 90).Select(i => (long)i), points.Select(p => p.GetProperty("index").GetInt64()));
        for (var t = 0; t < 90; t++)
        {
            var score = points[t].GetProperty("score").GetSingle();
            Assert.True(Math.Abs(expected[t] - score) <= 1e-5 * Math.Max(1, Math.Abs(expected[t])), $"row {t}: batch {expected[t]}, served {score}");
            Assert.Equal(score > points[t].GetProperty("threshold").GetDouble(), points[t].GetProperty("flag").GetBoolean());
        }

        Assert.Contains(points, p => p.GetProperty("flag").GetBoolean()); // the spike is flagged
        AssertExplainedWhereFlagged(points);
    }

    [Theory]
    [InlineData("pca")]
    [InlineData("conv")]
    public async Task Points_FlaggedBySurprise_AreTheBatchSurpriseOfTheWholeStream_AcrossARestart(string model)
    {
        // Given: what score --point-score last --flag-by surprise gives the whole stream, which is not the raw score
        var expected = fixture.BatchSurprise(model);
        Assert.NotEqual(fixture.BatchScores(model), expected);
        var state = Path.Combine(fixture.Root, "state-surprise-" + model);
        var points = new List<JsonElement>();

        // When: rows 0-36 in two requests, the service started again, rows 37-89
        await using (var first = fixture.Start(state, surprise: true))
        {
            var models = await Read(await first.GetTestClient().GetAsync("/v1/models"));
            var described = models.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == model);
            Assert.Equal("surprise", described.GetProperty("flag_by").GetString());
            Assert.Equal(0.5, described.GetProperty("threshold").GetDouble());
            foreach (var (from, to) in new[] { (0, 5), (5, 37) })
            {
                var (status, body) = await Post(first.GetTestClient(), $"/v1/streams/pump-s/points?model={model}", Csv(fixture.Csv(from, to)));
                Assert.Equal(HttpStatusCode.OK, status);
                points.AddRange(body.GetProperty("points").EnumerateArray());
            }
        }

        await using (var second = fixture.Start(state, surprise: true))
        {
            var (status, body) = await Post(second.GetTestClient(), $"/v1/streams/pump-s/points?model={model}", Csv(fixture.Csv(37, 90)));
            Assert.Equal(HttpStatusCode.OK, status);
            points.AddRange(body.GetProperty("points").EnumerateArray());
        }

        // Then: every row's surprise as the batch gives it, flagged above 0.5, the spike among the flags
        Assert.Equal(90, points.Count);
        for (var t = 0; t < 90; t++)
        {
            var score = points[t].GetProperty("score").GetSingle();
            Assert.True(Math.Abs(expected[t] - score) <= 1e-5, $"row {t}: batch surprise {expected[t]}, served {score}");
            Assert.Equal(0.5, points[t].GetProperty("threshold").GetDouble());
            Assert.Equal(score > 0.5, points[t].GetProperty("flag").GetBoolean());
        }

        Assert.Contains(points, p => p.GetProperty("flag").GetBoolean());
    }

    /// <summary>A flagged point names its watched column (the fixture's one, so its whole share); any other point names none.</summary>
    private static void AssertExplainedWhereFlagged(IEnumerable<JsonElement> points)
    {
        foreach (var point in points)
        {
            if (point.GetProperty("flag").GetBoolean())
            {
                var column = Assert.Single(point.GetProperty("columns").EnumerateArray());
                Assert.Equal("value", column.GetProperty("column").GetString());
                Assert.Equal(1.0, column.GetProperty("share").GetDouble(), 5);
            }
            else
            {
                Assert.False(point.TryGetProperty("columns", out _), $"point {point.GetProperty("index")} is not flagged but explained");
            }
        }
    }

    [Fact]
    public async Task Points_WithARest_RaiseOneAlarmPerRest_AcrossRequestsAndARestart()
    {
        // Given: the spike at rows 60-62 lifts every window of 8 rows that holds it; a rest of 5 rows
        var expected = fixture.BatchScores("pca");
        var state = Path.Combine(fixture.Root, "state-rest");
        var points = new List<JsonElement>();

        // When: rows 0-61 (the alarm at the spike's start, its rest running on), the service restarted, rows 62-89
        foreach (var (from, to) in new[] { (0, 62), (62, 90) })
        {
            await using var app = fixture.Start(state, rest: new Streaming.AlarmRest(5));
            var (status, body) = await Post(app.GetTestClient(), "/v1/streams/rested/points?model=pca", Csv(fixture.Csv(from, to)));
            Assert.Equal(HttpStatusCode.OK, status);
            points.AddRange(body.GetProperty("points").EnumerateArray());
        }

        // Then: the batch scores, and the flags by the rule worked out here: above the threshold, unless within 5 rows
        // after the last flag
        var threshold = points[0].GetProperty("threshold").GetDouble();
        var lastFlag = -100;
        for (var t = 0; t < 90; t++)
        {
            var score = points[t].GetProperty("score").GetSingle();
            Assert.True(Math.Abs(expected[t] - score) <= 1e-5 * Math.Max(1, Math.Abs(expected[t])), $"row {t}: batch {expected[t]}, served {score}");
            var flag = expected[t] > threshold && t - lastFlag > 5;
            Assert.True(flag == points[t].GetProperty("flag").GetBoolean(), $"row {t}: score {score}, threshold {threshold}, last flag {lastFlag}");
            lastFlag = flag ? t : lastFlag;
        }

        Assert.True(points[60].GetProperty("flag").GetBoolean(), "the spike raises the alarm");
        Assert.Contains(Enumerable.Range(62, 4), t => points[t].GetProperty("score").GetSingle() > threshold && !points[t].GetProperty("flag").GetBoolean());
    }

    [Theory]
    [InlineData("pca")]  // fitted again at each refit
    [InlineData("conv")] // trained further at each refit
    public async Task Points_KeepingLearning_AreTheOnlineDetectorsPoints_AcrossRestartsAfterRefits(string model)
    {
        // Given: a drifting stream with a spike, and the points of the online detector over it (ServedModelsFixture.Learnt)
        var (values, expected, refits) = fixture.Learnt(model);
        var state = Path.Combine(fixture.Root, "state-online-" + model);
        var points = new List<JsonElement>();

        // When: four requests, the service stopped and started again before each (the last two after one new refit each)
        foreach (var (from, to) in new[] { (0, 300), (300, 520), (520, 620), (620, 700) })
        {
            await using var app = fixture.Start(state, online: true);
            var (status, body) = await Post(app.GetTestClient(), $"/v1/streams/learning/points?model={model}", Csv(ServedModelsFixture.Csv(values, from, to)));
            Assert.Equal(HttpStatusCode.OK, status);
            points.AddRange(body.GetProperty("points").EnumerateArray());
        }

        // Then: every row's surprise and flag as the uninterrupted detector gives them, the refitted model carried across
        Assert.Equal(3, refits);
        Assert.Equal(Enumerable.Range(0, 700).Select(i => (long)i), points.Select(p => p.GetProperty("index").GetInt64()));
        for (var t = 0; t < 700; t++)
        {
            var score = points[t].GetProperty("score").GetSingle();
            Assert.True(Math.Abs(expected[t].Score - score) <= 1e-5, $"row {t}: detector {expected[t].Score}, served {score}");
            Assert.Equal(expected[t].Flag, points[t].GetProperty("flag").GetBoolean());
            Assert.Equal(SurpriseFlags.Flag, points[t].GetProperty("threshold").GetDouble());
        }

        Assert.True(points[600].GetProperty("flag").GetBoolean(), "the spike is flagged");
        AssertExplainedWhereFlagged(points);

        // The stream says it learns and how often it refitted, on a learning node; served frozen, it does not learn
        await using (var learningNode = fixture.Start(state, online: true))
        {
            var described = await Read(await learningNode.GetTestClient().GetAsync("/v1/streams/learning"));
            Assert.Equal(700, described.GetProperty("rows").GetInt64());
            Assert.True(described.GetProperty("learning").GetBoolean());
            Assert.Equal(refits, described.GetProperty("refits").GetInt32());
        }

        await using var frozenNode = fixture.Start(state, online: false);
        var frozen = await Read(await frozenNode.GetTestClient().GetAsync("/v1/streams/learning"));
        Assert.False(frozen.GetProperty("learning").GetBoolean());
        Assert.Equal(0, frozen.GetProperty("refits").GetInt32());
    }

    [Fact]
    public async Task Points_ServedWithLearningTurnedOnThenOff_ContinueTheStreamAcrossTheSwitches()
    {
        // Given: the batch last-mode scores of the bundle over the whole stream, a sine with a faster one on it (so each
        // window scores differently)
        float[] values = [.. Enumerable.Range(0, 300).Select(t => (float)(Math.Sin((t / 4.0) + 2) + (0.4 * Math.Sin(t / 1.3))))];
        using var bundle = DetectorRegistry.Load(Path.Combine(fixture.Models, "pca"));
        var batch = ((IScoresPoints)bundle).ScorePoints(ServedModelsFixture.Series(values), new PointScoreRequest(PointScoreMode.Last)).Scores;
        var state = Path.Combine(fixture.Root, "state-switch");
        var points = new List<JsonElement>();

        // When: rows 0-99 served as they are, 100-199 by a service whose streams learn, 200-299 as they are again
        foreach (var (from, to, online) in new[] { (0, 100, false), (100, 200, true), (200, 300, false) })
        {
            await using var app = fixture.Start(state, online: online);
            var (status, body) = await Post(app.GetTestClient(), "/v1/streams/switched/points?model=pca", Csv(ServedModelsFixture.Csv(values, from, to)));
            Assert.Equal(HttpStatusCode.OK, status);
            points.AddRange(body.GetProperty("points").EnumerateArray());
        }

        // Then: one stream, in order; learning flags by surprise from where the stream stood (its history starts empty,
        // so its first two rows have none), and the bundle's scores come back with their windows whole
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), points.Select(p => p.GetProperty("index").GetInt64()));
        Assert.All(points.Skip(100).Take(100), p => Assert.Equal(SurpriseFlags.Flag, p.GetProperty("threshold").GetDouble()));
        Assert.Equal(0f, points[100].GetProperty("score").GetSingle());
        Assert.NotEqual(0f, points[102].GetProperty("score").GetSingle());
        foreach (var t in Enumerable.Range(0, 100).Concat(Enumerable.Range(200, 100)))
        {
            var score = points[t].GetProperty("score").GetSingle();
            Assert.True(Math.Abs(batch[t] - score) <= 1e-5 * Math.Max(1, Math.Abs(batch[t])), $"row {t}: batch {batch[t]}, served {score}");
        }
    }

    [Fact]
    public async Task Points_RetriedWithItsStart_AreAnsweredAgainAndCountedOnce()
    {
        // Given
        await using var app = fixture.Start();
        var client = app.GetTestClient();

        // When: one request (the spike at rows 60-62 among its rows) sent twice with start=0, then one that skips rows
        var (_, once) = await Post(client, "/v1/streams/s/points?model=pca&start=0", Csv(fixture.Csv(0, 70)));
        var (again, twice) = await Post(client, "/v1/streams/s/points?model=pca&start=0", Csv(fixture.Csv(0, 70)));
        var (skipped, refusal) = await Post(client, "/v1/streams/s/points?model=pca&start=75", Csv(fixture.Csv(75, 80)));
        var metrics = await client.GetStringAsync("/metrics");

        // Then: the same answer, the flagged points' explanations included, the points counted once, and the gap refused naming the next index
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(once.GetRawText(), twice.GetRawText());
        Assert.Contains(once.GetProperty("points").EnumerateArray(), p => p.TryGetProperty("columns", out _));
        Assert.Contains("vae_anomaly_points_scored_total{model=\"pca\"} 70", metrics);
        var alarms = once.GetProperty("points").EnumerateArray().Count(p => p.GetProperty("flag").GetBoolean());
        Assert.Contains($"vae_anomaly_alarms_by_column_total{{model=\"pca\",column=\"value\"}} {alarms}", metrics); // each alarm once, by its one column
        Assert.Equal(HttpStatusCode.Conflict, skipped);
        Assert.Contains("next row has index 70", refusal.GetProperty("error").GetString());
        var info = await Read(await client.GetAsync("/v1/streams/s"));
        Assert.Equal(70, info.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Points_OfATwoColumnModel_NameTheColumnThatLeftItsRange_AndTheAlarmsAreCountedByThatColumn()
    {
        // Given: range over two columns, a and b, fitted on 300 rows of a sine and a cosine; 40 of those rows streamed,
        // a lifted by 5 at rows 10-12 and b at rows 20-21
        var models = Path.Combine(fixture.Root, "models-duo");
        float[] Rows(int n) => [.. Enumerable.Range(0, n).SelectMany(t => new[] { (float)Math.Sin(t / 4.0), (float)Math.Cos(t / 4.0) })];
        var twoColumns = new Func<float[], SequenceSet>(v => new SequenceSet(["a", "b"], [new Sequence("s", v)]));
        using (var fitted = DetectorRegistry.Create("range", new DetectorSettings { Seed = 3 }).Fit(twoColumns(Rows(300)), twoColumns(Rows(80))))
        {
            fitted.Save(Directory.CreateDirectory(Path.Combine(models, "duo")).FullName);
        }

        var stream = Rows(40);
        foreach (var t in new[] { 10, 11, 12 })
        {
            stream[2 * t] += 5;
        }

        foreach (var t in new[] { 20, 21 })
        {
            stream[(2 * t) + 1] += 5;
        }

        var body = "timestamp,a,b\n" + string.Concat(Enumerable.Range(0, 40).Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t},{stream[2 * t]:R},{stream[(2 * t) + 1]:R}\n")));

        // When
        await using var app = fixture.Start(models: models);
        var client = app.GetTestClient();
        var (status, answer) = await Post(client, "/v1/streams/duo-1/points?model=duo", Csv(body));
        var metrics = await client.GetStringAsync("/metrics");

        // Then: the lifted rows, and only they, are flagged, each naming its own column with the whole share
        Assert.Equal(HttpStatusCode.OK, status);
        var points = answer.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal([10, 11, 12, 20, 21], points.Where(p => p.GetProperty("flag").GetBoolean()).Select(p => p.GetProperty("index").GetInt32()));
        foreach (var t in new[] { 10, 11, 12, 20, 21 })
        {
            var column = Assert.Single(points[t].GetProperty("columns").EnumerateArray());
            Assert.Equal(t < 20 ? "a" : "b", column.GetProperty("column").GetString());
            Assert.Equal(1.0, column.GetProperty("share").GetDouble(), 5);
        }

        Assert.Contains("vae_anomaly_alarms_by_column_total{model=\"duo\",column=\"a\"} 3", metrics);
        Assert.Contains("vae_anomaly_alarms_by_column_total{model=\"duo\",column=\"b\"} 2", metrics);
    }

    [Fact]
    public async Task Metrics_CountThePointsAndRequestsOfEachModel()
    {
        // Given
        await using var app = fixture.Start();
        var client = app.GetTestClient();

        // When: 30 points of one stream and 12 of another, of two models
        await Post(client, "/v1/streams/a/points?model=pca", Csv(fixture.Csv(0, 30)));
        await Post(client, "/v1/streams/b/points?model=conv", JsonBody(fixture.Json(0, 12)));
        var metrics = await client.GetStringAsync("/metrics");

        // Then
        Assert.Contains("vae_anomaly_points_scored_total{model=\"pca\"} 30", metrics);
        Assert.Contains("vae_anomaly_points_scored_total{model=\"conv\"} 12", metrics);
        Assert.Contains("vae_anomaly_requests_total{endpoint=\"/v1/streams/{stream}/points\",model=\"pca\",code=\"200\"} 1", metrics);
        Assert.Contains("vae_anomaly_request_duration_seconds_count{endpoint=\"/v1/streams/{stream}/points\",model=\"conv\"} 1", metrics);
    }

    [Fact]
    public async Task Models_ListsEachBundleWithItsColumnsAndThresholds()
    {
        await using var app = fixture.Start();
        var body = await Read(await app.GetTestClient().GetAsync("/v1/models"));

        var models = body.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["conv", "pca"], models.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(["conv-ae", "pca"], models.Select(m => m.GetProperty("kind").GetString()));
        Assert.All(models, m => Assert.Equal("series", m.GetProperty("input").GetString()));
        Assert.All(models, m => Assert.Equal("value", m.GetProperty("channels")[0].GetString()));
        Assert.All(models, m => Assert.True(m.GetProperty("threshold").GetDouble() > 0));
        Assert.All(models, m => Assert.Equal("threshold", m.GetProperty("flag_by").GetString()));
    }

    [Fact]
    public async Task Score_SequencesInTheBody_GetTheModelsOwnScores()
    {
        // Given: three sequences of 20 rows, the third with the spike
        var body = new StringBuilder("sequence_id,t,value\n");
        foreach (var (id, start) in new[] { ("a", 0), ("b", 20), ("c", 50) })
        {
            for (var t = 0; t < 20; t++)
            {
                body.Append(System.Globalization.CultureInfo.InvariantCulture, $"{id},{t},{fixture.Values[start + t]:R}\n");
            }
        }

        var file = Path.Combine(fixture.Root, "sequences.csv");
        await File.WriteAllTextAsync(file, body.ToString());
        using var detector = DetectorRegistry.Load(Path.Combine(fixture.Models, "pca"));
        var expected = detector.Score(SequenceCsvReader.Read(file));

        // When
        await using var app = fixture.Start();
        var (status, result) = await Post(app.GetTestClient(), "/v1/score?model=pca", Csv(body.ToString()));

        // Then
        Assert.Equal(HttpStatusCode.OK, status);
        var results = result.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["a", "b", "c"], results.Select(r => r.GetProperty("sequence_id").GetString()));
        Assert.Equal(expected, results.Select(r => r.GetProperty("score").GetSingle()));
    }

    [Fact]
    public async Task Requests_WithoutTheKey_Get401AndHealthNeedsNone()
    {
        await using var app = fixture.Start(key: "a-key-of-sixteen-characters");
        var client = app.GetTestClient();

        using var noKey = await client.GetAsync("/v1/models");
        using var deleteWithoutKey = await client.DeleteAsync("/v1/streams/pump-7"); // a stream is never deleted without the key
        using var metrics = await client.GetAsync("/metrics");
        using var health = await client.GetAsync("/healthz");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "X-Api-Key", "not-the-key" } } };
        using var wrongAnswer = await client.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "X-Api-Key", "a-key-of-sixteen-characters" } } };
        using var rightAnswer = await client.SendAsync(right);

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Contains("X-Api-Key", (await Read(noKey)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, deleteWithoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightAnswer.StatusCode);
    }

    [Fact]
    public async Task BadRequests_GetTheirStatusAndAJsonErrorNamingWhatWasWrong()
    {
        await using var app = fixture.Start(maxBody: 1_000);
        var client = app.GetTestClient();

        var (badCell, badCellBody) = await Post(client, "/v1/streams/s/points?model=pca", Csv("timestamp,value\n1,0.5\n2,abc\n"));
        var (noColumn, noColumnBody) = await Post(client, "/v1/streams/s/points?model=pca", Csv("timestamp,other\n1,0.5\n"));
        var (badJson, badJsonBody) = await Post(client, "/v1/streams/s/points?model=pca", JsonBody("{\"rows\": [[1], [2,"));
        var (twice, twiceBody) = await Post(client, "/v1/streams/s/points?model=pca", JsonBody("{\"rows\": [[1]], \"rows\": [[2]]}"));
        var (nan, nanBody) = await Post(client, "/v1/streams/s/points?model=pca", JsonBody("{\"rows\": [[1], [\"NaN\"]]}"));
        var (hugeJson, hugeJsonBody) = await Post(client, "/v1/streams/s/points?model=pca", JsonBody("{\"rows\": [[1], [-2e19]]}"));
        var (hugeCsv, hugeCsvBody) = await Post(client, "/v1/streams/s/points?model=pca", Csv("value\n1\n3e30\n"));
        var (unknown, unknownBody) = await Post(client, "/v1/streams/s/points?model=nope", Csv(fixture.Csv(0, 3)));
        var (tooLarge, tooLargeBody) = await Post(client, "/v1/streams/s/points?model=pca", Csv(fixture.Csv(0, 60)));
        var (badName, _) = await Post(client, "/v1/streams/a%20b/points?model=pca", Csv(fixture.Csv(0, 3)));
        await Post(client, "/v1/streams/t/points?model=pca", Csv(fixture.Csv(0, 3)));
        var (otherModel, otherModelBody) = await Post(client, "/v1/streams/t/points?model=conv", Csv(fixture.Csv(3, 6)));
        var compressed = Csv(fixture.Csv(0, 3));
        compressed.Headers.ContentEncoding.Add("gzip");
        var (gzip, gzipBody) = await Post(client, "/v1/streams/s/points?model=pca", compressed);
        var (seriesToScore, seriesToScoreBody) = await Post(client, "/v1/score?model=pca", Csv(fixture.Csv(0, 3)));
        using var noStream = await client.GetAsync("/v1/streams/never");
        using var noRoute = await client.GetAsync("/v2/anything");

        Assert.Equal(HttpStatusCode.BadRequest, badCell);
        Assert.Equal("request body:3: column 'value': field 2 holds 'abc'; expected a finite number", badCellBody.GetProperty("error").GetString());
        Assert.Equal(3, badCellBody.GetProperty("line").GetInt64());
        Assert.Equal("value", badCellBody.GetProperty("column").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noColumn);
        Assert.Contains("column 'value': the model's column is not in the header", noColumnBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badJson);
        Assert.Contains("malformed JSON", badJsonBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, twice); // before, the last "rows" was scored and the first silently dropped
        Assert.StartsWith("request body: malformed JSON (Duplicate property 'rows'", twiceBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, nan);
        Assert.Contains("rows[1][0] (column 'value')", nanBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, hugeJson);
        Assert.Contains("rows[1][0] (column 'value') holds -2e19; values beyond ±1e18 are refused", hugeJsonBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, hugeCsv);
        Assert.Contains("request body:3: column 'value': found '3e30'; values beyond ±1e18 are refused", hugeCsvBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Contains("No model 'nope'", unknownBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.Contains("larger than 1,000 bytes", tooLargeBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badName);
        Assert.Equal(HttpStatusCode.Conflict, otherModel);
        Assert.Contains("started with the model 'pca'", otherModelBody.GetProperty("error").GetString());
        Assert.Contains("or delete this one first (DELETE /v1/streams/", otherModelBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, gzip); // before, 400 with the compressed bytes quoted as a CSV header
        Assert.Equal("The body's Content-Encoding is 'gzip'; expected an uncompressed body (no Content-Encoding, or identity).", gzipBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, seriesToScore); // a series' rows to the endpoint of whole sequences: where they go is said
        Assert.Contains("column 'sequence_id': is missing from the header", seriesToScoreBody.GetProperty("error").GetString());
        Assert.Contains("the rows of a series stream to POST /v1/streams/{stream}/points?model=pca", seriesToScoreBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, noStream.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        Assert.All(new[] { badCellBody, noColumnBody, badJsonBody, unknownBody, tooLargeBody }, b => Assert.DoesNotContain("   at ", b.GetRawText()));

        // Nothing refused was scored: the stream s was never started
        using var s = await client.GetAsync("/v1/streams/s");
        Assert.Equal(HttpStatusCode.NotFound, s.StatusCode);
    }
}
