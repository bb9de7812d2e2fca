namespace VaeAnomaly.IO;

/// <summary>
/// An output folder written under a temporary name beside its destination and moved into place only
/// when complete, so a failed run leaves what was there before untouched and no half-written output.
/// </summary>
public sealed class StagedDirectory : IDisposable
{
    /// <summary>
    /// The file every output folder holds: the names this tool wrote there. <c>--force</c> replaces a folder only when it
    /// holds this file and nothing it does not list, so a folder of the user's is never deleted.
    /// </summary>
    public const string MarkerFile = ".vae-anomaly-output";

    private readonly string[] inputs;
    private readonly List<string> createdParents = [];
    private bool committed;

    private StagedDirectory(string destination, bool replace, string[] inputs)
    {
        Destination = Path.GetFullPath(destination);
        Replace = replace;
        this.inputs = inputs;
        var parent = Path.GetDirectoryName(Destination) ?? throw new ArgumentException($"'{destination}' has no parent folder.", nameof(destination));
        for (var missing = parent; !Directory.Exists(missing); missing = Path.GetDirectoryName(missing)!)
        {
            createdParents.Add(missing); // removed again when the run fails, so nothing is left behind
        }

        Directory.CreateDirectory(parent);
        Staging = PartialOutput.PathFor(Destination);
        Directory.CreateDirectory(Staging);
    }

    /// <summary>Where the output will be.</summary>
    public string Destination { get; }

    /// <summary>The folder to write into until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    private bool Replace { get; }

    /// <summary>Starts staging; fails at once, before any work, where <see cref="EnsureWritable"/> does.</summary>
    /// <param name="destination">The output folder.</param>
    /// <param name="replace">Allow replacing an earlier output of this tool (the CLI's <c>--force</c>).</param>
    /// <param name="inputs">The command's inputs, which the output must neither be, hold, nor lie inside.</param>
    /// <exception cref="IOException">The destination cannot be written or replaced.</exception>
    public static StagedDirectory Begin(string destination, bool replace, params string?[] inputs)
    {
        EnsureWritable(destination, replace, inputs);
        return new StagedDirectory(destination, replace, [.. inputs.OfType<string>()]);
    }

    /// <summary>
    /// Throws unless <paramref name="destination"/> can be written: it is not a file, not an input, does not hold an
    /// input or the working folder, does not lie inside an input folder, and is absent or empty, or (with
    /// <paramref name="replace"/>) an earlier output of this tool that holds nothing else.
    /// </summary>
    /// <param name="destination">The output folder.</param>
    /// <param name="replace">Allow replacing an earlier output of this tool.</param>
    /// <param name="inputs">The command's inputs; null entries are skipped.</param>
    public static void EnsureWritable(string destination, bool replace, params string?[] inputs)
    {
        OutputPaths.EnsureNotStandardOutput(destination);
        if (File.Exists(destination))
        {
            throw new IOException($"The output '{destination}' is a file; expected a folder.");
        }

        OutputPaths.EnsureApart(destination, inputs);
        if (!Directory.Exists(destination) || !Directory.EnumerateFileSystemEntries(destination).Any())
        {
            return;
        }

        if (!replace)
        {
            throw new IOException($"The output folder '{destination}' already exists and is not empty; pass --force to replace an earlier output of vae-anomaly, or choose another folder.");
        }

        EnsureOurs(destination);
    }

    /// <summary>Throws when <paramref name="input"/> is a folder and <paramref name="output"/> lies inside it (or is it).</summary>
    /// <param name="output">The output path.</param>
    /// <param name="input">An input path.</param>
    public static void EnsureOutside(string output, string input) => OutputPaths.EnsureApart(output, [input]);

    /// <summary>A path inside the staging folder.</summary>
    /// <param name="name">File name.</param>
    public string PathOf(string name) => Path.Combine(Staging, name);

    /// <summary>Writes the marker, then moves the staged folder into place, replacing the destination if that was allowed.</summary>
    /// <param name="ct">
    /// A stop (Ctrl+C) asked for before the move, even during a step that never looked at it, throws here, so a stopped
    /// run writes nothing; once the move has begun it completes.
    /// </param>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled before the move.</exception>
    public void Commit(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var written = Entries(Staging).Order(StringComparer.Ordinal);
        File.WriteAllLines(PathOf(MarkerFile), ["# Written by vae-anomaly; --force may replace this folder while it holds only these paths.", .. written]);
        EnsureWritable(Destination, Replace, inputs);
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

    /// <summary>Deletes the staging folder, and the parent folders it created, if it was never committed.</summary>
    public void Dispose()
    {
        if (committed)
        {
            return;
        }

        if (Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }

        foreach (var parent in createdParents.Where(p => Directory.Exists(p) && !Directory.EnumerateFileSystemEntries(p).Any()))
        {
            Directory.Delete(parent);
        }
    }

    /// <summary>Throws unless the folder holds the marker and nothing the marker does not list.</summary>
    private static void EnsureOurs(string destination)
    {
        var marker = Path.Combine(destination, MarkerFile);
        if (!File.Exists(marker))
        {
            throw new IOException($"The output folder '{destination}' was not written by vae-anomaly (it has no {MarkerFile} file); --force replaces only an earlier output of this tool. Move it away or choose another folder.");
        }

        string[] listed;
        try
        {
            listed = BoundedFile.ReadAllText(marker, 1 << 20).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        }
        catch (FileTooLargeException)
        {
            throw new IOException($"The output folder '{destination}' has a {MarkerFile} file of more than 1 MiB; vae-anomaly writes a short list there. Move the folder away or choose another.");
        }

        var known = listed.ToHashSet(StringComparer.Ordinal);
        var foreign = Entries(destination).Where(n => !known.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        if (foreign.Length > 0)
        {
            throw new IOException($"The output folder '{destination}' holds {Messages.List(foreign)}, which vae-anomaly did not write there; --force replaces only an earlier output that holds nothing else. Move those away or choose another folder.");
        }
    }

    /// <summary>Every file and folder below <paramref name="folder"/> but the marker, as relative paths with '/' (links are not followed).</summary>
    private static IEnumerable<string> Entries(string folder) =>
        new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
            .Select(e => Path.GetRelativePath(folder, e.FullName).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n != MarkerFile);
}
