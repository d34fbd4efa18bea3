"""The stages of `scripts/generate`, in the order `generate.build` runs them:

load -> repair -> overlay -> validate -> normalize -> parse (openapi-python-client's parse,
and the repairs it calls for) -> model -> render -> header -> format (ruff) -> verify (an import
check in a child process) -> write (swap into place). `generate` strings them together; `check`
is `scripts/generate --check`, `golden` is `--update-golden`.
"""
