namespace VaeAnomaly.Server.Streams;

/// <summary>How a stream answered a push.</summary>
public enum StreamOutcome
{
    /// <summary>The rows were scored (or a retried request was answered again).</summary>
    Scored,

    /// <summary>The stream was started with another model.</summary>
    OtherModel,

    /// <summary>The request's <c>start</c> is not the stream's next row, nor the start of its last answered request.</summary>
    OutOfOrder,

    /// <summary>The model is not served by this node.</summary>
    UnknownModel,

    /// <summary>The rows were scored but the stream's state could not be saved (a full disk, a store that failed): nothing of them was kept.</summary>
    NotSaved,

    /// <summary>A gap to carry a value into (<c>missing=ffill</c>) has no row before it: the stream has none yet. Nothing was scored.</summary>
    NothingToCarry,
}

/// <summary>The answer of a stream grain to a push.</summary>
[GenerateSerializer, Immutable]
public sealed class StreamReply
{
    /// <summary>What happened.</summary>
    [Id(0)]
    public StreamOutcome Outcome { get; init; }

    /// <summary>The stream's model.</summary>
    [Id(1)]
    public string Model { get; init; } = "";

    /// <summary>The index of the first scored row.</summary>
    [Id(2)]
    public long Start { get; init; }

    /// <summary>The rows' scores, in order.</summary>
    [Id(3)]
    public float[] Scores { get; init; } = [];

    /// <summary>The threshold the scores are flagged above.</summary>
    [Id(4)]
    public double Threshold { get; init; }

    /// <summary>Rows scored so far, after this request; the next row's index.</summary>
    [Id(5)]
    public long Rows { get; init; }

    /// <summary>Whether the rows had been scored before and this answer repeats that one.</summary>
    [Id(6)]
    public bool Repeated { get; init; }

    /// <summary>The node (silo) that answered.</summary>
    [Id(7)]
    public string Node { get; init; } = "";

    /// <summary>Each scored row's flag: above the threshold and not in a rest after an earlier alarm.</summary>
    [Id(8)]
    public bool[] Flags { get; init; } = [];

    /// <summary>Whether the stream keeps learning on this node (<c>serve --online on</c> and a model that can).</summary>
    [Id(9)]
    public bool Learning { get; init; }

    /// <summary>Refits the stream has made since it began learning from its bundle (0 when it does not learn).</summary>
    [Id(10)]
    public int Refits { get; init; }

    /// <summary>
    /// Per scored row: for a flagged row, the watched channels' shares of its score in the model's channel order (what
    /// <c>score --top</c> says of it); empty for a row not flagged, or when the model explains nothing.
    /// </summary>
    [Id(11)]
    public float[][] Shares { get; init; } = [];

    /// <summary>Of a description: the stream's latest alarms, oldest first (<see cref="StreamGrainState.Alarms"/>).</summary>
    [Id(12)]
    public StreamAlarm[] Alarms { get; init; } = [];

    /// <summary>Of a description: every alarm the stream has raised since its first row.</summary>
    [Id(13)]
    public long AlarmCount { get; init; }

    /// <summary>Gaps that took the value of the row before (<c>missing=ffill</c>); with <see cref="StreamOutcome.NothingToCarry"/>, the request's row (from 0) of the gap.</summary>
    [Id(14)]
    public int Filled { get; init; }

    /// <summary>With <see cref="StreamOutcome.NothingToCarry"/>: the column of the gap.</summary>
    [Id(15)]
    public string Column { get; init; } = "";
}
