using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;
using VaeAnomaly.Server.Streams;

namespace VaeAnomaly.Server.Tests;

/// <summary>Two silos (Orleans TestingHost) share streams: a stream whose silo dies continues on the other from storage.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ClusterTests(ServedModelsFixture fixture)
{
    /// <summary>Gives each test silo the models and the shared state folder named in the cluster's properties.</summary>
    public sealed class SiloSetup : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var models = siloBuilder.Configuration["ModelsDirectory"]!;
            var state = siloBuilder.Configuration["StateDirectory"]!;
            siloBuilder.Services.AddSingleton(_ => new ServedModels(models));
            siloBuilder.Services.AddGrainStorage(StreamStorage.Name, (_, _) => new FolderGrainStorage(state));
        }
    }

    /// <summary>
    /// A request sent just as a silo dies can wait out Orleans' 30 s response timeout before the cluster has declared the
    /// silo dead (seen once in a full test run on 2 busy cores); a client then retries it, as the service's clients retry
    /// after a node is lost (docs/service.md), and a retry from the same start row is answered once.
    /// </summary>
    private static async Task<StreamReply> PushRetried(Func<Task<StreamReply>> push)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await push();
            }
            catch (Exception e) when (attempt < 3 && e is TimeoutException or Orleans.Runtime.SiloUnavailableException)
            {
                // tried again below
            }
        }
    }

    [Fact]
    public async Task Push_AfterTheStreamsSiloIsKilled_ContinuesOnTheOtherSiloWithTheBatchScores()
    {
        // Given: a two-silo cluster sharing a state folder, and the stream's batch scores
        var expected = fixture.BatchScores("conv");
        var builder = new TestClusterBuilder(2);
        builder.Properties["ModelsDirectory"] = fixture.Models;
        builder.Properties["StateDirectory"] = Path.Combine(fixture.Root, "cluster-state-" + Guid.NewGuid().ToString("N"));
        builder.AddSiloBuilderConfigurator<SiloSetup>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await cluster.WaitForLivenessToStabilizeAsync(); // a stream placed before the client knows of the secondary lands on the primary
        try
        {
            // When: the first 40 rows of several streams, then the silo of one that lives on the secondary killed
            var rows = fixture.Values.Select(v => new[] { v }).ToArray();
            var secondary = cluster.SecondarySilos[0];
            var first = new Dictionary<string, StreamReply>();
            for (var k = 0; k < 64 && !first.Values.Any(r => r.Node == secondary.SiloAddress.ToString()); k++)
            {
                first[$"s{k}"] = await cluster.Client.GetGrain<IStreamGrain>($"s{k}").Push("conv", rows[..40], 0, null, false);
            }

            var (stream, before) = first.FirstOrDefault(p => p.Value.Node == secondary.SiloAddress.ToString());
            Assert.True(stream is not null, $"no stream landed on the secondary {secondary.SiloAddress}: {string.Join(", ", first.Values.Select(r => r.Node).Distinct())}");
            await cluster.KillSiloAsync(secondary);
            var after = await PushRetried(() => cluster.Client.GetGrain<IStreamGrain>(stream).Push("conv", rows[40..], 40, null, false));

            // Then: the rest answered by the other silo, continuing the stream exactly
            Assert.NotEqual(before.Node, after.Node);
            var scores = before.Scores.Concat(after.Scores).ToArray();
            Assert.Equal(90, after.Rows);
            for (var t = 0; t < 90; t++)
            {
                Assert.True(Math.Abs(expected[t] - scores[t]) <= 1e-5 * Math.Max(1, Math.Abs(expected[t])), $"row {t}: batch {expected[t]}, cluster {scores[t]}");
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
