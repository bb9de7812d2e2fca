using System.CommandLine;
using VaeAnomaly.Cli;
using VaeAnomaly.Cli.Console;

using var signals = new TerminationSignals();
return await VaeAnomalyCli.Parse(Terminal.Create(), args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token);
