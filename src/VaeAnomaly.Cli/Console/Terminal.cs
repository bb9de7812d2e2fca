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
}
