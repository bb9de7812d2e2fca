using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Server.Tests;

/// <summary>Tests that start services share one non-parallel collection: they bind ports and touch libtorch.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceCollection : ICollectionFixture<ServedModelsFixture>
{
    public const string Name = "service";
}

/// <summary>A models folder with two small bundles (pca and conv-ae over one column, window 8), and a series with a spike.</summary>
public sealed class ServedModelsFixture : IDisposable
{
    public ServedModelsFixture()
    {
        Root = Directory.CreateTempSubdirectory("vae-anomaly-serve-").FullName;
        Models = Path.Combine(Root, "models");
        foreach (var (name, model) in new[] { ("pca", "pca"), ("conv", "conv-ae") })
        {
            var entry = DetectorRegistry.Find(model);
            var settings = new DetectorSettings { Seed = 3, Window = 8, Epochs = entry.Settings.Contains("epochs") ? 1 : null };
            using var fitted = DetectorRegistry.Create(model, settings).Fit(Series(Wave(300, 0)), Series(Wave(80, 1)));
            fitted.Save(Directory.CreateDirectory(Path.Combine(Models, name)).FullName);
        }

        Values = Wave(90, 2, spikeAt: 60);
    }

    private readonly Dictionary<string, string> made = [];

    public string Root { get; }

    /// <summary>The folder <paramref name="name"/> under <see cref="Root"/>, made by <paramref name="make"/> (given its path) the first time a test asks for it.</summary>
    public string Made(string name, Action<string> make)
    {
        lock (made)
        {
            if (!made.TryGetValue(name, out var path))
            {
                path = Path.Combine(Root, name);
                make(path);
                made[name] = path;
            }

            return path;
        }
    }

    public string Models { get; }

    /// <summary>The test stream's values, one per row.</summary>
    public float[] Values { get; }

    public static float[] Wave(int n, double phase, int spikeAt = -1) =>
        [.. Enumerable.Range(0, n).Select(t => (float)(Math.Sin((t / 4.0) + phase) + (spikeAt >= 0 && t >= spikeAt && t < spikeAt + 3 ? 4 : 0)))];

    public static SequenceSet Series(float[] values) => new(["value"], [new Sequence("s", values)]);

    /// <summary>What <c>score --point-score last</c> gives each row of the whole stream.</summary>
    public float[] BatchScores(string model)
    {
        using var detector = DetectorRegistry.Load(Path.Combine(Models, model));
        return [.. ((IScoresPoints)detector).ScorePoints(Series(Values), new PointScoreRequest(PointScoreMode.Last)).Scores];
    }

    /// <summary>What <c>score --point-score last --flag-by surprise</c> gives each row of the whole stream: its surprise over the training rows' count of earlier scores.</summary>
    public float[] BatchSurprise(string model)
    {
        using var detector = DetectorRegistry.Load(Path.Combine(Models, model));
        var points = ((IScoresPoints)detector).ScorePoints(Series(Values), new PointScoreRequest(PointScoreMode.Last));
        return SurpriseFlags.Of(points, (int)detector.TrainingData.TrainSteps).Scores;
    }

    /// <summary>
    /// 700 rows lifted by 0.5 from row 450 on, with a spike at 600-602, and the points of the online detector over them,
    /// worked out in process as <c>score --follow</c> learns (the surprise over the training length, a refit every quarter of
    /// it on the newest rows judged normal: at rows 475, 570 and 665 for these bundles of 380 training rows).
    /// </summary>
    public (float[] Values, StreamPoint[] Expected, int Refits) Learnt(string model)
    {
        float[] values = [.. Enumerable.Range(0, 700).Select(t => (float)(Math.Sin((t / 4.0) + 2) + (t >= 450 ? 0.5 : 0) + (t is >= 600 and < 603 ? 4 : 0)))];
        using var bundle = DetectorRegistry.Load(Path.Combine(Models, model));
        var trainingRows = (int)bundle.TrainingData.Steps;
        using var reference = new OnlineDetector(OnlineDetector.EstimatorOf(bundle), bundle, OnlineOptions.For(trainingRows, ((IScoresPoints)bundle).Lookback), trainingRows);
        return (values, reference.PushAll(values), reference.Refits);
    }

    /// <summary>Rows <paramref name="from"/> up to <paramref name="to"/> as a CSV body with a time column.</summary>
    public string Csv(int from, int to) => Csv(Values, from, to);

    /// <summary>Rows <paramref name="from"/> up to <paramref name="to"/> of <paramref name="values"/> (at most 3,600) as a CSV body with a time column.</summary>
    public static string Csv(float[] values, int from, int to)
    {
        var text = new StringBuilder("timestamp,value\n");
        for (var t = from; t < to; t++)
        {
            text.Append(CultureInfo.InvariantCulture, $"2026-01-01T00:{t / 60:00}:{t % 60:00},{values[t]:R}\n");
        }

        return text.ToString();
    }

    /// <summary>Rows as a JSON body.</summary>
    public string Json(int from, int to) =>
        "{\"rows\": [" + string.Join(",", Values[from..to].Select(v => "[" + v.ToString("R", CultureInfo.InvariantCulture) + "]")) + "]}";

    /// <summary>A service over these models on an in-memory HTTP server, its silo on free loopback ports.</summary>
    public WebApplication Start(string? state = null, string? key = null, long maxBody = 16L << 20, string? cluster = null, string? clusterId = null, Streaming.AlarmRest rest = default, bool online = false, string? models = null, Action<WebApplicationBuilder>? configure = null, bool surprise = false)
    {
        var app = MonitoringService.Build(
            new ServeOptions
            {
                ModelsDirectory = models ?? Models,
                StateDirectory = state,
                ApiKey = key,
                MaxBodyBytes = maxBody,
                Cluster = cluster,
                ClusterId = clusterId ?? "vae-anomaly",
                SiloPort = FreePort(),
                GatewayPort = FreePort(),
                Rest = rest,
                Online = online,
                FlagBySurprise = surprise,
            },
            b =>
            {
                b.WebHost.UseTestServer();
                configure?.Invoke(b);
            });
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a temporary folder left behind is harmless
        }
    }
}
