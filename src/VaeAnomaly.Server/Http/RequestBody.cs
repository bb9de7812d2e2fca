using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VaeAnomaly.Data;

namespace VaeAnomaly.Server.Http;

/// <summary>Reads a request's body within the size limit, and the rows of a stream from it (CSV or JSON).</summary>
internal static class RequestBody
{
    /// <summary>How the body is named in error messages.</summary>
    public const string Source = "request body";

    /// <summary>The body's bytes; 413 when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken token)
    {
        // A compressed body would be read as text and refused as garbled CSV, its bytes quoted back: say what it is.
        if (request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, $"The body's Content-Encoding is '{IO.Messages.Cut(encoding)}'; expected an uncompressed body (no Content-Encoding, or identity).");
        }

        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, token)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The rows of a stream: a CSV body whose header names the model's columns (a time column allowed), or JSON
    /// <c>{"rows": [[...], ...]}</c>; and each row's time as the body gives it, when a CSV body has a time column (else null).
    /// </summary>
    /// <param name="contentType">The request's content type.</param>
    /// <param name="body">The body.</param>
    /// <param name="channels">The model's columns, in order.</param>
    /// <param name="gaps">Whether a gap (an empty, NaN or NA cell; a JSON null) is read as NaN for the stream to fill (<c>missing=ffill</c>) rather than refused.</param>
    public static (float[][] Rows, string[]? Times) Rows(string? contentType, byte[] body, IReadOnlyList<string> channels, bool gaps = false)
    {
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "text/csv" or "text/plain" => CsvRows(Encoding.UTF8.GetString(body), channels, gaps),
            "application/json" => JsonRows(body, channels, gaps),
            _ => throw new ApiException(StatusCodes.Status415UnsupportedMediaType, $"The content type is '{contentType ?? "none"}'; expected text/csv (a header naming the columns {IO.Messages.List(channels)}, then one row per line) or application/json ({{\"rows\": [[...], ...]}})."),
        };
    }

    private static (float[][] Rows, string[]? Times) CsvRows(string text, IReadOnlyList<string> channels, bool gaps)
    {
        float[]? asGaps = gaps ? [.. channels.Select(_ => float.NaN)] : null; // a gap read as NaN, for the stream to carry a value into
        var lines = text.Split('\n');
        if (lines.Length == 0 || lines[0].Trim().Length == 0)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"{Source}:1: the body is empty; expected a header naming the columns {IO.Messages.List(channels)}") { Line = 1 };
        }

        try
        {
            var parser = new CsvRowParser(Source, lines[0], channels, requireTime: false, ordered: false); // a time column is kept as given, not checked or scored
            var (rows, times) = (new List<float[]>(lines.Length), new List<string>(lines.Length));
            for (var k = 1; k < lines.Length; k++)
            {
                if (lines[k].Trim().Length > 0)
                {
                    var (time, values, _) = parser.Parse(lines[k], k + 1, asGaps);
                    rows.Add(values);
                    times.Add(time);
                }
            }

            return ([.. rows], parser.HasTime ? [.. times] : null);
        }
        catch (DataFormatException e)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, e.Message) { Line = e.Line, Column = e.Column };
        }
    }

    private static (float[][] Rows, string[]? Times) JsonRows(byte[] body, IReadOnlyList<string> channels, bool gaps)
    {
        JsonDocument document;
        try
        {
            // A key given twice ({"rows": ..., "rows": ...}) is refused: which one was meant cannot be known.
            document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            var reason = IO.Messages.Cut(e.Message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' '), 200);
            var where = e.LineNumber is { } line ? $"{Source}:{line + 1}: malformed JSON at byte {e.BytePositionInLine + 1} of the line" : $"{Source}: malformed JSON"; // a repeated key has no position
            throw new ApiException(StatusCodes.Status400BadRequest, $"{where} ({reason}); expected {{\"rows\": [[...], ...]}}") { Line = e.LineNumber + 1 };
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, $"{Source}: expected an object {{\"rows\": [[...], ...]}} with one array of {channels.Count} numbers ({IO.Messages.List(channels)}) per row");
            }

            var result = new float[rows.GetArrayLength()][];
            var r = 0;
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != channels.Count)
                {
                    throw new ApiException(StatusCodes.Status400BadRequest, $"{Source}: rows[{r}] is {(row.ValueKind == JsonValueKind.Array ? $"an array of {row.GetArrayLength()} values" : $"a {row.ValueKind.ToString().ToLowerInvariant()}")}; expected {channels.Count} numbers ({IO.Messages.List(channels)})");
                }

                var values = new float[channels.Count];
                var c = 0;
                foreach (var value in row.EnumerateArray())
                {
                    if (gaps && value.ValueKind == JsonValueKind.Null)
                    {
                        values[c++] = float.NaN; // a gap, for the stream to carry a value into
                        continue;
                    }

                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out values[c]) || !float.IsFinite(values[c]))
                    {
                        throw new ApiException(StatusCodes.Status400BadRequest, $"{Source}: rows[{r}][{c}] (column '{channels[c]}') holds {IO.Messages.Cut(value.GetRawText())}; expected a finite number") { Column = channels[c] };
                    }

                    if (Math.Abs(values[c]) > GapFilling.MaxMagnitude)
                    {
                        throw new ApiException(StatusCodes.Status400BadRequest, $"{Source}: rows[{r}][{c}] (column '{channels[c]}') holds {IO.Messages.Cut(value.GetRawText())}; values beyond ±1e18 are refused, as in a CSV body: the model computes in 32-bit floats, where squares of such values overflow") { Column = channels[c] };
                    }

                    c++;
                }

                result[r++] = values;
            }

            return (result, Times(document.RootElement, result.Length));
        }
    }

    /// <summary>A JSON body's optional <c>"times"</c>: one string per row, kept as given; null when absent.</summary>
    private static string[]? Times(JsonElement root, int rows)
    {
        if (!root.TryGetProperty("times", out var times) || times.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (times.ValueKind != JsonValueKind.Array || times.GetArrayLength() != rows || times.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"{Source}: times is {(times.ValueKind == JsonValueKind.Array ? $"an array of {times.GetArrayLength()} values" : $"a {times.ValueKind.ToString().ToLowerInvariant()}")}; expected one string per row ({rows}), or no times");
        }

        return [.. times.EnumerateArray().Select(t => t.GetString()!)];
    }

    private static ApiException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limit:N0} bytes (--max-body-mb); send the rows in smaller requests.");
}
