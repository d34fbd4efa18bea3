"""The chaser-core code generation pipeline, and the tools around it.

`scripts/generate` runs the stages of `pipeline/` in this order:

    load -> repair -> overlay -> validate -> normalize -> parse (openapi-python-client's parse,
    and the repairs it calls for) -> model -> render -> header -> format -> verify -> write

- `pipeline/`: one module (or sub-package) per stage: `load`, `repair/`, `overlay`, `validate`,
  `normalize`, `parse`, `model/`, `render/`; `generate` strings them together (header, format,
  verify and write are its last steps), `check` is `--check`, `golden` is `--update-golden`.
  `opc_compat/` is the only code that touches openapi-python-client (CONTRIBUTING.md).
- `release/`: fetch-spec and sync-spec (`fetch`, `sync`), spec-diff (`specdiff`, `repairdiff`),
  version-gate (`gate`), release-notes (`notes`), check-wheel and lowest-constraints
  (`releasecheck`).
- `bench/`: `scripts/bench` (`bench`, `bench_mcp`), the fan-out server (`fanout`) and the
  synthetic specs (`synthetic`).
- Shared by all: `errors`, `refs` ($ref decoding), `names` (Python names), `escaping` (spec text
  in generated code), `runtime_source` (facts whose home is templates/runtime/).

`cli` gives the commands their verbs (`python -m chaser_codegen generate`).
"""
