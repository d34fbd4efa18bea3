"""The chaser-core code generation pipeline.

load -> overlay -> validate -> normalize -> model -> low-level (openapi-python-client) -> render
-> format -> verify -> write. Each stage is a module of its own and can be tested alone; the
`generate` module strings them together, and `cli` gives them their verb-named commands.
"""
