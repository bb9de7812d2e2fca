namespace VaeAnomaly.Server.Streams;

/// <summary>What a stream keeps between requests and across restarts: its model, its place, and its last answer.</summary>
[GenerateSerializer]
public sealed class StreamGrainState
{
    /// <summary>The model the stream was started with; empty before its first row.</summary>
    [Id(0)]
    public string Model { get; set; } = "";

    /// <summary>Rows scored so far; the next row's index.</summary>
    [Id(1)]
    public long Rows { get; set; }

    /// <summary>The last rows, oldest first, at most the model's lookback (<see cref="VaeAnomaly.Streaming.StreamState.Recent"/>).</summary>
    [Id(2)]
    public float[][] Recent { get; set; } = [];

    /// <summary>The index of the first row of the last answered request.</summary>
    [Id(3)]
    public long LastStart { get; set; }

    /// <summary>The scores of the last answered request, so that a retried request is answered again, not scored twice.</summary>
    [Id(4)]
    public float[] LastScores { get; set; } = [];

    /// <summary>The threshold of the last answered request.</summary>
    [Id(5)]
    public double LastThreshold { get; set; }

    /// <summary>Rows still to rest after the stream's latest alarm (<see cref="VaeAnomaly.Streaming.StreamState.Rest"/>).</summary>
    [Id(6)]
    public int Rest { get; set; }

    /// <summary>The flags of the last answered request (a resting row is not flagged, whatever its score).</summary>
    [Id(7)]
    public bool[] LastFlags { get; set; } = [];

    /// <summary>When the stream keeps learning: its <see cref="VaeAnomaly.Streaming.OnlineState"/> as JSON; empty otherwise.</summary>
    [Id(8)]
    public string Learning { get; set; } = "";

    /// <summary>When the stream keeps learning and has refitted: the model in use, its bundle folder zipped; empty otherwise.</summary>
    [Id(9)]
    public byte[] LearntModel { get; set; } = [];

    /// <summary>The refits done when <see cref="LearntModel"/> was saved: a new refit saves the model again.</summary>
    [Id(10)]
    public int LearntRefits { get; set; }

    /// <summary>The fingerprint of the bundle the stream learnt from (<see cref="ServedModel.Fingerprint"/>).</summary>
    [Id(11)]
    public string Fingerprint { get; set; } = "";

    /// <summary>Per row of the last answer: the watched channels' shares of a flagged row's score, in the model's channel order; empty for a row not explained.</summary>
    [Id(12)]
    public float[][] LastShares { get; set; } = [];

    /// <summary>The stream's latest alarms, oldest first, at most <see cref="MaxAlarms"/>.</summary>
    [Id(13)]
    public StreamAlarm[] Alarms { get; set; } = [];

    /// <summary>Every alarm the stream has raised since its first row (those kept in <see cref="Alarms"/> and those dropped).</summary>
    [Id(14)]
    public long AlarmCount { get; set; }

    /// <summary>When the stream flags by surprise without learning (<c>serve --flag-by surprise</c>): the earlier scores its surprise is judged against (<see cref="VaeAnomaly.Streaming.StreamState.Scores"/>); empty otherwise.</summary>
    [Id(15)]
    public float[] Scores { get; set; } = [];

    /// <summary>Most alarms a stream keeps: enough for an operator's look back, small beside the state saved with every answer.</summary>
    public const int MaxAlarms = 100;
}

/// <summary>One alarm of a stream: a flagged point, as it was answered.</summary>
[GenerateSerializer]
public sealed class StreamAlarm
{
    /// <summary>The point's index in the stream.</summary>
    [Id(0)]
    public long Index { get; set; }

    /// <summary>Its score.</summary>
    [Id(1)]
    public float Score { get; set; }

    /// <summary>The threshold it was flagged above.</summary>
    [Id(2)]
    public double Threshold { get; set; }

    /// <summary>The watched channels' shares of its score, in the model's channel order; empty when it was not explained.</summary>
    [Id(3)]
    public float[] Shares { get; set; } = [];

    /// <summary>When the service answered it (UTC).</summary>
    [Id(4)]
    public DateTime Answered { get; set; }

    /// <summary>The row's time as its request gave it (a CSV body's time column, as written); empty when it gave none.</summary>
    [Id(5)]
    public string Time { get; set; } = "";
}
