using System.Diagnostics;

namespace VaeAnomaly.Load;

/// <summary>One <c>vae-anomaly serve</c> process on loopback, its output kept in a log file.</summary>
internal sealed class ServeNode : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private ServeNode(Process process, StreamWriter log, string url)
    {
        this.process = process;
        this.log = log;
        Url = url;
    }

    /// <summary>The node's base address.</summary>
    public string Url { get; }

    /// <summary>Whether it has been killed.</summary>
    public bool Killed { get; private set; }

    /// <summary>Whether it can still answer: not killed, and not exited on its own (a crash).</summary>
    public bool Alive => !Killed && !process.HasExited;

    /// <summary>Starts node <paramref name="index"/> and waits until <c>/healthz</c> answers.</summary>
    public static async Task<ServeNode> StartAsync(string cli, string models, int index, string? cluster, string clusterId, string logDirectory, IReadOnlyList<string> options, HttpClient client)
    {
        var url = $"http://127.0.0.1:{5180 + index}";
        var arguments = new List<string> { cli, "serve", "--models", models, "--urls", url, "--silo-port", $"{11200 + index}", "--gateway-port", $"{30200 + index}" };
        arguments.AddRange(options);
        if (cluster is not null)
        {
            arguments.AddRange(["--cluster", cluster, "--cluster-id", clusterId]);
        }
        else
        {
            arguments.AddRange(["--state", Path.Combine(logDirectory, $"state-{clusterId}")]); // one node keeps streams as a user's would
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ForEach(start.ArgumentList.Add);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var log = new StreamWriter(Path.Combine(logDirectory, $"node{index}-{clusterId}.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new ServeNode(process, log, url);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"node {index} exited with code {process.ExitCode}; see its log in {logDirectory}");
            }

            try
            {
                using var health = await client.GetAsync(url + "/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        node.Dispose();
        throw new TimeoutException($"node {index} did not answer /healthz within 90 s; see its log in {logDirectory}");
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        Killed = true;
        process.Kill(entireProcessTree: true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }
}
