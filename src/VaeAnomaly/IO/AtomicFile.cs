namespace VaeAnomaly.IO;

/// <summary>Writes a file under a temporary name in the same folder and renames it when complete.</summary>
public static class AtomicFile
{
    /// <summary>Throws before any work if <paramref name="path"/> exists and <paramref name="replace"/> is false.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="replace">Allow replacing an existing file (<c>--force</c>).</param>
    public static void EnsureWritable(string path, bool replace)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"The output '{path}' is a folder; expected a file name.");
        }

        if (!replace && File.Exists(path))
        {
            throw new IOException($"The output file '{path}' already exists; pass --force to replace it, or choose another name.");
        }
    }

    /// <summary>Calls <paramref name="write"/> with a temporary path, then moves it to <paramref name="path"/>.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="replace">Allow replacing an existing file.</param>
    /// <param name="write">Writes the whole file to the path it is given.</param>
    public static void Write(string path, bool replace, Action<string> write)
    {
        EnsureWritable(path, replace);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.partial-{Guid.NewGuid():N}");
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: replace);
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
