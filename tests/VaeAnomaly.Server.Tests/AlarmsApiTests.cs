using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Server.Tests;

/// <summary><c>GET /v1/streams/{stream}/alarms</c>: a stream's latest alarms as they were answered, kept across retries and restarts.</summary>
[Collection(ServiceCollection.Name)]
public sealed class AlarmsApiTests(ServedModelsFixture fixture)
{
    private static async Task<JsonElement> Read(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Get(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await Read(response));
    }

    /// <summary>A models folder with <c>range</c> over the fixture's column, fitted on its sine (range [-1, 1]).</summary>
    private static void FitRange(string root)
    {
        using var fitted = DetectorRegistry.Create("range", new DetectorSettings { Seed = 3 }).Fit(ServedModelsFixture.Series(ServedModelsFixture.Wave(300, 0)), ServedModelsFixture.Series(ServedModelsFixture.Wave(80, 1)));
        fitted.Save(Directory.CreateDirectory(Path.Combine(root, "range")).FullName);
    }

    private static async Task<JsonElement> PostCsv(HttpClient client, string path, string csv)
    {
        using var response = await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Read(response)).GetProperty("points").Clone();
    }

    [Fact]
    public async Task Alarms_AreTheFlaggedPointsAsAnswered_NewestFirst_OnceEachAcrossARetryAndARestart()
    {
        // Given: the spiked stream in two requests that cut the spike (rows 60-62), the second sent twice (a retry), then the service restarted
        var state = Path.Combine(fixture.Root, "state-alarms");
        var points = new List<JsonElement>();
        var before = DateTime.UtcNow;
        await using (var first = fixture.Start(state))
        {
            var client = first.GetTestClient();
            points.AddRange((await PostCsv(client, "/v1/streams/a-1/points?model=pca&start=0", fixture.Csv(0, 61))).EnumerateArray());
            points.AddRange((await PostCsv(client, "/v1/streams/a-1/points?model=pca&start=61", fixture.Csv(61, 90))).EnumerateArray());
            await PostCsv(client, "/v1/streams/a-1/points?model=pca&start=61", fixture.Csv(61, 90));
        }

        var after = DateTime.UtcNow;

        // When: asked after the restart, whole and limited
        await using var second = fixture.Start(state);
        var c = second.GetTestClient();
        var (status, answer) = await Get(c, "/v1/streams/a-1/alarms");
        var (_, newest) = await Get(c, "/v1/streams/a-1/alarms?limit=1");
        var (_, info) = await Get(c, "/v1/streams/a-1");

        // Then: every flagged point once, newest first, with its score, threshold and columns as the points answered them
        Assert.Equal(HttpStatusCode.OK, status);
        var flagged = points.Where(p => p.GetProperty("flag").GetBoolean()).Reverse().ToList();
        Assert.Contains(flagged, p => p.GetProperty("index").GetInt64() < 61); // alarms in both requests
        Assert.Contains(flagged, p => p.GetProperty("index").GetInt64() >= 61);
        var alarms = answer.GetProperty("alarms").EnumerateArray().ToList();
        Assert.Equal(flagged.Select(p => p.GetProperty("index").GetInt64()), alarms.Select(a => a.GetProperty("index").GetInt64()));
        Assert.Equal(flagged.Select(p => p.GetProperty("score").GetSingle()), alarms.Select(a => a.GetProperty("score").GetSingle()));
        Assert.Equal(flagged.Select(p => p.GetProperty("threshold").GetDouble()), alarms.Select(a => a.GetProperty("threshold").GetDouble()));
        Assert.Equal(flagged.Select(p => p.GetProperty("columns").GetRawText()), alarms.Select(a => a.GetProperty("columns").GetRawText()));
        Assert.All(alarms, a => Assert.InRange(a.GetProperty("answered").GetDateTime(), before, after));
        foreach (var a in alarms)
        {
            var t = a.GetProperty("index").GetInt32(); // the row's time as the CSV body gave it
            Assert.Equal($"2026-01-01T00:{t / 60:00}:{t % 60:00}", a.GetProperty("time").GetString());
        }

        Assert.Equal(flagged.Count, answer.GetProperty("total").GetInt64());
        Assert.Equal(flagged.Count, info.GetProperty("alarms").GetInt64());
        Assert.Equal("pca", answer.GetProperty("model").GetString());
        var only = Assert.Single(newest.GetProperty("alarms").EnumerateArray());
        Assert.Equal(flagged[0].GetProperty("index").GetInt64(), only.GetProperty("index").GetInt64());
    }

    [Fact]
    public async Task Alarms_BeyondTheKeptNumber_DropTheOldest_AndAreStillCounted()
    {
        // Given: range over the fixture's column, fitted on its sine, and 150 rows far above its range
        var models = fixture.Made("models-range", FitRange);
        var rows = Enumerable.Repeat(9f, 150).ToArray();

        // When
        await using var app = fixture.Start(models: models);
        var client = app.GetTestClient();
        var points = await PostCsv(client, "/v1/streams/hot/points?model=range", ServedModelsFixture.Csv(rows, 0, 150));
        var (_, answer) = await Get(client, "/v1/streams/hot/alarms");

        // Then: all 150 flagged and counted; the newest 100 kept, 149 down to 50, each with its row's time
        Assert.All(points.EnumerateArray(), p => Assert.True(p.GetProperty("flag").GetBoolean()));
        Assert.Equal(150, answer.GetProperty("total").GetInt64());
        Assert.Equal(Enumerable.Range(50, 100).Reverse().Select(i => (long)i), answer.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("index").GetInt64()));
        Assert.Equal("2026-01-01T00:02:29", answer.GetProperty("alarms")[0].GetProperty("time").GetString());
    }

    [Fact]
    public async Task Alarms_OfAJsonBody_CarryItsTimes_AndTimesThatDoNotMatchTheRowsAreRefused()
    {
        // Given: the range model; three rows, the last far above its range, with their times; and a body with one time too few
        var models = fixture.Made("models-range", FitRange);
        const string body = "{\"rows\": [[0.1], [0.2], [9]], \"times\": [\"t0\", \"t1\", \"2026-05-01 12:00\"]}";
        const string short1 = "{\"rows\": [[0.1], [9]], \"times\": [\"t0\"]}";

        // When
        await using var app = fixture.Start(models: models);
        var client = app.GetTestClient();
        using var answered = await client.PostAsync("/v1/streams/json-1/points?model=range", new StringContent(body, Encoding.UTF8, "application/json"));
        using var refused = await client.PostAsync("/v1/streams/json-2/points?model=range", new StringContent(short1, Encoding.UTF8, "application/json"));
        var (_, alarms) = await Get(client, "/v1/streams/json-1/alarms");
        var (never, _) = await Get(client, "/v1/streams/json-2");

        // Then
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var alarm = Assert.Single(alarms.GetProperty("alarms").EnumerateArray());
        Assert.Equal((2L, "2026-05-01 12:00"), (alarm.GetProperty("index").GetInt64(), alarm.GetProperty("time").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("request body: times is an array of 1 values; expected one string per row (2), or no times", (await Read(refused)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, never);
    }

    [Fact]
    public async Task Alarms_OfNoStreamOrWithABadLimit_AreRefusedWithAJsonError()
    {
        await using var app = fixture.Start();
        var client = app.GetTestClient();
        await PostCsv(client, "/v1/streams/quiet/points?model=pca", fixture.Csv(0, 20));

        var (none, noneBody) = await Get(client, "/v1/streams/never/alarms");
        var (zero, zeroBody) = await Get(client, "/v1/streams/quiet/alarms?limit=0");
        var (text, _) = await Get(client, "/v1/streams/quiet/alarms?limit=ten");
        var (quiet, quietBody) = await Get(client, "/v1/streams/quiet/alarms");

        Assert.Equal(HttpStatusCode.NotFound, none);
        Assert.Contains("No stream 'never'", noneBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, zero);
        Assert.Equal("The query parameter limit is '0'; expected a whole number from 1 to 100.", zeroBody.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, text);
        Assert.Equal(HttpStatusCode.OK, quiet);
        Assert.Equal(0, quietBody.GetProperty("total").GetInt64());
        Assert.Empty(quietBody.GetProperty("alarms").EnumerateArray());
    }
}
