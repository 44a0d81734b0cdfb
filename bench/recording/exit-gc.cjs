// One full GC at exit (needs --expose-gc): what the exit profile read's forced GC costs, without the sampler.
process.on('exit', () => globalThis.gc());
