namespace VaeAnomaly.IO;

/// <summary>
/// A folder that one process at a time may write: an exclusive lock on a file inside it (<see cref="FileName"/>), held
/// until disposed or until the process ends, a crash included (the system releases it). A second process asking for the
/// same folder is refused at once rather than writing over what the first one writes.
/// </summary>
public sealed class FolderLock : IDisposable
{
    /// <summary>The lock file's name; it stays in the folder, unlocked, after the holder ends.</summary>
    public const string FileName = ".vae-anomaly.lock";

    private readonly FileStream file;

    private FolderLock(FileStream file) => this.file = file;

    /// <summary>Locks <paramref name="folder"/> (made when missing) for this process.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="purpose">What the folder is for, said when it is in use (e.g. "the streams' state, --state").</param>
    /// <exception cref="IOException">Another process holds the folder, or the lock file cannot be made.</exception>
    public static FolderLock Acquire(string folder, string purpose)
    {
        Directory.CreateDirectory(folder);
        return Open(Path.Combine(folder, FileName), folder, purpose);
    }

    /// <summary>
    /// Locks <paramref name="folder"/> for this process by a file beside it (<c>.NAME.vae-anomaly.lock</c> in its
    /// parent), for a folder that is replaced as a whole when written (<see cref="StagedDirectory"/>), where a lock file
    /// inside would be replaced with it. The folder itself need not exist yet.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="purpose">What the folder is for, said when it is in use (e.g. "a followed stream's state, --state").</param>
    /// <exception cref="IOException">Another process holds the folder, or the lock file cannot be made.</exception>
    public static FolderLock AcquireBeside(string folder, string purpose)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)); // "state/" is the folder state
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{folder}' has no parent folder to hold its lock; choose a folder below another.", nameof(folder));
        Directory.CreateDirectory(parent);
        return Open(Path.Combine(parent, $".{Path.GetFileName(full)}{FileName}"), folder, purpose);
    }

    private static FolderLock Open(string path, string folder, string purpose)
    {
        try
        {
            // On Linux and macOS .NET takes FileShare.None as an exclusive advisory lock (flock) on the file.
            return new FolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new IOException($"The folder '{folder}' ({purpose}) is in use by another vae-anomaly process: one process at a time may write it. Stop that process, or give this one another folder. ({e.Message})", e);
        }
    }

    /// <summary>Releases the folder.</summary>
    public void Dispose() => file.Dispose();
}
