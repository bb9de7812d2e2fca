using System.Collections.Concurrent;
using Orleans.Storage;

namespace VaeAnomaly.Server.Tests;

/// <summary>Grain storage in memory whose writes (and deletes) fail while <see cref="Full"/> is set, as a full disk or a failing store would make them.</summary>
internal sealed class FailingGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<string, (object State, string ETag)> stored = new();

    /// <summary>While set, every write and delete throws an <see cref="IOException"/> and changes nothing.</summary>
    public volatile bool Full;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (stored.TryGetValue($"{stateName}/{grainId}", out var entry))
        {
            (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)entry.State, entry.ETag, true);
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Full)
        {
            throw new IOException("No space left on device");
        }

        var etag = Guid.NewGuid().ToString("N");
        stored[$"{stateName}/{grainId}"] = (grainState.State!, etag);
        (grainState.ETag, grainState.RecordExists) = (etag, true);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Full)
        {
            throw new IOException("Input/output error"); // a store that fails deletes too
        }

        stored.TryRemove($"{stateName}/{grainId}", out _);
        (grainState.ETag, grainState.RecordExists) = (null, false);
        return Task.CompletedTask;
    }
}
