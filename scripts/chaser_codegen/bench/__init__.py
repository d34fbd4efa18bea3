"""`scripts/bench`: the benchmarks (`bench`, `bench_mcp`), the fan-out server and clients they
drive (`fanout`), and the synthetic specs of any size they generate from (`synthetic`)."""
