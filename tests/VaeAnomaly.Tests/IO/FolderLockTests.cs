using VaeAnomaly.IO;

namespace VaeAnomaly.Tests.IO;

public sealed class FolderLockTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void AcquireBeside_FolderReplacedWhileHeld_StaysHeldUntilReleased()
    {
        // Given: a state folder that does not exist yet, locked by one holder
        var state = dir.File("state");
        var held = FolderLock.AcquireBeside(state, "the test's state");

        // When: the folder is written as a whole, as a saved stream is, and a second holder asks for it
        using (var staged = StagedDirectory.Begin(state, replace: true))
        {
            File.WriteAllText(staged.PathOf("online.json"), "{}");
            staged.Commit();
        }

        var refused = Assert.Throws<IOException>(() => FolderLock.AcquireBeside(state, "the test's state"));
        Assert.Throws<IOException>(() => FolderLock.AcquireBeside(state + "/", "the test's state")); // the same folder, written as shells complete it
        held.Dispose();
        using var second = FolderLock.AcquireBeside(state, "the test's state");

        // Then: refused while held, with the folder and its purpose, and granted once released; the folder holds only what was written
        Assert.Contains($"The folder '{state}' (the test's state) is in use by another vae-anomaly process", refused.Message);
        Assert.Equal([StagedDirectory.MarkerFile, "online.json"], Directory.GetFileSystemEntries(state).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
