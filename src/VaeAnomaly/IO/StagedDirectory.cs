namespace VaeAnomaly.IO;

/// <summary>
/// An output folder written under a temporary name beside its destination and moved into place only
/// when complete, so a failed run leaves what was there before untouched and no half-written output.
/// </summary>
public sealed class StagedDirectory : IDisposable
{
    private bool committed;

    private StagedDirectory(string destination, bool replace)
    {
        Destination = Path.GetFullPath(destination);
        Replace = replace;
        var parent = Path.GetDirectoryName(Destination) ?? throw new ArgumentException($"'{destination}' has no parent folder.", nameof(destination));
        Directory.CreateDirectory(parent);
        Staging = Path.Combine(parent, $".{Path.GetFileName(Destination)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
    }

    /// <summary>Where the output will be.</summary>
    public string Destination { get; }

    /// <summary>The folder to write into until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    private bool Replace { get; }

    /// <summary>Starts staging; fails at once, before any work, if the destination holds files and <paramref name="replace"/> is false.</summary>
    /// <param name="destination">The output folder.</param>
    /// <param name="replace">Allow replacing a non-empty destination (the CLI's <c>--force</c>).</param>
    /// <exception cref="IOException">The destination exists, is not empty, and replacing was not allowed.</exception>
    public static StagedDirectory Begin(string destination, bool replace)
    {
        EnsureWritable(destination, replace);
        return new StagedDirectory(destination, replace);
    }

    /// <summary>Throws if <paramref name="destination"/> holds anything and <paramref name="replace"/> is false, or is a file.</summary>
    /// <param name="destination">The output folder.</param>
    /// <param name="replace">Allow replacing a non-empty destination.</param>
    public static void EnsureWritable(string destination, bool replace)
    {
        if (File.Exists(destination))
        {
            throw new IOException($"The output '{destination}' is a file; expected a folder.");
        }

        if (!replace && Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            throw new IOException($"The output folder '{destination}' already exists and is not empty; pass --force to replace it, or choose another folder.");
        }
    }

    /// <summary>Throws when <paramref name="output"/> lies inside the folder <paramref name="input"/> (or is it).</summary>
    /// <param name="output">The output path.</param>
    /// <param name="input">An input path; only a folder can contain the output.</param>
    public static void EnsureOutside(string output, string input)
    {
        if (!Directory.Exists(input))
        {
            return;
        }

        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input)) + Path.DirectorySeparatorChar;
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output)) + Path.DirectorySeparatorChar;
        if (target.StartsWith(folder, StringComparison.Ordinal))
        {
            throw new IOException($"The output '{output}' is inside the input folder '{input}'; choose an output elsewhere so the input stays as it is.");
        }
    }

    /// <summary>A path inside the staging folder.</summary>
    /// <param name="name">File name.</param>
    public string PathOf(string name) => Path.Combine(Staging, name);

    /// <summary>Moves the staged folder into place, replacing the destination if that was allowed.</summary>
    public void Commit()
    {
        EnsureWritable(Destination, Replace);
        string? backup = null;
        if (Directory.Exists(Destination))
        {
            backup = Staging + ".old";
            Directory.Move(Destination, backup);
        }

        Directory.Move(Staging, Destination);
        committed = true;
        if (backup is not null)
        {
            Directory.Delete(backup, recursive: true);
        }
    }

    /// <summary>Deletes the staging folder if it was never committed.</summary>
    public void Dispose()
    {
        if (!committed && Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }
    }
}
