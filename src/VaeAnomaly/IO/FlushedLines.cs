using System.Text;

namespace VaeAnomaly.IO;

/// <summary>
/// A file written a line at a time as the lines are produced (a followed stream's scores): each line reaches the file
/// whole and flushed before the next is taken, and a write that fails (a full disk) cuts the file back to its last whole
/// line before the error is passed on, so neither a reader nor the next run finds half a row at its end.
/// </summary>
public sealed class FlushedLines : IDisposable
{
    private readonly Stream file;
    private long whole;

    /// <summary>Creates <paramref name="path"/>, or empties it.</summary>
    /// <param name="path">The file.</param>
    public FlushedLines(string path)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0)) // unbuffered: a line is on its way to the disk when Write returns
    {
    }

    /// <summary>Appends to <paramref name="path"/>, which holds <paramref name="lines"/> whole lines already.</summary>
    /// <param name="path">The file.</param>
    /// <param name="lines">Its lines.</param>
    public FlushedLines(string path, long lines)
        : this(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0))
    {
        whole = file.Length; // a failed write is cut back to here at most: nothing the file held is touched
        Lines = lines;
    }

    /// <summary>
    /// Writes to <paramref name="stream"/>, which it then owns: standard output opened as a stream, which (unlike
    /// <see cref="Console.Out"/>, which ignores it) fails once its reader has closed it; a test's stream.
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    public FlushedLines(Stream stream) => file = stream;

    /// <summary>Lines written whole.</summary>
    public long Lines { get; private set; }

    /// <summary>Writes <paramref name="line"/> (its line end included) and flushes it.</summary>
    /// <param name="line">One line of text, ending with its line end.</param>
    /// <exception cref="IOException">The write failed; the file then ends with the line before this one.</exception>
    public void Write(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        try
        {
            file.Write(bytes);
            file.Flush();
        }
        catch (IOException)
        {
            try
            {
                if (file.CanSeek) // a pipe keeps what its reader took
                {
                    file.SetLength(whole); // what reached the disk of this line, and nothing before it
                }
            }
            catch (IOException)
            {
                // The error that matters is the write's; a file that cannot even be cut keeps what reached it.
            }

            throw;
        }

        whole += bytes.Length;
        Lines++;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => file.Dispose();
}
