using System.Runtime.InteropServices;

namespace VaeAnomaly.Cli.Console;

/// <summary>
/// Turns the first Ctrl+C (SIGINT), SIGTERM or SIGHUP (the terminal closed: an ssh session dropped) into a cancellation
/// that the running command observes, so it stops cleanly and exits with 130; a second signal ends the process at once.
/// A run started under <c>nohup</c> keeps ignoring SIGHUP: .NET leaves a signal ignored when the process started with it
/// ignored. System.CommandLine's own handler is switched off (<c>ProcessTerminationTimeout = null</c>): it raced the
/// command and sometimes printed an unhandled exception.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration[] registrations;

    public TerminationSignals() =>
        registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        source.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (source.IsCancellationRequested)
        {
            return; // the second signal: let the process end
        }

        context.Cancel = true;
        source.Cancel();
    }
}
