using System.CommandLine;
using Spectre.Console;
using VaeAnomaly.Cli.Console;
using VaeAnomaly.Data;
using VaeAnomaly.Persistence;
using VaeAnomaly.Training;

namespace VaeAnomaly.Cli.Commands;

/// <summary>Runs a command's work and turns expected failures into one clear message and an exit code.</summary>
internal static class CommandRunner
{
    /// <summary>Exit code of a run stopped by the user.</summary>
    public const int Cancelled = 130;

    /// <summary>Exit code of bad input, bad arguments or a failed run.</summary>
    public const int Failed = 1;

    /// <param name="console">The terminal the command reports its work on.</param>
    /// <param name="parsed">The parsed command line: failures and stops are reported on its error stream, never among a command's
    /// output (which may be the scores themselves, with <c>--out -</c>).</param>
    /// <param name="work">The command's work; returns the exit code.</param>
    /// <param name="ct">Ctrl+C.</param>
    public static async Task<int> RunAsync(IAnsiConsole console, ParseResult parsed, Func<CancellationToken, int> work, CancellationToken ct)
    {
        var errors = Terminal.Errors(parsed.InvocationConfiguration.Error, console.Profile.Width);
        try
        {
            // Parallel runs (study, compare) wrap a failure in an AggregateException: report the first one as if thrown alone.
            return await Task.Run(() =>
            {
                try
                {
                    return work(ct);
                }
                catch (AggregateException e) when (e.InnerExceptions.Count > 0)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                    throw;
                }
            }, ct).ConfigureAwait(false);
        }
        catch (TrainingStoppedException e)
        {
            errors.MarkupLineInterpolated($"[yellow]Stopped[/] after epoch {e.EpochsDone}; nothing else was written. The checkpoint is kept in [bold]{e.CheckpointDirectory}[/]: run the same command with [bold]--resume[/] to continue.");
            return Cancelled;
        }
        catch (OperationCanceledException)
        {
            errors.MarkupLine("[yellow]Stopped.[/] Nothing was written.");
            return Cancelled;
        }
        catch (Exception e) when (e is DataFormatException or BundleException or ArgumentException or IOException or UnauthorizedAccessException or TrainingDivergedException or CheckpointException)
        {
            errors.MarkupLineInterpolated($"[red]error:[/] {MessageOf(e)}");
            return Failed;
        }
        catch (Exception e)
        {
            // Never a stack trace: a failure the commands did not foresee is a bug, said as one, with its own exit code.
            errors.MarkupLineInterpolated($"[red]internal error:[/] {e.GetType().Name}: {IO.Messages.Cut(e.Message, 400)} This is a bug in vae-anomaly; please report it with the command line that caused it.");
            return InternalError;
        }
    }

    /// <summary>Exit code of a failure no check foresaw (a bug): EX_SOFTWARE.</summary>
    public const int InternalError = 70;

    private static string MessageOf(Exception e) => e switch
    {
        ArgumentException a => IO.Messages.Of(a),
        IOException or UnauthorizedAccessException => IO.PartialOutput.ShowDestinations(e.Message), // "No space left on device : 'points.csv'", not its temporary name
        _ => e.Message,
    };
}
