using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace VaeAnomaly.Server.Tests;

/// <summary>
/// Two <c>serve</c> nodes joined through a real Redis server (<c>--cluster redis://...</c>) share a stream: either node
/// answers it, and it survives a node going away. The server is named by VAE_ANOMALY_TEST_REDIS (host:port), which
/// <c>.ci/run</c> sets after starting redis-server; without it the test is skipped here and fails under CI.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class RedisClusterTests(ServedModelsFixture fixture)
{
    private static string? Redis()
    {
        var address = Environment.GetEnvironmentVariable("VAE_ANOMALY_TEST_REDIS");
        if (string.IsNullOrWhiteSpace(address))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "VAE_ANOMALY_TEST_REDIS is not set: .ci/run starts redis-server and must set it");
            Skip.If(true, "VAE_ANOMALY_TEST_REDIS (host:port of a Redis server) is not set; start redis-server and set it to run this test");
        }

        return address;
    }

    private static async Task<List<JsonElement>> Post(WebApplication node, string path, string csv)
    {
        using var response = await node.GetTestClient().PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("points").EnumerateArray()];
    }

    [SkippableFact]
    public async Task Points_PostedToTwoNodesOfARedisCluster_ContinueOneStreamThroughANodeLeaving()
    {
        // Given: two nodes of a new cluster on the Redis server, and the stream's batch scores
        var redis = $"redis://{Redis()}";
        var clusterId = "test-" + Guid.NewGuid().ToString("N");
        var expected = fixture.BatchScores("pca");
        var a = fixture.Start(cluster: redis, clusterId: clusterId);
        var b = fixture.Start(cluster: redis, clusterId: clusterId);
        var points = new List<JsonElement>();
        try
        {
            // When: rows go alternately to each node, then node a stops and b takes the rest
            points.AddRange(await Post(a, "/v1/streams/shared/points?model=pca", fixture.Csv(0, 30)));
            points.AddRange(await Post(b, "/v1/streams/shared/points?model=pca", fixture.Csv(30, 50)));
            points.AddRange(await Post(a, "/v1/streams/shared/points?model=pca", fixture.Csv(50, 70)));
            await a.StopAsync();
            await a.DisposeAsync();
            points.AddRange(await Post(b, "/v1/streams/shared/points?model=pca", fixture.Csv(70, 90)));

            // Then: one stream, every row once, the batch scores
            Assert.Equal(Enumerable.Range(0, 90).Select(i => (long)i), points.Select(p => p.GetProperty("index").GetInt64()));
            for (var t = 0; t < 90; t++)
            {
                var score = points[t].GetProperty("score").GetSingle();
                Assert.True(Math.Abs(expected[t] - score) <= 1e-5 * Math.Max(1, Math.Abs(expected[t])), $"row {t}: batch {expected[t]}, cluster {score}");
            }
        }
        finally
        {
            await b.StopAsync();
            await b.DisposeAsync();
        }

        // And the stream's state lives in Redis: a new node of the same cluster knows it, its alarms included
        await using var c = fixture.Start(cluster: redis, clusterId: clusterId);
        using var info = await c.GetTestClient().GetAsync("/v1/streams/shared");
        Assert.Equal(90, JsonDocument.Parse(await info.Content.ReadAsStringAsync()).RootElement.GetProperty("rows").GetInt64());
        using var alarms = await c.GetTestClient().GetAsync("/v1/streams/shared/alarms");
        var flagged = points.Where(p => p.GetProperty("flag").GetBoolean()).Select(p => p.GetProperty("index").GetInt64()).Reverse();
        Assert.Equal(flagged, JsonDocument.Parse(await alarms.Content.ReadAsStringAsync()).RootElement.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("index").GetInt64()));

        // And a stream deleted on one node is gone from Redis: a later node of the cluster no longer knows it
        using (var deleted = await c.GetTestClient().DeleteAsync("/v1/streams/shared"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await c.StopAsync();
        await using var d = fixture.Start(cluster: redis, clusterId: clusterId);
        using var after = await d.GetTestClient().GetAsync("/v1/streams/shared");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [SkippableFact]
    public async Task Points_OfAStreamThatKeepsLearning_ContinueOnANewNodeFromWhatItLearntInRedis()
    {
        // Given: two learning nodes of a new cluster, and the online detector's points over a drifting stream
        var redis = $"redis://{Redis()}";
        var clusterId = "test-" + Guid.NewGuid().ToString("N");
        var (values, expected, _) = fixture.Learnt("pca");
        var points = new List<JsonElement>();
        var path = "/v1/streams/learning/points?model=pca";

        // When: rows to either node, past the refits at 475 and 570; both stop, and a new node takes the rest
        var a = fixture.Start(cluster: redis, clusterId: clusterId, online: true);
        var b = fixture.Start(cluster: redis, clusterId: clusterId, online: true);
        points.AddRange(await Post(a, path, ServedModelsFixture.Csv(values, 0, 300)));
        points.AddRange(await Post(b, path, ServedModelsFixture.Csv(values, 300, 520)));
        points.AddRange(await Post(a, path, ServedModelsFixture.Csv(values, 520, 620)));
        foreach (var node in new[] { a, b })
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }

        await using (var c = fixture.Start(cluster: redis, clusterId: clusterId, online: true))
        {
            points.AddRange(await Post(c, path, ServedModelsFixture.Csv(values, 620, 700)));
        }

        // Then: the detector's surprise and flag for every row, the refitted model restored from Redis
        Assert.Equal(Enumerable.Range(0, 700).Select(i => (long)i), points.Select(p => p.GetProperty("index").GetInt64()));
        for (var t = 0; t < 700; t++)
        {
            Assert.True(Math.Abs(expected[t].Score - points[t].GetProperty("score").GetSingle()) <= 1e-5, $"row {t}: detector {expected[t].Score}, cluster {points[t].GetProperty("score").GetSingle()}");
            Assert.Equal(expected[t].Flag, points[t].GetProperty("flag").GetBoolean());
        }
    }
}
