using BenchmarkDotNet.Running;
using VaeAnomaly.Benchmarks;

// "throughput" (default): GRU-VAE training and scoring sequences/s beside libtorch's sgemm rate, in one run.
// Anything else goes to BenchmarkDotNet's switcher, e.g. `-- --filter *Metrics*`.
if (args.Length == 0 || args[0] == "throughput")
{
    return Throughput.Run(args.Skip(1).ToArray());
}

BenchmarkSwitcher.FromAssembly(typeof(Throughput).Assembly).Run(args);
return 0;
