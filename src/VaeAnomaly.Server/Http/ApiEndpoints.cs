using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VaeAnomaly.Data;
using VaeAnomaly.Detectors;
using VaeAnomaly.Server.Streams;

namespace VaeAnomaly.Server.Http;

/// <summary>The HTTP API: health, models, stream points and whole-sequence scores.</summary>
internal static partial class ApiEndpoints
{
    /// <summary>Maps every endpoint.</summary>
    public static void MapApi(this WebApplication app, ServeOptions options, ServedModels models, ServiceMetrics metrics)
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/v1/models", () => Results.Json(new { models = models.All.Select(Describe) }));
        app.MapPost("/v1/streams/{stream}/points", async (string stream, HttpContext context) =>
        {
            CheckStreamName(stream);
            var model = ModelOf(context, models);
            if (!model.Streams)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, $"The model '{model.Name}' ({model.Kind}) reads whole {model.Input}, not a stream of rows; score them with POST /v1/score?model={model.Name}.");
            }

            long? start = null;
            if (context.Request.Query.TryGetValue("start", out var startText))
            {
                start = long.TryParse(startText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s
                    : throw new ApiException(StatusCodes.Status400BadRequest, $"The query parameter start is '{Messages(startText.ToString())}'; expected the index of the request's first row, a whole number from 0.");
            }

            var missing = MissingOf(context);
            if (missing is not (MissingValues.Error or MissingValues.Ffill))
            {
                throw new ApiException(StatusCodes.Status400BadRequest, $"The query parameter missing is '{missing.ToString().ToLowerInvariant()}'; a stream cannot wait for the row after a gap: missing=ffill gives a gap its column's value in the row before (as score --follow --missing ffill does), and without it a row with a gap is refused.");
            }

            var body = await RequestBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
            var carry = missing == MissingValues.Ffill;
            var (rows, times) = RequestBody.Rows(context.Request.ContentType, body, model.Channels, gaps: carry);
            var reply = await grains.GetGrain<IStreamGrain>(stream).Push(model.Name, rows, start, times, carry);
            switch (reply.Outcome)
            {
                case StreamOutcome.OtherModel:
                    throw new ApiException(StatusCodes.Status409Conflict, $"The stream '{stream}' was started with the model '{reply.Model}'; a stream keeps its model: start a new stream for '{model.Name}', or delete this one first (DELETE /v1/streams/{stream}).");
                case StreamOutcome.OutOfOrder:
                    throw new ApiException(StatusCodes.Status409Conflict, $"The stream '{stream}' has {reply.Rows} rows, so its next row has index {reply.Rows}; the request starts at {start}.");
                case StreamOutcome.UnknownModel:
                    throw new ApiException(StatusCodes.Status404NotFound, $"This node does not serve the model '{model.Name}'.");
                case StreamOutcome.NothingToCarry:
                    throw new ApiException(StatusCodes.Status400BadRequest, $"Row {reply.Filled + 1} of the request has a gap in column '{reply.Column}', and the stream '{stream}' has no row before it to carry a value from (missing=ffill); nothing was scored.") { Column = reply.Column };
                case StreamOutcome.NotSaved:
                    context.Response.Headers.RetryAfter = "10";
                    throw new ApiException(StatusCodes.Status503ServiceUnavailable, $"The state of the stream '{stream}' could not be saved (the service's log says why), so nothing of this request was kept: the stream still has {reply.Rows} rows. Retry the same request (with start={reply.Rows}) later.");
            }

            var flags = reply.Flags.Count(f => f);
            if (!reply.Repeated)
            {
                metrics.PointsScored.WithLabels(model.Name).Inc(reply.Scores.Length);
                metrics.PointsFlagged.WithLabels(model.Name).Inc(flags);
                foreach (var shares in reply.Shares.Where(s => s.Length == model.Channels.Count && s.Any(v => v > 0)))
                {
                    metrics.AlarmsByColumn.WithLabels(model.Name, model.Channels[Array.IndexOf(shares, shares.Max())]).Inc();
                }
            }

            return Results.Json(new
            {
                stream,
                model = model.Name,
                filled = carry ? reply.Filled : (int?)null, // gaps that took the value of the row before (missing=ffill)
                points = reply.Scores.Select((score, k) => new { index = reply.Start + k, score, threshold = reply.Threshold, flag = reply.Flags[k], columns = k < reply.Shares.Length ? Columns(reply.Shares[k], model.Channels) : null }),
            }, LeavingNullsOut);
        });
        app.MapGet("/v1/streams/{stream}", async (string stream) =>
        {
            CheckStreamName(stream);
            var reply = await grains.GetGrain<IStreamGrain>(stream).Describe()
                ?? throw new ApiException(StatusCodes.Status404NotFound, $"No stream '{stream}': nothing has been posted to it.");
            return Results.Json(new { stream, model = reply.Model, rows = reply.Rows, learning = reply.Learning, refits = reply.Refits, alarms = reply.AlarmCount });
        });
        app.MapDelete("/v1/streams/{stream}", async (string stream, HttpContext context) =>
        {
            CheckStreamName(stream);
            var reply = await grains.GetGrain<IStreamGrain>(stream).Delete()
                ?? throw new ApiException(StatusCodes.Status404NotFound, $"No stream '{stream}': nothing has been posted to it, or it was deleted.");
            if (reply.Outcome == StreamOutcome.NotSaved)
            {
                context.Response.Headers.RetryAfter = "10";
                throw new ApiException(StatusCodes.Status503ServiceUnavailable, $"The stream '{stream}' could not be deleted from the store (the service's log says why); it is as it was, with {reply.Rows} rows. Retry later.");
            }

            return Results.Json(new { stream, model = reply.Model, rows = reply.Rows, alarms = reply.AlarmCount, deleted = true });
        });
        app.MapGet("/v1/streams/{stream}/alarms", async (string stream, HttpContext context) =>
        {
            CheckStreamName(stream);
            var limit = StreamGrainState.MaxAlarms;
            if (context.Request.Query.TryGetValue("limit", out var limitText))
            {
                limit = int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l) && l is >= 1 and <= StreamGrainState.MaxAlarms ? l
                    : throw new ApiException(StatusCodes.Status400BadRequest, $"The query parameter limit is '{Messages(limitText.ToString())}'; expected a whole number from 1 to {StreamGrainState.MaxAlarms}.");
            }

            var reply = await grains.GetGrain<IStreamGrain>(stream).Describe()
                ?? throw new ApiException(StatusCodes.Status404NotFound, $"No stream '{stream}': nothing has been posted to it.");
            var channels = models.Find(reply.Model)?.Channels ?? [];
            return Results.Json(new
            {
                stream,
                model = reply.Model,
                total = reply.AlarmCount,
                alarms = reply.Alarms.Reverse().Take(limit).Select(a => new { index = a.Index, time = a.Time.Length > 0 ? a.Time : null, score = a.Score, threshold = a.Threshold, answered = a.Answered, columns = Columns(a.Shares, channels) }),
            }, LeavingNullsOut);
        });
        app.MapPost("/v1/score", async (HttpContext context) =>
        {
            var model = ModelOf(context, models);
            var body = await RequestBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
            var missing = MissingOf(context);
            if (model.Encoder is { } encoder)
            {
                return missing is MissingValues.Interpolate or MissingValues.Ffill
                    ? throw new ApiException(StatusCodes.Status400BadRequest, $"The query parameter missing is '{missing.ToString().ToLowerInvariant()}', which fills a series' gaps from the rows before and after; records have no order: use missing=conditional (what the record's other numbers lead one to expect), missing=mean (the column's training mean) or missing=drop (the record left out).")
                    : await ScoreRecords(body, model, encoder, missing, metrics, context.RequestAborted);
            }

            if (missing is MissingValues.Mean or MissingValues.Conditional)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, $"The query parameter missing is '{missing.ToString().ToLowerInvariant()}', which fills a record's gap from the training records; a sequence's gaps are filled from their neighbours: use missing=interpolate or ffill, or drop the rows with missing=drop.");
            }

            SequenceSet data;
            try
            {
                data = FromBody(body, file => SequenceCsvReader.Read(file, missing: missing));
            }
            catch (ApiException e) when (model.Streams && e.Column == SequenceCsvReader.IdColumn)
            {
                // A series' rows posted to the endpoint of whole sequences: say where they go.
                throw new ApiException(e.Status, $"{e.Message}; the rows of a series stream to POST /v1/streams/{{stream}}/points?model={model.Name}, each row answered with its point") { Line = e.Line, Column = e.Column };
            }

            var (scores, explanations) = await model.UseAsync(detector => (detector.Score(Align(data, model)), (detector as IExplainsInputs)?.Explain(data)), context.RequestAborted);
            metrics.SequencesScored.WithLabels(model.Name).Inc(scores.Length);
            var threshold = model.Thresholds.Value();
            return Results.Json(new
            {
                model = model.Name,
                threshold,
                notes = Notes(data.Rounded),
                results = data.Sequences.Select((s, k) => new { sequence_id = s.Id, score = scores[k], flag = scores[k] > threshold, columns = scores[k] > threshold ? Shares(explanations, k) : null }),
            }, LeavingNullsOut);
        });
        app.MapFallback((HttpContext context) => throw new ApiException(StatusCodes.Status404NotFound, $"No endpoint {context.Request.Method} {context.Request.Path}; see GET /v1/models, POST /v1/streams/{{stream}}/points?model=NAME, GET /v1/streams/{{stream}}/alarms, GET or DELETE /v1/streams/{{stream}}, POST /v1/score?model=NAME, GET /metrics, GET /healthz."));
    }

    private static object Describe(ServedModel model) => new
    {
        name = model.Name,
        kind = model.Kind,
        input = model.Input,
        channels = model.Channels,
        threshold = model.Threshold,
        learns = model.Learns,
        flag_by = model.FlagsBySurprise ? "surprise" : "threshold",
        rule = model.Thresholds.Rule,
        thresholds = model.Thresholds.ByScore.ToDictionary(s => s.Key, s => s.Value.Where(r => double.IsFinite(r.Value)).ToDictionary(r => r.Key, r => r.Value)),
    };

    private static ServedModel ModelOf(HttpContext context, ServedModels models)
    {
        var name = context.Request.Query["model"].ToString();
        if (name.Length == 0)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"The query parameter model is missing; expected one of {string.Join(", ", models.All.Select(m => m.Name))}.");
        }

        return models.Find(name) ?? throw new ApiException(StatusCodes.Status404NotFound, $"No model '{Messages(name)}'; this service has {string.Join(", ", models.All.Select(m => m.Name))} (GET /v1/models).");
    }

    /// <summary>
    /// The query's <c>missing</c>: what a body's gaps (empty, NaN or infinite cells, <c>NA</c>, <c>null</c>) are, as
    /// <c>score --missing</c> says of a file's; an error when absent.
    /// </summary>
    private static MissingValues MissingOf(HttpContext context)
    {
        var given = context.Request.Query["missing"].ToString();
        return given.Length == 0 ? MissingValues.Error
            : Enum.TryParse<MissingValues>(given, ignoreCase: true, out var missing) && !int.TryParse(given, out _) ? missing
            : throw new ApiException(StatusCodes.Status400BadRequest, $"The query parameter missing is '{Messages(given)}'; expected error, interpolate, ffill or drop (sequences), or error, conditional, mean or drop (records).");
    }

    private static void CheckStreamName(string stream)
    {
        if (!StreamName().IsMatch(stream))
        {
            throw new ApiException(StatusCodes.Status400BadRequest, $"The stream name '{Messages(stream)}' is not allowed; expected 1 to 200 letters, digits, '.', '_', ':' or '-'.");
        }
    }

    /// <summary>
    /// Scores a CSV body of records as <c>vae-anomaly score</c> scores a file of them: the training file's columns by name, in
    /// any order, other columns (a label, an id) ignored; each record answered with its line in the body (the header is line 1).
    /// A gap in a number column is an error, filled (<c>missing=conditional</c> or <c>mean</c>), or its record left out
    /// and unanswered (<c>missing=drop</c>); the answer counts both.
    /// </summary>
    private static async Task<IResult> ScoreRecords(byte[] body, ServedModel model, TabularEncoder encoder, MissingValues missing, ServiceMetrics metrics, CancellationToken token)
    {
        var table = FromBody(body, file => TabularCsvReader.Read(file, encoder, missing: missing));
        var set = encoder.ToSequenceSet(table);
        var (scores, explanations) = await model.UseAsync(detector => (detector.Score(set), (detector as IExplainsInputs)?.Explain(set)), token);
        metrics.RecordsScored.WithLabels(model.Name).Inc(scores.Length);
        var threshold = model.Thresholds.Value();
        return Results.Json(new
        {
            model = model.Name,
            threshold,
            unseen = encoder.CountUnseen(table.Records), // records holding a text value training never saw, encoded as none of the known ones
            filled = table.FilledValues, // gaps filled (missing=conditional or mean)
            dropped = table.DroppedRecords, // records left out for a gap (missing=drop), answered by no result
            notes = Notes(table.Rounded),
            results = table.Lines.Select((line, k) => new
            {
                line,
                score = scores[k],
                flag = scores[k] > threshold,
                columns = scores[k] > threshold ? Shares(explanations, k) : null,
            }),
        }, LeavingNullsOut);
    }

    /// <summary>What the command line notes of a file's columns that 32-bit floats hold only coarsely, said of the body; null when none.</summary>
    private static string[]? Notes(IReadOnlyList<RoundedColumn> rounded) => rounded.Count == 0 ? null : [.. rounded.Select(r => r.Note("the body"))];

    /// <summary>Input <paramref name="k"/>'s columns with a share of its score, largest first; null when the model explains none.</summary>
    private static object[]? Shares(IReadOnlyList<Scoring.Attribution>? explanations, int k) =>
        explanations is null ? null : [.. explanations[k].ChannelShares.Where(s => s.Value >= Scoring.Attribution.Negligible).Select(s => new { column = s.Key, share = s.Value })];

    /// <summary>A CSV body read by <paramref name="read"/> as <c>vae-anomaly score</c> reads a file (errors name the body's line and column).</summary>
    private static T FromBody<T>(byte[] body, Func<string, T> read)
    {
        var temporary = Path.Combine(Path.GetTempPath(), $"vae-anomaly-body-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllBytes(temporary, body);
            return read(temporary);
        }
        catch (DataFormatException e)
        {
            // A gap's advice names the command line's option; a client of the service is told of the query's.
            var problem = e.Problem.Replace(GapFilling.GapAdvice, "add missing=interpolate, ffill or drop to the query to fill gaps on purpose", StringComparison.Ordinal)
                .Replace(GapFilling.RecordGapAdvice, "add missing=conditional to the query to fill a record's gap with what its other numbers lead one to expect, missing=mean for its column's training mean, or missing=drop to leave the record out", StringComparison.Ordinal);
            throw new ApiException(StatusCodes.Status400BadRequest, new DataFormatException(RequestBody.Source, e.Line, e.Column, problem).Message) { Line = e.Line, Column = e.Column };
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The body itself when its columns are the model's, in order; else 400 naming the first that differs.</summary>
    private static SequenceSet Align(SequenceSet data, ServedModel model)
    {
        for (var c = 0; c < Math.Max(data.Channels, model.Channels.Count); c++)
        {
            if (c >= data.Channels || c >= model.Channels.Count || !data.ChannelNames[c].Equals(model.Channels[c], StringComparison.Ordinal))
            {
                throw new ApiException(StatusCodes.Status400BadRequest, $"{RequestBody.Source}:1: the value columns are [{IO.Messages.List(data.ChannelNames)}]; the model '{model.Name}' reads [{IO.Messages.List(model.Channels)}], in that order") { Line = 1 };
            }
        }

        return data;
    }

    private static string Messages(string text) => IO.Messages.Cut(text);

    /// <summary>JSON of the web defaults that leaves out a null member (a point's <c>columns</c> when it is not explained).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions LeavingNullsOut = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A point's explanation: the channels with a share of its score, largest first (a negligible share, which score --explain writes as 0, left out); null when it has none.</summary>
    private static object[]? Columns(float[] shares, IReadOnlyList<string> channels) =>
        shares.Length == channels.Count && channels.Count > 0
            ? [.. channels.Select((column, j) => (column, share: shares[j])).Where(c => c.share >= Scoring.Attribution.Negligible).OrderByDescending(c => c.share).Select(c => new { c.column, c.share })]
            : null;

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,200}$")]
    private static partial Regex StreamName();
}
