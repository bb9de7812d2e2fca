namespace VaeAnomaly.Server.Streams;

/// <summary>One monitored stream: its rows arrive in order, each is scored once, and its state survives restarts.</summary>
public interface IStreamGrain : IGrainWithStringKey
{
    /// <summary>Scores rows that continue the stream and saves the stream before answering.</summary>
    /// <param name="model">The model; the first push binds the stream to it.</param>
    /// <param name="rows">The rows, each in the model's column order, finite, or NaN for a gap when <paramref name="carry"/>.</param>
    /// <param name="start">
    /// The index the caller says its first row has, or null to append. A retry of the last answered request (same
    /// start, same count) is answered again without scoring twice.
    /// </param>
    /// <param name="times">Each row's time as the request gave it (kept with its alarm), or null when it gave none.</param>
    /// <param name="carry">
    /// Whether a gap (NaN) takes its column's value in the row before it, the stream's last row for the request's first
    /// rows (<c>missing=ffill</c>, as <c>score --follow --missing ffill</c>); a gap with no row before it is answered
    /// <see cref="StreamOutcome.NothingToCarry"/>, and nothing is scored.
    /// </param>
    Task<StreamReply> Push(string model, float[][] rows, long? start, string[]? times, bool carry);

    /// <summary>The stream's model, row count and latest alarms; null when it has never been pushed to.</summary>
    Task<StreamReply?> Describe();

    /// <summary>
    /// Deletes the stream from the store (its rows, alarms and what it learnt), so that its name starts a new stream, of any
    /// model. The answer says what it held (<see cref="StreamOutcome.NotSaved"/>: the store failed and the stream is as it
    /// was); null when it has never been pushed to or was deleted already.
    /// </summary>
    Task<StreamReply?> Delete();
}
