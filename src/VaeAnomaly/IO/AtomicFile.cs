namespace VaeAnomaly.IO;

/// <summary>Writes a file under a temporary name in the same folder and renames it when complete.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Throws before any work unless <paramref name="path"/> can be written: a file name (not a folder, no trailing
    /// separator) in an existing folder, not an input, not inside an input folder, and either absent or (with
    /// <paramref name="replace"/>) a scores file this tool wrote, one whose header names <c>threshold</c> and <c>flag</c> columns.
    /// </summary>
    /// <param name="path">The destination.</param>
    /// <param name="replace">Allow replacing an earlier output (<c>--force</c>).</param>
    /// <param name="inputs">The command's inputs; null entries are skipped.</param>
    public static void EnsureWritable(string path, bool replace, params string?[] inputs) =>
        EnsureWritable(path, replace, new OwnedKind("a scores file", "its first line names no threshold and flag columns", IsScoresFile), inputs);

    /// <summary>
    /// As <see cref="EnsureWritable(string, bool, string?[])"/>, for an output of another kind: <paramref name="replace"/>
    /// replaces only a file <paramref name="kind"/> recognises as written by vae-anomaly.
    /// </summary>
    /// <param name="path">The destination.</param>
    /// <param name="replace">Allow replacing an earlier output (<c>--force</c>).</param>
    /// <param name="kind">What this tool writes there, and how to recognise it.</param>
    /// <param name="inputs">The command's inputs; null entries are skipped.</param>
    public static void EnsureWritable(string path, bool replace, OwnedKind kind, params string?[] inputs)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new IOException("The output file name is empty.");
        }

        OutputPaths.EnsureNotStandardOutput(path);
        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw new IOException($"The output '{path}' names a folder; expected a file name.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            throw new IOException($"The folder '{folder}' of the output '{path}' does not exist; create it first or choose another place.");
        }

        OutputPaths.EnsureApart(path, inputs);
        if (!File.Exists(path))
        {
            return;
        }

        if (!replace)
        {
            throw new IOException($"The output file '{path}' already exists; pass --force to replace {kind.Name} written by vae-anomaly, or choose another name.");
        }

        if (!kind.IsOurs(path))
        {
            throw new IOException($"The output file '{path}' was not written by vae-anomaly ({kind.Unlike}); --force replaces only {kind.Name} it wrote. Choose another name.");
        }
    }

    /// <summary>True when the file's first line is a CSV header naming both <c>threshold</c> and <c>flag</c>, as every scores file this tool writes does.</summary>
    /// <param name="path">An existing file.</param>
    public static bool IsScoresFile(string path) => FirstLine(path) is { } line && line.Split(',') is var names && names.Contains("threshold") && names.Contains("flag");

    /// <summary>The first line of <paramref name="path"/> (read from its first 64 KiB), or null when it cannot be read: how an output of this tool is recognised.</summary>
    /// <param name="path">A file.</param>
    public static string? FirstLine(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            var buffer = new byte[1 << 16];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
            var end = text.IndexOf('\n');
            return (end < 0 ? text : text[..end]).TrimEnd('\r');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Calls <paramref name="write"/> with a temporary path, then moves it to <paramref name="path"/>.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="replace">Allow replacing an existing file.</param>
    /// <param name="write">Writes the whole file to the path it is given.</param>
    /// <param name="inputs">The command's inputs, checked again as in <see cref="EnsureWritable(string, bool, string?[])"/>.</param>
    public static void Write(string path, bool replace, Action<string> write, params string?[] inputs)
    {
        EnsureWritable(path, replace, inputs);
        Move(path, write, overwrite: replace);
    }

    /// <summary>As <see cref="Write(string, bool, Action{string}, string?[])"/>, for an output of another kind (<see cref="EnsureWritable(string, bool, OwnedKind, string?[])"/>).</summary>
    /// <param name="path">The destination.</param>
    /// <param name="replace">Allow replacing a file of <paramref name="kind"/> this tool wrote.</param>
    /// <param name="kind">What this tool writes there, and how to recognise it.</param>
    /// <param name="write">Writes the whole file to the path it is given.</param>
    /// <param name="inputs">The command's inputs.</param>
    public static void Write(string path, bool replace, OwnedKind kind, Action<string> write, params string?[] inputs)
    {
        EnsureWritable(path, replace, kind, inputs);
        Move(path, write, overwrite: replace);
    }

    /// <summary>Writes a file the library itself manages (a checkpoint) under a temporary name, then moves it over the old one.</summary>
    /// <param name="path">The destination, in an existing folder.</param>
    /// <param name="write">Writes the whole file to the path it is given.</param>
    internal static void WriteOwned(string path, Action<string> write) => Move(path, write, overwrite: true);

    /// <summary>Writes to a temporary name beside <paramref name="path"/> and moves it there; without <paramref name="overwrite"/> a file that appeared meanwhile is kept.</summary>
    private static void Move(string path, Action<string> write, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        var temp = PartialOutput.PathFor(full);
        try
        {
            write(temp);
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
