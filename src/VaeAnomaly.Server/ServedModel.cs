using System.Collections.Concurrent;
using VaeAnomaly.Detectors;

namespace VaeAnomaly.Server;

/// <summary>
/// One bundle the service scores with, loaded as several copies: a fitted model may keep scratch buffers, so each
/// copy scores one request at a time and the copies let requests of different streams score side by side.
/// </summary>
public sealed class ServedModel : IDisposable
{
    private readonly ConcurrentBag<IFittedDetector> idle;
    private readonly IFittedDetector[] copies;
    private readonly SemaphoreSlim available;

    /// <summary>Loads <paramref name="copies"/> copies of the bundle in <paramref name="directory"/>.</summary>
    /// <param name="name">The model's name in the API (its folder's name).</param>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="copies">How many requests may score at once.</param>
    /// <exception cref="Persistence.BundleException">The bundle cannot be loaded.</exception>
    public ServedModel(string name, string directory, int copies)
    {
        Name = name;
        this.copies = new IFittedDetector[Math.Max(1, copies)];
        try
        {
            for (var k = 0; k < this.copies.Length; k++)
            {
                this.copies[k] = DetectorRegistry.Load(directory);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        idle = new ConcurrentBag<IFittedDetector>(this.copies);
        available = new SemaphoreSlim(this.copies.Length);
        var first = this.copies[0];
        Kind = first.Name;
        Channels = first.Channels;
        var points = first as IScoresPoints;
        Streams = points is { Lookback: >= 1 };
        Input = first is IReadsRecords ? "records" : Streams ? "series" : "sequences";
        Threshold = Streams ? points!.PointThreshold(new Scoring.PointScoreRequest(Scoring.PointScoreMode.Last, Stride: 1)) : first.Thresholds.Value();
        Thresholds = first.Thresholds;
    }

    /// <summary>The model's name in the API.</summary>
    public string Name { get; }

    /// <summary>The detector's name (<c>gru-vae</c>, <c>pca</c>, ...).</summary>
    public string Kind { get; }

    /// <summary>The columns a row holds, in order.</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>What it reads: <c>series</c> (scores streams row by row), <c>sequences</c> or <c>records</c>.</summary>
    public string Input { get; }

    /// <summary>Whether it scores a stream row by row (a window model or a row detector).</summary>
    public bool Streams { get; }

    /// <summary>The threshold its scores are flagged above: of a stream's points, or of whole sequences.</summary>
    public double Threshold { get; }

    /// <summary>Every fitted threshold, by score and rule.</summary>
    public Thresholds.ThresholdSet Thresholds { get; }

    /// <summary>Runs <paramref name="work"/> on a copy no other request is using.</summary>
    /// <param name="work">The scoring, given the copy.</param>
    /// <param name="token">Stops the wait for a free copy.</param>
    public async Task<T> UseAsync<T>(Func<IFittedDetector, T> work, CancellationToken token = default)
    {
        await available.WaitAsync(token);
        idle.TryTake(out var copy);
        try
        {
            // The copies already score side by side: a libtorch thread team per copy would fight them for the cores.
            using var threads = Performance.LibtorchThreads.One();
            return work(copy!);
        }
        finally
        {
            idle.Add(copy!);
            available.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var copy in copies)
        {
            copy?.Dispose();
        }

        available?.Dispose();
    }
}
