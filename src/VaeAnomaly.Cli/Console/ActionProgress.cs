namespace VaeAnomaly.Cli.Console;

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
/// <typeparam name="T">The report.</typeparam>
/// <param name="onReport">Called for each report.</param>
internal sealed class ActionProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}
