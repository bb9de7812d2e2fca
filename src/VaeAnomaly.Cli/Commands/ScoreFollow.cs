using System.Globalization;
using System.Text;
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
/// stream with its line, then skipped or the stream stops, as <c>--on-bad-row</c> says; every row written stays.
/// </summary>
internal static class ScoreFollow
{
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
    /// <param name="explain">Write a last column, columns: each flagged row's explanation (<see cref="PointScoresCsv.Columns"/>) by the model that scored it.</param>
    /// <param name="token">Ctrl+C: stops a followed file cleanly.</param>
    public static async Task<int> RunAsync(IAnsiConsole console, IFittedDetector detector, (string? Rule, int? SurpriseHistory, int RestRows) flags, (string Data, string Out, bool Force, string Bundle) io,
        (string? TimeColumn, string? Delimiter) csv, (TextWriter Report, bool Skip) badRows, OnlineDetector? online, bool explain, CancellationToken token)
    {
        var stream = new StreamingScorer(detector, flags.Rule, flags.SurpriseHistory, rest: flags.RestRows); // refuses a model that cannot score a stream before any input is read
        Func<float[], StreamPoint> push = online is null ? row => stream.Push(row, explain) : row => online.Push(row, explain);
        var threshold = online is null ? stream.Threshold : SurpriseFlags.Flag;
        long rowsScored = 0;
        var fromStandardInput = io.Data == "-";
        var toStandardOutput = io.Out == "-";
        if (!toStandardOutput)
        {
            AtomicFile.EnsureWritable(io.Out, io.Force, [fromStandardInput ? null : io.Data, io.Bundle]);
        }

        using var input = fromStandardInput ? null : new FileStream(io.Data, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var fileReader = fromStandardInput ? null : new StreamReader(input!, Encoding.UTF8);
        var reader = fileReader ?? System.Console.In; // standard input is not ours to close
        using var file = toStandardOutput ? null : new StreamWriter(io.Out, append: false, new UTF8Encoding(false));
        using var output = new CsvHelper.CsvWriter(file ?? console.Profile.Out.Writer, CultureInfo.InvariantCulture, leaveOpen: true); // quotes a field that needs it (a timestamp with a comma, a column name)
        var source = fromStandardInput ? "standard input" : io.Data;
        var lines = new LineAssembler(reader, follows: !fromStandardInput);
        CsvRowParser? parser = null;
        long lineNumber = 0, flagged = 0, skipped = 0;
        try
        {
            while (true)
            {
                var line = await lines.NextAsync(token);
                if (line is null)
                {
                    if (fromStandardInput)
                    {
                        break; // the end of the input ends the stream
                    }

                    await Task.Delay(Poll, token); // a followed file: wait for more
                    continue;
                }

                lineNumber++;
                if (line.Length > TextInput.MaxLineBytes)
                {
                    throw new DataFormatException(source, lineNumber, null, $"is longer than {TextInput.MaxLineBytes:N0} characters");
                }

                if (parser is null)
                {
                    parser = new CsvRowParser(source, line, detector.Channels, csv.TimeColumn, csv.Delimiter);
                    Write(output, explain ? ["timestamp", "score", "threshold", "flag", "columns"] : ["timestamp", "score", "threshold", "flag"]);
                    continue;
                }

                if (line.Trim().Length == 0)
                {
                    continue;
                }

                string timestamp;
                float[] values;
                try
                {
                    (timestamp, values) = parser.Parse(line, lineNumber);
                }
                catch (DataFormatException e)
                {
                    if (!badRows.Skip)
                    {
                        badRows.Report.WriteLine($"error: {e.Message}. The stream stopped there; the {rowsScored} rows before it were written (--on-bad-row skip goes on past such rows).");
                        return CommandRunner.Failed;
                    }

                    badRows.Report.WriteLine($"skipped: {e.Message}");
                    skipped++;
                    continue;
                }

                var point = push(values);
                rowsScored++;
                flagged += point.Flag ? 1 : 0;
                string[] fields = [timestamp, point.Score.ToString("R", CultureInfo.InvariantCulture), point.Threshold.ToString("R", CultureInfo.InvariantCulture), point.Flag ? "1" : "0"];
                Write(output, explain ? [.. fields, point.Explanation is { } a ? PointScoresCsv.Columns(a) : ""] : fields);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Ctrl+C is how a followed stream is stopped: every row read so far has been written.
        }

        if (!toStandardOutput)
        {
            var skippedNote = skipped > 0 ? $" {skipped} bad rows skipped (each reported with its line)." : "";
            var learnt = online is null ? "" : $" The model was fitted again {online.Refits} times on the rows judged normal.";
            console.MarkupLineInterpolated($"Scored {rowsScored} rows as they arrived; {flagged} above the threshold {threshold.ToString("G5", CultureInfo.InvariantCulture)}.{learnt}{skippedNote} Wrote [bold]{Path.GetFullPath(io.Out)}[/].");
        }

        return 0;
    }

    /// <summary>Writes one record and flushes it, so a reader of the stream sees each row as soon as it is scored.</summary>
    private static void Write(CsvHelper.CsvWriter output, string[] fields)
    {
        foreach (var field in fields)
        {
            output.WriteField(field);
        }

        output.NextRecord();
        output.Flush();
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

                (start, end) = (0, await reader.ReadAsync(buffer.AsMemory(), token));
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
