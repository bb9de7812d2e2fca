using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Spectre.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.IO;
using VaeAnomaly.Reporting;
using VaeAnomaly.Scoring;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Cli.Commands;

/// <summary>
/// <c>score --follow</c>: scores a series as its rows arrive, from standard input (<c>--data -</c>, until it ends) or a
/// growing file (until Ctrl+C), writing <c>timestamp,score,threshold,flag</c> for each row as soon as it is read and
/// flushing after every row. A row's score uses only it and the rows before it (<see cref="StreamingScorer"/>). A bad
/// row (a field that is not a finite number, another number of fields, a time going backwards) is reported on the error
/// stream with its line, then skipped or the stream stops, as <c>--on-bad-row</c> says; every row written stays. A
/// followed file is read on across log rotation, as <c>tail -F</c> reads it (truncated, or replaced by a new file), and a
/// line that repeats the header (a rotated log's new first line, through <c>tail -F</c> too) is read as the header again.
/// </summary>
internal static class ScoreFollow
{
    /// <summary>The file in a state folder that keeps the lines of scores the stream's disk could not take.</summary>
    public const string UnwrittenFile = "unwritten.csv";

    /// <summary>How long a followed file is left before it is read again when it has no new complete line.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Scores the rows of <paramref name="io"/>'s input as they arrive.</summary>
    /// <param name="console">Where the summary goes when the scores go to a file.</param>
    /// <param name="detector">A loaded model that scores points.</param>
    /// <param name="flags">The threshold rule (the bundle's own when null), the history of a flag by surprise (null: by the threshold), and the rows not flagged after each alarm.</param>
    /// <param name="io">Input (<c>-</c>: standard input), output (<c>-</c>: standard output), whether an earlier scores file may be replaced, and the bundle (never written to).</param>
    /// <param name="csv">Time column and delimiter; null to detect them.</param>
    /// <param name="badRows">Where bad rows are reported, and whether they are skipped (else the stream stops at the first, exit code 1).</param>
    /// <param name="online">The detector that keeps learning, scoring instead of a frozen <paramref name="detector"/>; null for none.</param>
    /// <param name="frozen">With no <paramref name="online"/>: the scorer of <paramref name="detector"/> to push rows to (one resumed from a saved stream, or one whose state is saved after); null makes one as <paramref name="flags"/> say.</param>
    /// <param name="explain">Write a last column, columns: each flagged row's explanation (<see cref="PointScoresCsv.Columns"/>) by the model that scored it.</param>
    /// <param name="carry">
    /// Whether a gap takes its column's value in the row before (<c>--missing ffill</c>), and the row a continued stream
    /// scored last, which its first gap takes (null: a gap before any row is scored is a bad row).
    /// </param>
    /// <param name="resume">
    /// A saved stream's position in the followed file (null for none: its lines are read from the first), the rows of
    /// the scores file it wrote, to be appended to (null: the scores file is made, or replaced with --force), and the
    /// lines of scores it could not write (a full disk), written first when appending.
    /// </param>
    /// <param name="token">Ctrl+C: stops a followed file cleanly.</param>
    /// <returns>
    /// The exit code, how far the followed file was read (null for standard input, or before its first data row), and the
    /// lines of scores of rows the stream scored that could not be written (null when every one was).
    /// </returns>
    public static async Task<(int Exit, FollowedPosition? Position, string? Unwritten)> RunAsync(IAnsiConsole console, IFittedDetector detector, (string? Rule, int? SurpriseHistory, int RestRows) flags,
        (string Data, string Out, bool Force, string Bundle) io, (string? TimeColumn, string? Delimiter) csv, (TextWriter Report, bool Skip) badRows, OnlineDetector? online, StreamingScorer? frozen, bool explain, (bool Forward, float[]? From) carry,
        (FollowedPosition? From, long? AppendTo, string? Unwritten) resume, CancellationToken token)
    {
        var stream = frozen ?? new StreamingScorer(detector, flags.Rule, flags.SurpriseHistory, rest: flags.RestRows); // refuses a model that cannot score a stream before any input is read
        Func<float[], StreamPoint> push = online is null ? row => stream.Push(row, explain) : row => online.Push(row, explain);
        var threshold = online is null ? stream.Threshold : SurpriseFlags.Flag;
        long rowsScored = 0;
        var fromStandardInput = io.Data == "-";
        var toStandardOutput = io.Out == "-";
        if (!toStandardOutput && resume.AppendTo is null)
        {
            AtomicFile.EnsureWritable(io.Out, io.Force, [fromStandardInput ? null : io.Data, io.Bundle]);
        }

        using var followed = fromStandardInput ? null : new FollowedFile(io.Data, badRows.Report);
        // The process's standard output is written as a stream of its own: Console.Out takes a write to a pipe whose reader
        // has gone (`| head`) as done, so such a stream was read, scored and learnt from with nowhere to go until its input
        // ended, or for ever when it follows a file. (A test's console is written as it is.)
        using var pipe = toStandardOutput && ReferenceEquals(console.Profile.Out.Writer, System.Console.Out)
            ? new FlushedLines(new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0))
            : null;

        // The scores file is made (or an earlier scores file replaced, with --force) only when the first row has been
        // scored, its header with it: a stream refused at its header or its first row, or one in which no row arrived,
        // leaves what was there. (It was made empty at the start, so such a run with --force lost the earlier scores.)
        FlushedLines? scores = null;
        string? outputHeader = null;

        // Lines of scores not written yet: a saved stream's that its disk could not take (written first when its scores
        // file is appended to), then a row that failed here. A row is learnt from when it is scored, so its line is kept
        // with the saved stream rather than lost.
        var unwritten = new List<string>();
        if (resume.AppendTo is not null && resume.Unwritten is { } pending)
        {
            unwritten.Add(pending);
        }

        using var line = new StringWriter(CultureInfo.InvariantCulture);
        using var output = new CsvHelper.CsvWriter(line, SequenceCsvReader.Output); // quotes a field that needs it (a timestamp with a comma, a column name); Unix line ends, as every CSV we write
        var source = fromStandardInput ? "standard input" : io.Data;
        var lines = followed is null ? new LineAssembler(System.Console.In, follows: false) : null; // standard input is not ours to close

        // One row of the scores, formatted whole, then written and flushed, so a reader of the stream sees each row as soon
        // as it is scored; false when the file cannot take it (a full disk), said, with the file cut back to its whole rows.
        bool Written(string[] fields, long atLine, bool isHeader = false)
        {
            foreach (var field in fields)
            {
                output.WriteField(field);
            }

            output.NextRecord();
            output.Flush();
            var text = line.ToString();
            line.GetStringBuilder().Clear();
            if (!toStandardOutput && isHeader)
            {
                outputHeader = text; // written with the first row
                return true;
            }

            var file = toStandardOutput ? pipe : scores;
            if (toStandardOutput && file is null)
            {
                console.Profile.Out.Writer.Write(text);
                console.Profile.Out.Writer.Flush();
                return true;
            }

            unwritten.Add(text);
            try
            {
                if (file is null && resume.AppendTo is { } earlier)
                {
                    file = scores = new FlushedLines(io.Out, earlier + 1); // the saved stream's scores go on: its header is there
                }
                else if (file is null)
                {
                    file = scores = new FlushedLines(io.Out);
                    file.Write(outputHeader!);
                }

                while (unwritten.Count > 0)
                {
                    file.Write(unwritten[0]);
                    unwritten.RemoveAt(0);
                }

                return true;
            }
            catch (IOException e)
            {
                badRows.Report.WriteLine(toStandardOutput
                    ? $"error: standard output was closed by its reader ({e.Message}). The stream stopped at line {atLine}, whose score could not be written."
                    : $"error: {e.Message}. The stream stopped at line {atLine}, whose score could not be written; {io.Out} keeps the {Math.Max(0, (file?.Lines ?? 0) - 1)} rows scored before it, whole.");
                return false;
            }
        }

        CsvRowParser? parser = null;
        string? header = null;
        long lineNumber = 0, flagged = 0, skipped = 0, filled = 0;
        var last = carry.From; // the values of the row scored last, which a gap takes with --missing ffill
        string? firstRow = null; // the followed file's first data row: with the line reached, where a saved stream goes on
        var readThrough = 0L; // lines the saved stream has read already: skipped, not learnt a second time
        var savedAt = resume.From; // checked against the first file read, not against a file rotated in later
        try
        {
            while (true)
            {
                var input = followed is null ? await lines!.NextAsync(token) : await followed.NextAsync(token);
                if (followed is { Restarted: true })
                {
                    (lineNumber, firstRow, readThrough) = (0, null, 0); // a rotated file's lines are counted from its start, and all read
                    followed.Restarted = false;
                }

                if (input is null)
                {
                    if (fromStandardInput)
                    {
                        break; // the end of the input ends the stream
                    }

                    await Task.Delay(Poll, token); // a followed file: wait for more
                    continue;
                }

                lineNumber++;
                if (input.Length > TextInput.MaxLineBytes)
                {
                    throw new DataFormatException(source, lineNumber, null, $"is longer than {TextInput.MaxLineBytes:N0} characters");
                }

                if (header is not null && input.TrimEnd('\r') == header)
                {
                    continue; // the header again: a rotated log's new file begins with it
                }

                if (parser is null)
                {
                    parser = new CsvRowParser(source, input, detector.Channels, csv.TimeColumn, csv.Delimiter);
                    header = input.TrimEnd('\r');
                    if (!Written(Header(explain), lineNumber, isHeader: true))
                    {
                        return (CommandRunner.Failed, Position(), Unwritten());
                    }

                    continue;
                }

                if (followed is not null && firstRow is null)
                {
                    firstRow = input;
                    (readThrough, savedAt) = (ReadBefore(savedAt, Path.GetFullPath(io.Data), input, badRows.Report), null);
                }

                if (lineNumber <= readThrough || input.Trim().Length == 0)
                {
                    continue;
                }

                string timestamp;
                float[] values;
                try
                {
                    int gaps;
                    (timestamp, values, gaps) = parser.Parse(input, lineNumber, carry.Forward ? last : null);
                    filled += gaps;
                }
                catch (DataFormatException e)
                {
                    var why = carry.Forward && last is null ? $"{e.Message} (--missing ffill carries a gap's value from the row before, and no row has been scored yet)" : e.Message;
                    if (!badRows.Skip)
                    {
                        badRows.Report.WriteLine($"error: {why}. The stream stopped there; the {rowsScored} rows before it were written (--on-bad-row skip goes on past such rows).");
                        return (CommandRunner.Failed, Position(), Unwritten());
                    }

                    badRows.Report.WriteLine($"skipped: {why}");
                    skipped++;
                    continue;
                }

                last = values;

                var point = push(values);
                rowsScored++;
                flagged += point.Flag ? 1 : 0;
                string[] fields = [timestamp, point.Score.ToString("R", CultureInfo.InvariantCulture), point.Threshold.ToString("R", CultureInfo.InvariantCulture), point.Flag ? "1" : "0"];
                if (!Written(explain ? [.. fields, point.Explanation is { } a ? PointScoresCsv.Columns(a) : ""] : fields, lineNumber))
                {
                    return (CommandRunner.Failed, Position(), Unwritten()); // the row was learnt from: a --state saved now continues after it
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Ctrl+C is how a followed stream is stopped: every row read so far has been written.
        }
        finally
        {
            scores?.Dispose();
        }

        if (!toStandardOutput)
        {
            var skippedNote = (skipped > 0 ? $" {skipped} bad rows skipped (each reported with its line)." : "")
                + (filled > 0 ? $" {filled} gaps took the value of the row before (--missing ffill)." : "");
            var learnt = online is null ? "" : $" The model was fitted again {online.Refits} times on the rows judged normal.";
            var wrote = scores is not null ? $"Wrote {Path.GetFullPath(io.Out)}." : $"{Path.GetFullPath(io.Out)} was {(File.Exists(io.Out) ? "left as it was" : "not made")}.";
            console.WriteLine($"Scored {rowsScored} rows as they arrived; {flagged} above the threshold {threshold.ToString("G5", CultureInfo.InvariantCulture)}.{learnt}{skippedNote} {wrote}");
        }

        // Flagged by a fitted rule (not by surprise, not by a number of the user's): say so when it flagged far more than normal data.
        var rule = online is null && flags.SurpriseHistory is null ? detector.Thresholds.Rule : "surprise";
        if (ScoreCommand.FlagRateNote(flagged, rowsScored, rule, "time steps") is { } note)
        {
            if (toStandardOutput)
            {
                badRows.Report.WriteLine(note); // never among the scores
            }
            else
            {
                console.WriteLine(note);
            }
        }

        return (0, Position(), Unwritten());

        string? Unwritten() => unwritten.Count == 0 ? null : string.Concat(unwritten);

        // How far the followed file was read; a saved position is kept while the file has not been read to its first row.
        FollowedPosition? Position() => followed is null ? null
            : firstRow is null ? resume.From
            : new FollowedPosition(Path.GetFullPath(io.Data), firstRow, lineNumber);
    }

    /// <summary>
    /// The rows of a scores file that a continued stream appends to: <paramref name="path"/> when it holds exactly the
    /// scores of the stream saved in <paramref name="stateFolder"/> (its header, and one row per row that stream scored);
    /// null when it does not exist, or <paramref name="force"/> replaces it. Any other file is refused, neither appended to
    /// nor replaced.
    /// </summary>
    /// <param name="path">The scores file (<c>-</c>: standard output, never appended to).</param>
    /// <param name="force">Whether an earlier file is to be replaced.</param>
    /// <param name="stateFolder">The state folder of the stream that goes on.</param>
    /// <param name="streamRows">The rows that stream has scored.</param>
    /// <param name="explain">Whether the scores carry the columns that explain each flag.</param>
    /// <returns>The rows to append after, and the lines the stream could not write, written first; nulls for a file made anew.</returns>
    /// <exception cref="ArgumentException">The file exists and holds other scores.</exception>
    public static (long? Rows, string? Unwritten) ScoresToContinue(string path, bool force, string stateFolder, long streamRows, bool explain)
    {
        if (path == "-" || force || !File.Exists(path))
        {
            return (null, null);
        }

        // Rows the stream scored whose lines its disk could not take: the file holds that many fewer, and they come first.
        var kept = Path.Combine(stateFolder, UnwrittenFile);
        var unwritten = File.Exists(kept) ? File.ReadAllText(kept) : null;
        var scored = streamRows - (unwritten?.Count(c => c == '\n') ?? 0);

        var header = string.Join(',', Header(explain));
        long rows = -1;
        string? first = null;
        foreach (var line in File.ReadLines(path))
        {
            first ??= line;
            rows += line.Length > 0 ? 1 : 0;
        }

        return first == header && rows == scored ? (rows, unwritten)
            : throw new ArgumentException($"--out {path} exists, and is not the scores of the stream saved in {stateFolder} ({(first == header ? $"it holds {Math.Max(0, rows)} rows, the stream wrote {scored}" : $"its first line is not '{header}'")}), so it is neither appended to nor replaced: give another --out, or --force to replace it.");
    }

    /// <summary>
    /// Writes into a state folder being saved what the stream's next run needs beside the stream: how far the followed
    /// file was read, and the lines of scores the disk could not take (read back by <see cref="ScoresToContinue"/>).
    /// </summary>
    /// <param name="folder">The state folder being saved.</param>
    /// <param name="position">How far the followed file was read; null for none.</param>
    /// <param name="unwritten">Lines of scores not written; null for none.</param>
    public static void SaveWithState(string folder, FollowedPosition? position, string? unwritten)
    {
        position?.Write(folder);
        if (unwritten is not null)
        {
            File.WriteAllText(Path.Combine(folder, UnwrittenFile), unwritten);
        }
    }

    /// <summary>The scores' columns: a row's time, score, threshold and flag, and with <paramref name="explain"/> the columns behind a flag.</summary>
    private static string[] Header(bool explain) => explain ? ["timestamp", "score", "threshold", "flag", "columns"] : ["timestamp", "score", "threshold", "flag"];

    /// <summary>
    /// The lines of the followed file that the saved stream <paramref name="from"/> has read already: through its line when
    /// the file is the one it read (the same path and first data row), else none (the file is read from its start), said.
    /// </summary>
    private static long ReadBefore(FollowedPosition? from, string path, string firstRow, TextWriter report)
    {
        if (from is null)
        {
            return 0;
        }

        if (from.File == path && from.FirstRow == firstRow)
        {
            report.WriteLine($"note: continuing {path} after line {from.Line}, where the saved stream stopped.");
            return from.Line;
        }

        report.WriteLine($"note: the saved stream read {from.File} to line {from.Line}; {(from.File == path ? "the file now begins with other rows (replaced or rotated)" : $"{path} is another file")}, so it is read from its start.");
        return 0;
    }

    /// <summary>
    /// A followed file, read on across log rotation as <c>tail -F</c> reads it: when it has nothing new and the path
    /// names another file than the one open (renamed away and created again) or the open file is shorter than what was
    /// read (truncated in place), it is opened again and read from its start, with a note on the report stream.
    /// </summary>
    private sealed class FollowedFile : IDisposable
    {
        private readonly string path;
        private readonly TextWriter report;
        private FileStream stream;
        private LineAssembler lines;
        private bool reopen;

        public FollowedFile(string path, TextWriter report)
        {
            (this.path, this.report) = (path, report);
            if (Directory.Exists(path) || !File.Exists(path))
            {
                // Said as every reader says it, where the runtime's own message gave neither the expectation nor a way on.
                throw new DataFormatException(path, null, null, Directory.Exists(path)
                    ? "is a folder; --follow reads a CSV file as it grows, or standard input (--data -)"
                    : "does not exist; --follow reads a CSV file that exists (an empty one is waited on for its header), or standard input (--data -)");
            }

            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            lines = Lines(stream);
        }

        /// <summary>Set when the file was opened again; the caller clears it once it has counted lines anew.</summary>
        public bool Restarted { get; set; }

        /// <summary>The next whole line, or null when there is none yet.</summary>
        public async Task<string?> NextAsync(CancellationToken token)
        {
            if (reopen)
            {
                FileStream next;
                try
                {
                    next = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return null; // gone again mid-rotation: try at the next poll
                }

                stream.Dispose();
                (stream, lines) = (next, Lines(next));
                (reopen, Restarted) = (false, true);
            }

            if (await lines.NextAsync(token) is { } line)
            {
                return line;
            }

            if (Rotation() is not { } what)
            {
                return null;
            }

            report.WriteLine($"note: {path} {what}; reading it from its start.");
            reopen = true;
            return lines.TakePending(); // the old file's last line if it had no end (nothing more comes to it); the new file is opened at the next call
        }

        /// <summary>How the file was rotated (<c>was replaced by a new file</c>, <c>was truncated</c>), or null when it was not.</summary>
        private string? Rotation()
        {
            try
            {
                // The same file has one birth time through the handle and the path; a new file at the path, another.
                // (Where the file system keeps no birth time .NET reports another of its times, the same through both.)
                if (File.Exists(path) && File.GetCreationTimeUtc(path) != File.GetCreationTimeUtc(stream.SafeFileHandle))
                {
                    return "was replaced by a new file";
                }

                return stream.Length < stream.Position ? "was truncated" : null;
            }
            catch (IOException)
            {
                return null; // caught mid-rotation: look again at the next poll
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static LineAssembler Lines(FileStream stream) => new(new StreamReader(stream, Encoding.UTF8), follows: true);

        public void Dispose() => stream.Dispose();
    }

    /// <summary>
    /// Whole lines from a reader that may be written to while it is read: a line counts only once its end has arrived.
    /// For a followed file the end of what is there means "nothing yet"; for standard input it ends the input, and a
    /// last line without its end counts.
    /// </summary>
    private sealed class LineAssembler(TextReader reader, bool follows)
    {
        private readonly StringBuilder pending = new();
        private readonly char[] buffer = new char[8192];
        private int start;
        private int end;
        private bool ended;

        /// <summary>A last line whose end never came (the file was rotated), or null; what is pending is dropped.</summary>
        public string? TakePending()
        {
            var last = pending.Length == 0 ? null : pending.ToString();
            pending.Clear();
            return last;
        }

        /// <summary>The next whole line, or null when there is none yet (a followed file) or no more (standard input).</summary>
        public async Task<string?> NextAsync(CancellationToken token)
        {
            while (true)
            {
                for (; start < end; start++)
                {
                    if (buffer[start] == '\n')
                    {
                        start++;
                        var line = pending.ToString();
                        pending.Clear();
                        return line;
                    }

                    if (pending.Length > TextInput.MaxLineBytes)
                    {
                        return pending.ToString(); // too long: handed on so that the caller refuses it
                    }

                    pending.Append(buffer[start]);
                }

                if (ended)
                {
                    var last = pending.Length == 0 ? null : pending.ToString();
                    pending.Clear();
                    return last;
                }

                // Standard input's reader blocks inside ReadAsync and never looks at the token, so a silent pipe would
                // hold a stop until its writer ended: the read waits on a worker thread, and the stop does not wait for it.
                (start, end) = (0, follows
                    ? await reader.ReadAsync(buffer.AsMemory(), token)
                    : await Task.Run(() => reader.Read(buffer, 0, buffer.Length), CancellationToken.None).WaitAsync(token));
                if (end == 0)
                {
                    if (follows)
                    {
                        return null; // nothing new yet; a partial line stays pending
                    }

                    ended = true;
                }
            }
        }
    }
}
