using Microsoft.Extensions.Logging;
using Orleans.Storage;
using VaeAnomaly.Streaming;

namespace VaeAnomaly.Server.Streams;

/// <summary>
/// A stream as an Orleans grain: one activation in the whole cluster scores its rows in arrival order with a
/// <see cref="StreamingScorer"/>, so its points equal the batch last-mode scores of all its rows however the requests
/// cut them, and its state is written to grain storage before each answer. Under <c>serve --online on</c> it keeps
/// learning instead (<see cref="OnlineDetector"/>, <see cref="StreamLearning"/>): its points are those of the online
/// detector over all its rows, the learnt model part of the stored state. Under <c>serve --flag-by surprise</c> a stream that does not learn
/// flags each point by its surprise, its earlier scores part of the stored state.
/// </summary>
/// <param name="state">The stream's stored state.</param>
/// <param name="models">The models this node serves.</param>
/// <param name="log">Where a state that could not be saved is reported.</param>
internal sealed class StreamGrain([PersistentState("stream", StreamStorage.Name)] IPersistentState<StreamGrainState> state, ServedModels models, ILogger<StreamGrain> log) : Grain, IStreamGrain
{
    // While the grain is active: the stream's learning detector, as the stored state left it after the last answer.
    private (OnlineDetector Detector, ServedModel Served)? learning;

    /// <inheritdoc />
    public async Task<StreamReply> Push(string model, float[][] rows, long? start, string[]? times, bool carry)
    {
        var s = state.State;
        if (s.Model.Length > 0 && s.Model != model)
        {
            return new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.OtherModel, Model = s.Model, Rows = s.Rows };
        }

        if (start is long at && at != s.Rows)
        {
            var retried = s.Model.Length > 0 && at == s.LastStart && at + rows.Length == s.Rows && rows.Length == s.LastScores.Length;
            return retried
                ? new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.Scored, Model = s.Model, Start = at, Scores = s.LastScores, Flags = s.LastFlags.Length == s.LastScores.Length ? s.LastFlags : [.. s.LastScores.Select(x => x > s.LastThreshold)], Shares = s.LastShares.Length == s.LastScores.Length ? s.LastShares : [.. s.LastScores.Select(_ => Array.Empty<float>())], Threshold = s.LastThreshold, Rows = s.Rows, Repeated = true }
                : new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.OutOfOrder, Model = s.Model, Rows = s.Rows };
        }

        if (models.Find(model) is not { } served)
        {
            return new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.UnknownModel, Model = model, Rows = s.Rows };
        }

        var filled = 0;
        if (carry)
        {
            // A gap takes its column's value in the row before it: the stream's last row for the request's first rows.
            var before = s.Recent.Length > 0 ? s.Recent[^1] : null;
            for (var k = 0; k < rows.Length; k++)
            {
                for (var c = 0; c < rows[k].Length; c++)
                {
                    if (float.IsNaN(rows[k][c]))
                    {
                        if (before is null)
                        {
                            return new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.NothingToCarry, Model = model, Rows = s.Rows, Filled = k, Column = served.Channels[c] };
                        }

                        (rows[k][c], filled) = (before[c], filled + 1);
                    }
                }

                before = rows[k];
            }
        }

        var next = new StreamGrainState { Model = model, LastStart = s.Rows, LastThreshold = served.Threshold };
        StreamPoint[] points;
        if (served.Learns)
        {
            points = await served.UseAsync(detector =>
            {
                try
                {
                    if (learning is not { } active || active.Served != served)
                    {
                        Forget();
                        learning = (StreamLearning.Restore(served, detector, s), served);
                    }

                    var online = learning.Value.Detector;
                    var scored = rows.Select(row => online.Push(row, explain: true)).ToArray();
                    StreamLearning.Save(online, next, served.Fingerprint, s);
                    return scored;
                }
                catch
                {
                    Forget(); // the next request starts again from the stored state
                    throw;
                }
            });
        }
        else
        {
            Forget();
            (points, var scorerState) = await served.UseAsync(detector =>
            {
                // A rest saved under a longer --rest than this node's is cut to this node's.
                // A stream flagged by surprise continues from its stored scores (none at its start, or when the node began to flag
                // by surprise after it started); otherwise it keeps none.
                int? history = served.FlagsBySurprise ? served.SurpriseHistory : null;
                var scores = history is { } h ? s.Scores[Math.Max(0, s.Scores.Length - h)..] : null;
                var scorer = StreamingScorer.Resume(detector, new StreamState(s.Rows, s.Recent, scores, Rest: Math.Min(s.Rest, served.RestRows)), surpriseHistory: history, rest: served.RestRows);
                var scored = scorer.PushRows(rows, explain: true);
                return (scored, scorer.State);
            });
            (next.Rows, next.Recent, next.Rest, next.Scores) = (scorerState.Rows, [.. scorerState.Recent], scorerState.Rest, [.. scorerState.Scores ?? []]);
        }

        var first = s.Rows;
        next.LastScores = [.. points.Select(p => p.Score)];
        next.LastFlags = [.. points.Select(p => p.Flag)];
        next.LastShares = [.. points.Select(p => SharesOf(p, served.Channels))];
        var answered = DateTime.UtcNow;
        var raised = points.Select((p, k) => (p, k)).Where(x => x.p.Flag)
            .Select(x => new StreamAlarm { Index = first + x.k, Time = times is not null && x.k < times.Length ? times[x.k] : "", Score = x.p.Score, Threshold = served.Threshold, Shares = next.LastShares[x.k], Answered = answered }).ToArray();
        next.Alarms = [.. s.Alarms.Concat(raised).TakeLast(StreamGrainState.MaxAlarms)];
        next.AlarmCount = s.AlarmCount + raised.Length;
        state.State = next;
        try
        {
            await state.WriteStateAsync(); // saved before the caller hears of it: a restart continues from here
        }
        catch (Exception e) when (e is not InconsistentStateException && e.InnerException is not InconsistentStateException)
        {
            // The store failed (a full disk, a store gone): the stream stays as stored, and the caller hears that nothing was kept.
            state.State = s;
            Forget(); // the detector ran ahead of what was stored
            log.LogError(e, "The state of stream {Stream} could not be saved; its {Rows} rows were answered 503 and not kept", this.GetPrimaryKeyString(), rows.Length);
            return new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.NotSaved, Model = model, Rows = s.Rows };
        }
        catch
        {
            state.State = s;
            Forget(); // the detector ran ahead of what was stored
            throw;
        }

        return new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.Scored, Model = model, Start = first, Scores = state.State.LastScores, Flags = state.State.LastFlags, Shares = state.State.LastShares, Threshold = served.Threshold, Rows = next.Rows, Filled = filled };
    }

    /// <summary>A point's explanation as its channels' shares in the model's channel order; empty when it has none.</summary>
    private static float[] SharesOf(StreamPoint point, IReadOnlyList<string> channels)
    {
        if (point.Explanation is not { } explanation)
        {
            return [];
        }

        var shares = explanation.ChannelShares.ToDictionary(s => s.Key, s => s.Value);
        return [.. channels.Select(c => (float)shares.GetValueOrDefault(c))];
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Forget();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Drops the active learning detector (disposing a refitted model it owns); the stored state stays.</summary>
    private void Forget()
    {
        learning?.Detector.Dispose();
        learning = null;
    }

    /// <inheritdoc />
    public async Task<StreamReply?> Delete()
    {
        var s = state.State;
        if (s.Model.Length == 0)
        {
            return null;
        }

        Forget();
        try
        {
            await state.ClearStateAsync();
        }
        catch (Exception e) when (e is not InconsistentStateException && e.InnerException is not InconsistentStateException)
        {
            state.State = s; // the store failed: the stream stays as stored
            log.LogError(e, "Stream {Stream} could not be deleted; it stays as stored, with {Rows} rows", this.GetPrimaryKeyString(), s.Rows);
            return new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.NotSaved, Model = s.Model, Rows = s.Rows };
        }

        state.State = new StreamGrainState();
        return new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.Scored, Model = s.Model, Rows = s.Rows, AlarmCount = s.AlarmCount };
    }

    /// <inheritdoc />
    public Task<StreamReply?> Describe()
    {
        var s = state.State;
        if (s.Model.Length == 0)
        {
            return Task.FromResult<StreamReply?>(null);
        }

        // Its next request learns when this node serves its model learning; what it learnt counts only if made from the same bundle.
        var served = models.Find(s.Model);
        var learns = served is { Learns: true };
        var refits = learns && s.Learning.Length > 0 && s.Fingerprint == served!.Fingerprint ? s.LearntRefits : 0;
        return Task.FromResult<StreamReply?>(new StreamReply { Node = RuntimeIdentity, Outcome = StreamOutcome.Scored, Model = s.Model, Rows = s.Rows, Threshold = s.LastThreshold, Learning = learns, Refits = refits, Alarms = s.Alarms, AlarmCount = s.AlarmCount });
    }
}
