using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Server;

namespace VaeAnomaly.Cli.Commands;

/// <summary><c>vae-anomaly serve</c>: the live monitoring service over a folder of bundles, until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var defaults = new ServeOptions { ModelsDirectory = "" };
        var models = new Option<string>("--models") { Description = "Folder of bundles, one per sub-folder; a model's name is its folder's name.", Required = true };
        var urls = new Option<string>("--urls") { Description = "Where HTTP is served (semicolon-separated for several).", DefaultValueFactory = _ => defaults.Urls };
        var keyFile = new Option<string?>("--api-key-file") { Description = "A file holding the key every /v1 and /metrics request must send in X-Api-Key." };
        var state = new Option<string?>("--state") { Description = "Folder that keeps every stream's state, so a restart continues each stream where its last answer left it (default: memory only)." };
        var cluster = new Option<string?>("--cluster") { Description = "redis://HOST:PORT: join the processes that name this Redis server into one cluster sharing membership and stream state." };
        var clusterId = new Option<string>("--cluster-id") { Description = "The cluster's name: nodes sharing a store and this name form one cluster.", DefaultValueFactory = _ => defaults.ClusterId };
        var maxBody = new Option<int>("--max-body-mb") { Description = "Largest request body in MiB; larger is answered 413.", DefaultValueFactory = _ => (int)(defaults.MaxBodyBytes >> 20) }.Positive(4_096);
        var siloPort = new Option<int>("--silo-port") { Description = "Port the cluster's nodes talk on (each node of one machine needs its own).", DefaultValueFactory = _ => defaults.SiloPort }.Positive(65_535);
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Orleans client gateway port (each node of one machine needs its own).", DefaultValueFactory = _ => defaults.GatewayPort }.Positive(65_535);
        var rest = SharedOptions.Rest("off", "a resting point is answered with its score and flag false; the rest left is part of each stream's state.");
        var online = SharedOptions.Choice("--online", "on: each stream keeps learning as score --follow does (each point flagged by its surprise, threshold 0.5; the stream's own model fitted again or trained 2 more epochs every quarter of its training length on its newest rows judged normal, kept in the stream's state); off (default): every stream scores with its bundle as it is, flagged above the bundle's threshold.", "off", "on", "off");
        var flagBy = SeriesOptionSet.CreateFlagBy();
        flagBy.Description += " Here of each stream's points, its earlier scores kept with its state; a stream that keeps learning (--online on) flags by surprise anyway.";
        var threshold = ThresholdOption.Create(defaultRule: null);
        threshold.Description += " Every model is served with it; one whose bundle could not fit it stops the start, named.";
        var command = new Command("serve", "Serve the bundles of a folder over HTTP: stream points scored as they arrive, sequences scored, Prometheus metrics.")
        {
            models, urls, keyFile, state, cluster, clusterId, maxBody, siloPort, gatewayPort, rest, online, flagBy, threshold,
        };
        SeriesOptionSet.RefuseThresholdWithSurprise(command, flagBy, threshold);
        var engine = new EngineOptionSet();
        engine.AddTo(command);
        urls.Validators.Add(result =>
        {
            foreach (var url in result.GetValueOrDefault<string>()?.Split(';', StringSplitOptions.TrimEntries) ?? [])
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                {
                    result.AddError($"--urls holds '{IO.Messages.Cut(url)}'; expected addresses such as http://127.0.0.1:5080, separated by ';'.");
                }
            }
        });
        command.SetAction((r, ct) => CommandRunner.RunAsync(console, r, token =>
        {
            var options = new ServeOptions
            {
                ModelsDirectory = r.GetValue(models)!,
                Loader = folder => engine.Load(r, folder, r.GetValue(threshold)),
                Urls = r.GetValue(urls)!,
                ApiKey = r.GetValue(keyFile) is { } path ? ReadKey(path) : null,
                StateDirectory = r.GetValue(state),
                Cluster = r.GetValue(cluster),
                ClusterId = r.GetValue(clusterId)!,
                MaxBodyBytes = (long)r.GetValue(maxBody) << 20,
                SiloPort = r.GetValue(siloPort),
                GatewayPort = r.GetValue(gatewayPort),
                Rest = Streaming.AlarmRest.Parse(r.GetValue(rest)!),
                Online = r.GetValue(online) == "on",
                FlagBySurprise = r.GetValue(flagBy) == "surprise",
            };
            var app = MonitoringService.Build(options);
            var served = app.Services.GetService(typeof(ServedModels)) as ServedModels;
            app.StartAsync(token).GetAwaiter().GetResult();
            console.MarkupLineInterpolated($"Serving {served!.All.Count()} models ({string.Join(", ", served.All.Select(m => m.Name))}) at [bold]{options.Urls}[/]{(options.Cluster is null ? "" : $" in the cluster at {options.Cluster}")}; streams {(options.Online ? "keep learning, " : "")}kept {(options.Cluster is not null ? "in Redis" : options.StateDirectory is null ? "in memory" : $"in {Path.GetFullPath(options.StateDirectory)}")}. Ctrl+C stops.");
            try
            {
                Task.Delay(Timeout.Infinite, token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: answered requests are saved; stop cleanly.
            }

            app.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            ((IDisposable)app).Dispose();
            console.MarkupLine("Stopped.");
            return 0;
        }, ct));
        return command;
    }

    private static string ReadKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--api-key-file {path} does not exist; expected a file holding the key on its first line.");
        }

        // Only the start is read: a key file is small, and /dev/zero has no first line.
        using var stream = File.OpenRead(path);
        var buffer = new byte[4096];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var key = System.Text.Encoding.UTF8.GetString(buffer, 0, read).Split('\n')[0].Trim();
        return key.Length >= 16 ? key
            : throw new ArgumentException($"--api-key-file {path}: the key on its first line has {key.Length} characters; expected at least 16.");
    }
}
