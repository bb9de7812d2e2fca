using Spectre.Console;

namespace VaeAnomaly.Cli.Console;

/// <summary>The process's console, widened when output goes to a file or a CI log (Spectre assumes 80 columns there).</summary>
internal static class Terminal
{
    private const int RedirectedWidth = 120;

    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>
    /// A console over the error stream, as wide as the command's own console: failures are reported there, so a command
    /// whose output is data (<c>score --follow --out -</c>) never gets a message mixed into it. Colour only on a terminal.
    /// </summary>
    /// <param name="writer">The error stream (standard error, or a test's writer).</param>
    /// <param name="width">The width of the command's console.</param>
    public static IAnsiConsole Errors(TextWriter writer, int width)
    {
        var output = new AnsiConsoleOutput(writer);
        var errors = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = output,
            Ansi = output.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        errors.Profile.Width = width;
        return errors;
    }
}
