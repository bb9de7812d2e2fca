using VaeAnomaly.Cli;
using VaeAnomaly.Cli.Console;

return await VaeAnomalyCli.Create(Terminal.Create()).Parse(args).InvokeAsync();
