using VaeAnomaly.Data;

namespace VaeAnomaly.Study;

/// <summary>
/// A model's refusal of one file's data in a benchmark (a file shorter than its window, a series without a period for the
/// seasonal), named with that file: a benchmark reads many files, and the library's message knows none of them.
/// </summary>
internal static class FileRefusal
{
    /// <summary>Runs <paramref name="step"/>; an <see cref="ArgumentException"/> it throws becomes a <see cref="DataFormatException"/> naming <paramref name="file"/> and <paramref name="model"/>.</summary>
    /// <param name="file">The file the step reads.</param>
    /// <param name="model">The model, as named on the command line.</param>
    /// <param name="step">Fitting or scoring the file.</param>
    public static T Naming<T>(string file, string model, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(file, null, null, $"{model} cannot use it: {IO.Messages.Of(e)}");
        }
    }
}
