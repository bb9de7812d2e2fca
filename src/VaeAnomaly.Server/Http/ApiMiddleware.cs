using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VaeAnomaly.Server.Http;

/// <summary>What every request passes through: errors as JSON, the API key, and the request metrics.</summary>
internal static class ApiMiddleware
{
    /// <summary>Answers a refused request with its status and <c>{"error"}</c>, and any other failure with 500 and no detail.</summary>
    public static void UseJsonErrors(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VaeAnomaly.Server");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (ApiException e) when (!context.Response.HasStarted)
            {
                await WriteError(context, e.Status, e.Message, e.Line, e.Column);
            }
            catch (Exception e) when (!context.Response.HasStarted && IsUnavailable(e))
            {
                // A node of the cluster went away: the stream moves to a live node once membership has noticed.
                context.Response.Headers.RetryAfter = "1";
                await WriteError(context, StatusCodes.Status503ServiceUnavailable, "The node that holds this stream is unavailable; retry the same request (with its start) in a moment.", null, null);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; there is no one to answer.
            }
            catch (Exception e) when (!context.Response.HasStarted)
            {
                log.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                await WriteError(context, StatusCodes.Status500InternalServerError, "The service failed to answer this request; its log says why.", null, null);
            }
        });
    }

    /// <summary>Whether a grain call failed because a silo is gone or did not answer in time, which a retry gets past.</summary>
    private static bool IsUnavailable(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException
        || (e.InnerException is { } inner && IsUnavailable(inner));

    /// <summary>Refuses <c>/v1</c> and <c>/metrics</c> requests without the key (401), compared in constant time.</summary>
    public static void UseApiKey(this WebApplication app, string? key)
    {
        if (key is null)
        {
            return;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/v1") || path.StartsWithSegments("/metrics"))
            {
                var given = context.Request.Headers["X-Api-Key"].ToString();
                if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), expected))
                {
                    await WriteError(context, StatusCodes.Status401Unauthorized, given.Length == 0 ? "This service needs an API key in the X-Api-Key header." : "The X-Api-Key header does not hold this service's key.", null, null);
                    return;
                }
            }

            await next(context);
        });
    }

    /// <summary>Counts <c>/v1</c> requests and times them, by endpoint, model and status.</summary>
    public static void UseRequestMetrics(this WebApplication app, ServiceMetrics metrics, ServedModels models)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/v1"))
            {
                await next(context);
                return;
            }

            var clock = Stopwatch.StartNew();
            try
            {
                await next(context);
            }
            finally
            {
                var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var model = models.Find(context.Request.Query["model"].ToString())?.Name ?? "";
                metrics.Requests.WithLabels(endpoint, model, context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
                metrics.Duration.WithLabels(endpoint, model).Observe(clock.Elapsed.TotalSeconds);
            }
        });
    }

    /// <summary>Writes <c>{"error", "line"?, "column"?}</c> with the status.</summary>
    public static Task WriteError(HttpContext context, int status, string message, long? line, string? column)
    {
        context.Response.StatusCode = status;
        var body = new Dictionary<string, object> { ["error"] = message };
        if (line is not null)
        {
            body["line"] = line.Value;
        }

        if (column is not null)
        {
            body["column"] = column;
        }

        return context.Response.WriteAsJsonAsync(body);
    }
}
