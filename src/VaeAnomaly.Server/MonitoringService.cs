using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Prometheus;
using StackExchange.Redis;
using VaeAnomaly.IO;
using VaeAnomaly.Server.Http;
using VaeAnomaly.Server.Streams;

namespace VaeAnomaly.Server;

/// <summary>
/// Composes <c>vae-anomaly serve</c>: ASP.NET Core for HTTP, co-hosted with an Orleans silo whose grains are the
/// streams. On its own the silo clusters with itself on localhost and keeps streams in the <c>--state</c> folder (or in
/// memory); with <c>--cluster redis://host:port</c> the processes that name the same Redis share membership and
/// stream state, so any of them answers any stream.
/// </summary>
public static class MonitoringService
{
    /// <summary>Loads the models and builds the service, ready to run.</summary>
    /// <param name="options">The service's settings.</param>
    /// <param name="configure">Changes to the host before it is built (tests swap in an in-memory server).</param>
    /// <exception cref="DirectoryNotFoundException">The models folder is missing.</exception>
    /// <exception cref="Persistence.BundleException">A model cannot be loaded.</exception>
    /// <exception cref="ArgumentException">An option is out of range or options conflict.</exception>
    public static WebApplication Build(ServeOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        if (options.Cluster is not null && options.StateDirectory is not null)
        {
            throw new ArgumentException("--cluster keeps stream state in the cluster's store; --state applies to one process on its own. Give one of them.");
        }

        // Refused now, not at the first stream's first answer (every stream would be answered 500).
        if (options.StateDirectory is { } state && File.Exists(state))
        {
            throw new ArgumentException($"--state {state} is a file; expected a folder for the streams' state (made when missing).");
        }

        if (options.MaxBodyBytes < 1)
        {
            throw new ArgumentException($"The largest body must be positive; got {options.MaxBodyBytes} bytes.");
        }

        var redis = options.Cluster is null ? null : RedisConfiguration(options.Cluster);
        var models = new ServedModels(options.ModelsDirectory, options.Loader, options.Rest, options.Online, options.FlagBySurprise);
        // Once the models load: a folder that cannot be made, or that another serve writes, stops the start.
        FolderLock? stateLock;
        try
        {
            stateLock = options.StateDirectory is { } stateFolder ? FolderLock.Acquire(stateFolder, "the streams' state, --state") : null;
        }
        catch
        {
            models.Dispose();
            throw;
        }

        var metrics = new ServiceMetrics();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error); // its ServerGC advice is not for a CLI process
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error); // at start it often reports a "stall" as long as the machine's uptime (docs/service.md)
        builder.Services.AddSingleton(models);
        if (stateLock is not null)
        {
            builder.Services.AddSingleton(_ => stateLock);
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ClusterId));
            if (redis is null)
            {
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
                if (options.StateDirectory is { } folder)
                {
                    silo.Services.AddGrainStorage(StreamStorage.Name, (_, _) => new FolderGrainStorage(folder));
                }
                else
                {
                    silo.AddMemoryGrainStorage(StreamStorage.Name);
                }
            }
            else
            {
                silo.ConfigureEndpoints(IPAddress.Loopback, options.SiloPort, options.GatewayPort);
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
                silo.AddRedisGrainStorage(StreamStorage.Name, o => o.ConfigurationOptions = redis);
            }
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(models.Dispose);
        if (stateLock is not null)
        {
            _ = app.Services.GetRequiredService<FolderLock>(); // resolved, so that the container owns it and releases it when the service is disposed
        }

        app.UseJsonErrors();
        app.UseApiKey(options.ApiKey);
        app.UseRouting();
        app.UseRequestMetrics(metrics, models);
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapApi(options, models, metrics);
        return app;
    }

    /// <summary>The Redis connection settings of <c>redis://host:port</c> (StackExchange.Redis options may follow a comma).</summary>
    /// <exception cref="ArgumentException">Not a redis:// address.</exception>
    public static ConfigurationOptions RedisConfiguration(string cluster)
    {
        const string scheme = "redis://";
        if (!cluster.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || cluster.Length == scheme.Length)
        {
            throw new ArgumentException($"--cluster is '{Messages.Cut(cluster)}'; expected redis://HOST:PORT, the Redis server the nodes share (e.g. redis://127.0.0.1:6379).");
        }

        var settings = ConfigurationOptions.Parse(cluster[scheme.Length..].TrimEnd('/'));
        settings.AbortOnConnectFail = false;
        return settings;
    }
}
