namespace VaeAnomaly.IO;

/// <summary>
/// Where an output may go, checked before any work: never onto an input, inside an input folder, onto a folder
/// that holds an input, or onto the working folder or one of its parents. Paths are compared after symbolic links
/// are resolved, so a link cannot smuggle an input in.
/// </summary>
public static class OutputPaths
{
    /// <summary>Throws when <paramref name="output"/> is <c>-</c>, which by the usual convention means standard output, not a file or folder of that name.</summary>
    /// <param name="output">The output file or folder.</param>
    /// <exception cref="IOException">The output is <c>-</c>.</exception>
    public static void EnsureNotStandardOutput(string output)
    {
        if (output == "-")
        {
            throw new IOException("The output '-' stands for standard output, which this output cannot be written to (it is written under a temporary name and renamed when complete); name a file or folder, ./- for one called '-'.");
        }
    }

    /// <summary>Throws when writing (or replacing) <paramref name="output"/> could touch an input or the working folder.</summary>
    /// <param name="output">The output file or folder.</param>
    /// <param name="inputs">The command's inputs (data, labels, bundle folders); null entries are skipped.</param>
    /// <exception cref="IOException">The output is an input, lies inside an input folder, holds an input, or holds the working folder.</exception>
    public static void EnsureApart(string output, IEnumerable<string?> inputs)
    {
        for (var folder = Path.GetDirectoryName(Path.GetFullPath(output)); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                throw new IOException($"The output '{output}' lies under '{folder}', which is a file; no folder can be made there.");
            }
        }

        var target = Canonical(output);
        var cwd = Canonical(Environment.CurrentDirectory);
        if (Contains(target, cwd))
        {
            throw new IOException($"The output '{output}' is the working folder or holds it; choose a new folder for the output.");
        }

        foreach (var input in inputs.OfType<string>().Where(i => i.Length > 0))
        {
            var source = Canonical(input);
            if (source == target)
            {
                throw new IOException($"The output '{output}' is the input '{input}'; choose another output so the input stays as it is.");
            }

            if (Contains(target, source))
            {
                throw new IOException($"The output '{output}' holds the input '{input}'; choose an output elsewhere so the input stays as it is.");
            }

            if (Directory.Exists(source) && Contains(source, target))
            {
                throw new IOException($"The output '{output}' is inside the input folder '{input}'; choose an output elsewhere so the input stays as it is.");
            }
        }
    }

    /// <summary>The absolute path with every symbolic link along it resolved (as far as the path exists).</summary>
    /// <param name="path">A file or folder path, existing or not.</param>
    public static string Canonical(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var root = Path.GetPathRoot(full) ?? "/";
        var resolved = root;
        var hops = 0;
        var parts = new Queue<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        while (parts.Count > 0)
        {
            var next = Path.Combine(resolved, parts.Dequeue());
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } link && hops++ < 40)
            {
                // Resolve the link's target against the folder holding it, then walk what remains of the path.
                var target = Path.GetFullPath(link, resolved);
                var rest = parts.ToArray();
                parts = new Queue<string>(target[(Path.GetPathRoot(target) ?? "/").Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                resolved = Path.GetPathRoot(target) ?? "/";
                continue;
            }

            resolved = next;
        }

        return Path.TrimEndingDirectorySeparator(resolved);
    }

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or lies below it (both canonical).</summary>
    private static bool Contains(string outer, string inner) =>
        inner == outer || inner.StartsWith(outer.EndsWith(Path.DirectorySeparatorChar) ? outer : outer + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
