"""`scripts/bench`: the command and its registry of rows (`bench`); the rows by what they measure
(`regen`: generation, scaling and the no-op check; `client`: import, per-call, pagination,
fan-out; `bench_mcp`: the MCP bridge); what they share (`plan`, `process`, `stats`, `report`);
what runs in a fresh interpreter (`workers`); the servers they drive (`loopback`, `fanout`);
and the synthetic specs of any size they generate from (`synthetic`, `synthetic_schemas`)."""
