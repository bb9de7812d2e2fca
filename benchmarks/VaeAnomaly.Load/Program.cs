using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VaeAnomaly.Load;

// `train-data`: a normal training series shaped like the load's streams.
// `run`: starts `vae-anomaly serve` nodes on loopback and posts streams x points through HTTP: one node with a state
// folder; then, with --redis, two nodes of one cluster undisturbed; then two nodes with the first killed mid-run.
var root = new RootCommand("Load and fault runs of vae-anomaly serve, on loopback.");

var trainOut = new Option<string>("--out") { Description = "CSV file to write.", Required = true };
var trainRows = new Option<int>("--rows") { Description = "Rows.", DefaultValueFactory = _ => 20_000 };
var trainSeed = new Option<int>("--seed") { Description = "Seeds the noise.", DefaultValueFactory = _ => 1 };
var trainData = new Command("train-data", "Write a normal training series shaped like the load's streams.") { trainOut, trainRows, trainSeed };
trainData.SetAction(r =>
{
    Workload.WriteTraining(r.GetValue(trainOut)!, r.GetValue(trainRows), r.GetValue(trainSeed));
    return 0;
});
root.Subcommands.Add(trainData);

var cli = new Option<string>("--cli") { Description = "The built vae-anomaly.dll.", Required = true };
var models = new Option<string>("--models") { Description = "Models folder for serve.", Required = true };
var model = new Option<string>("--model") { Description = "The model the streams use.", Required = true };
var streams = new Option<int>("--streams") { DefaultValueFactory = _ => 1_000 };
var points = new Option<int>("--points") { DefaultValueFactory = _ => 1_000 };
var batch = new Option<int>("--batch") { Description = "Points per request.", DefaultValueFactory = _ => 100 };
var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight.", DefaultValueFactory = _ => 64 };
var redis = new Option<string?>("--redis") { Description = "host:port of a Redis server for the two-node phases; without it only the one-node phase runs." };
var killAfter = new Option<double>("--kill-after") { Description = "Fraction of the requests after which the first node is killed (in the fault phases).", DefaultValueFactory = _ => 0.5 };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
var output = new Option<string>("--out") { Description = "Folder for results.json and the nodes' logs.", Required = true };
var online = new Option<string>("--online") { Description = "serve's --online: on makes every stream keep learning (its state, and its model after refits, saved with each answer).", DefaultValueFactory = _ => "off" };
online.AcceptOnlyFromAmong("off", "on");
var run = new Command("run", "Run the load phases.") { cli, models, model, streams, points, batch, concurrency, redis, killAfter, seed, output, online };
run.SetAction(async (r, token) =>
{
    var work = new Workload(r.GetValue(streams), r.GetValue(points), r.GetValue(batch), r.GetValue(seed));
    if (work.Streams < 1 || work.Points < 1 || work.Batch < 1 || r.GetValue(concurrency) < 1 || r.GetValue(killAfter) is <= 0 or >= 1)
    {
        Console.Error.WriteLine("error: --streams, --points, --batch and --concurrency must be positive and --kill-after between 0 and 1 (exclusive).");
        return 1;
    }

    var folder = Directory.CreateDirectory(r.GetValue(output)!).FullName;
    string[] serveOptions = ["--online", r.GetValue(online)!];
    using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    var results = new List<PhaseResult>();
    async Task<PhaseResult> Phase(string name, int count, string? cluster, Func<IList<ServeNode>, Task>? fault, Action<string>? named = null)
    {
        var id = $"{new string([.. name.Where(char.IsLetter)])}-{Guid.NewGuid():N}"[..24];
        named?.Invoke(id);
        var nodes = new List<ServeNode>();
        try
        {
            for (var k = 0; k < count; k++)
            {
                nodes.Add(await ServeNode.StartAsync(r.GetValue(cli)!, r.GetValue(models)!, k, cluster, id, folder, serveOptions, client));
            }

            Console.WriteLine($"{name}: {count} node(s) up; posting {work.Streams} streams x {work.Points} points in batches of {work.Batch}");
            var result = await LoadRun.RunAsync(name, work, nodes, r.GetValue(model)!, r.GetValue(concurrency), r.GetValue(killAfter), fault, client);
            results.Add(result);
            return result;
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }

    var reference = await Phase("one node", 1, null, null);
    string? restartId = null;
    await Phase("one node, crash+restart", 1, null, async nodes =>
    {
        // SIGKILL, then the same command again on the same --state folder: streams continue from their saved state.
        using var crashed = nodes[0];
        crashed.Kill();
        nodes[0] = await ServeNode.StartAsync(r.GetValue(cli)!, r.GetValue(models)!, 0, null, restartId!, folder, serveOptions, client);
    }, id => restartId = id);
    if (r.GetValue(redis) is { } address)
    {
        await Phase("two nodes", 2, $"redis://{address}", null);
        await Phase("two nodes, one killed", 2, $"redis://{address}", nodes =>
        {
            nodes[0].Kill();
            return Task.CompletedTask;
        });
    }

    var rows = results.Select(p =>
    {
        var differing = p.Scores.Zip(reference.Scores).Sum(s => s.First.Zip(s.Second).Count(v => !(Math.Abs(v.First - v.Second) <= 1e-5 * Math.Max(1, Math.Abs(v.Second)))));
        return new { phase = p, differing_from_one_node = differing };
    }).ToList();
    await File.WriteAllTextAsync(Path.Combine(folder, "results.json"), JsonSerializer.Serialize(new
    {
        date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        machine = $"{Environment.ProcessorCount} cores, {Environment.OSVersion}",
        work,
        concurrency = r.GetValue(concurrency),
        online = r.GetValue(online),
        phases = rows,
    }, new JsonSerializerOptions { WriteIndented = true }), token);

    Console.WriteLine();
    Console.WriteLine($"{"phase",-24} {"points/s",10} {"p50 ms",8} {"p99 ms",8} {"max ms",9} {"retries",8} {"missing",8} {"twice",6} {"differ",7}");
    foreach (var row in rows)
    {
        var p = row.phase;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Phase,-24} {p.PointsPerSecond,10:N0} {p.P50Ms,8:F1} {p.P99Ms,8:F1} {p.MaxMs,9:F0} {p.Retries,8} {p.Missing,8} {p.Duplicates,6} {row.differing_from_one_node,7}")
            + (p.KilledAtSeconds is double at ? string.Create(CultureInfo.InvariantCulture, $"  (node 0 killed at {at:F1} s of {p.Seconds:F1} s)") : ""));
        foreach (var reason in p.RetryReasons)
        {
            Console.WriteLine($"{"",24} retried {reason.Value}: {reason.Key}");
        }
    }

    return rows.All(x => x.phase.Missing == 0 && x.phase.Duplicates == 0 && x.differing_from_one_node == 0) ? 0 : 2;
});
root.Subcommands.Add(run);

return await root.Parse(args).InvokeAsync();
