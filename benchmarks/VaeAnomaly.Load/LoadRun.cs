using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace VaeAnomaly.Load;

/// <summary>What one phase of a load run measured.</summary>
internal sealed record PhaseResult(string Phase, int Nodes, long Points, long Requests, double Seconds, double PointsPerSecond, double P50Ms, double P99Ms, double MaxMs,
    long Retries, long Missing, long Duplicates, double? KilledAtSeconds, IReadOnlyDictionary<string, int> RetryReasons)
{
    /// <summary>Each stream's scores by row; NaN where no answer came.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[][] Scores { get; init; } = [];
}

/// <summary>
/// Posts a workload with bounded concurrency: each stream's batches in order (each with its <c>start</c>), streams side
/// by side. A request that fails (connection refused, timeout, 5xx) is sent again, the same batch with the same start,
/// to the next live node, so that a killed node costs time but no point: the service answers a retried batch it had
/// already scored from the stream's saved last answer instead of scoring it twice.
/// </summary>
internal static class LoadRun
{
    private const int MaxAttempts = 200;

    /// <summary>Posts the whole workload to <paramref name="nodes"/>; <paramref name="fault"/>, when given, runs once after <paramref name="faultAfter"/> of the requests (it kills a node, and may start it again in the list).</summary>
    public static async Task<PhaseResult> RunAsync(string phase, Workload work, IList<ServeNode> nodes, string model, int concurrency, double? faultAfter, Func<IList<ServeNode>, Task>? fault, HttpClient client)
    {
        var batches = (work.Points + work.Batch - 1) / work.Batch;
        long total = (long)work.Streams * batches, done = 0, retries = 0;
        var scores = Enumerable.Range(0, work.Streams).Select(_ => Enumerable.Repeat(float.NaN, work.Points).ToArray()).ToArray();
        var answers = Enumerable.Range(0, work.Streams).Select(_ => new int[work.Points]).ToArray();
        var latencies = new double[total];
        var clock = Stopwatch.StartNew();
        double? killedAt = null;
        var faulted = 0;
        var recovering = false;
        var runId = Guid.NewGuid().ToString("N")[..8];
        var reasons = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        await Parallel.ForEachAsync(Enumerable.Range(0, work.Streams), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (stream, token) =>
        {
            var name = $"load-{runId}-{stream}";
            for (var b = 0; b < batches; b++)
            {
                var start = b * work.Batch;
                var body = work.Body(stream, start);
                var began = clock.Elapsed;
                var node = stream % nodes.Count;
                for (var attempt = 1; ; attempt++)
                {
                    if (!nodes.Any(n => n.Alive))
                    {
                        if (!Volatile.Read(ref recovering))
                        {
                            throw new InvalidOperationException($"no node is left to answer: {nodes.Count(n => !n.Killed)} exited on their own (see their logs)");
                        }

                        await Task.Delay(100, token); // the node is being started again
                        continue;
                    }

                    while (!nodes[node].Alive)
                    {
                        node = (node + 1) % nodes.Count;
                    }

                    var (text, failure) = await TryPost(client, $"{nodes[node].Url}/v1/streams/{name}/points?model={model}&start={start}", body, token);
                    if (text is not null)
                    {
                        Record(text, scores[stream], answers[stream]);
                        break;
                    }

                    reasons.AddOrUpdate($"{failure} at {(int)(clock.Elapsed.TotalSeconds / 5) * 5} s", 1, (_, n) => n + 1);
                    Interlocked.Increment(ref retries);
                    if (attempt == MaxAttempts)
                    {
                        throw new InvalidOperationException($"stream {name}, rows from {start}: no node answered after {MaxAttempts} attempts");
                    }

                    node = (node + 1) % nodes.Count;
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2_000, 100 * attempt)), token);
                }

                var index = Interlocked.Increment(ref done);
                latencies[index - 1] = (clock.Elapsed - began).TotalMilliseconds;
                if (faultAfter is double fraction && fault is not null && index >= fraction * total && Interlocked.Exchange(ref faulted, 1) == 0)
                {
                    Volatile.Write(ref recovering, true);
                    killedAt = clock.Elapsed.TotalSeconds;
                    await fault(nodes);
                    Volatile.Write(ref recovering, false);
                }
            }
        });

        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        var flat = answers.SelectMany(a => a).ToArray();
        return new PhaseResult(phase, nodes.Count, (long)work.Streams * work.Points, total, seconds, work.Streams * (double)work.Points / seconds,
            Quantile(latencies, 0.5), Quantile(latencies, 0.99), latencies[^1], retries, flat.LongCount(c => c == 0), flat.LongCount(c => c > 1), killedAt,
            reasons.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary())
        { Scores = scores };
    }

    /// <summary>The body of a 200 answer, or null and why for a failure worth retrying; a 4xx is a bug in the run and stops it.</summary>
    private static async Task<(string? Text, string Failure)> TryPost(HttpClient client, string url, string body, CancellationToken token)
    {
        try
        {
            using var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/csv"), token);
            var text = await response.Content.ReadAsStringAsync(token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (text, "");
            }

            return (int)response.StatusCode >= 500 ? (null, $"HTTP {(int)response.StatusCode}") : throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {text}");
        }
        catch (HttpRequestException)
        {
            return (null, "connection failed"); // refused or reset: the node is gone
        }
        catch (TaskCanceledException) when (!token.IsCancellationRequested)
        {
            return (null, "timed out");
        }
    }

    private static void Record(string text, float[] scores, int[] answers)
    {
        using var document = JsonDocument.Parse(text);
        foreach (var point in document.RootElement.GetProperty("points").EnumerateArray())
        {
            var index = point.GetProperty("index").GetInt32();
            scores[index] = point.GetProperty("score").GetSingle();
            Interlocked.Increment(ref answers[index]);
        }
    }

    private static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
