using System.CommandLine;
using VaeAnomaly.Cli;
using VaeAnomaly.Cli.Console;

using var signals = new TerminationSignals();
return await VaeAnomalyCli.Create(Terminal.Create()).Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token);
