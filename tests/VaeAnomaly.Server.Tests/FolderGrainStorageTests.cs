using Orleans.Storage;
using VaeAnomaly.Server.Streams;

namespace VaeAnomaly.Server.Tests;

/// <summary>A saved stream state damaged outside the service is refused naming its file and the way out.</summary>
public sealed class FolderGrainStorageTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "vae-anomaly-state-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("{\"etag\":")]              // cut short
    [InlineData("{\"etag\":\"1\",\"state\":[1,2]}")] // another shape
    [InlineData("[]")]
    public async Task Read_DamagedFile_RefusedNamingTheFileAndWhatToDo(string damaged)
    {
        // Given: a state written by the storage, then damaged
        var storage = new FolderGrainStorage(directory);
        var id = GrainId.Create("stream", "a");
        await storage.WriteStateAsync("stream", id, new GrainState<Dictionary<string, int>>(new() { ["rows"] = 4 }));
        var file = Assert.Single(Directory.GetFiles(directory));
        var read = new GrainState<Dictionary<string, int>>();
        await storage.ReadStateAsync("stream", id, read);
        Assert.Equal(4, read.State!["rows"]);
        File.WriteAllText(file, damaged);

        // When
        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ReadStateAsync("stream", id, new GrainState<Dictionary<string, int>>()));

        // Then
        Assert.Contains(file, e.Message);
        Assert.Contains("move the file aside to start the stream anew", e.Message);
    }
}
