namespace VaeAnomaly.Server.Http;

/// <summary>A request the service refuses: its HTTP status and a message for the client (never a stack trace).</summary>
/// <param name="status">The HTTP status code (4xx).</param>
/// <param name="message">What was wrong and what was expected.</param>
public sealed class ApiException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>The 1-based line of the body at fault, when known.</summary>
    public long? Line { get; init; }

    /// <summary>The column at fault, when known.</summary>
    public string? Column { get; init; }
}
