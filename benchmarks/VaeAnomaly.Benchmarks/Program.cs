using BenchmarkDotNet.Running;
using VaeAnomaly.Benchmarks;

// "throughput" (default): GRU-VAE training and scoring sequences/s beside libtorch's sgemm rate, in one run.
// Anything else goes to BenchmarkDotNet's switcher, e.g. `-- --filter *Metrics*`, in this process: a separate process
// would be built by BenchmarkDotNet without the build's patch of libLibTorchSharp.so (build/), and on Debian 12 every
// benchmark that touches libtorch failed to start in it.
if (args.Length == 0 || args[0] == "throughput")
{
    return Throughput.Run(args.Skip(1).ToArray());
}

BenchmarkSwitcher.FromAssembly(typeof(Throughput).Assembly).Run(args.Contains("--inProcess") ? args : [.. args, "--inProcess"]);
return 0;
