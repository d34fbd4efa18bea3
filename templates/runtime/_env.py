"""The environment variables chaser-core reads, in one place: the client, the command line and
`chaser-core mcp doctor` name them from here. No imports, so the CLI can read it at start-up."""

from __future__ import annotations

ENV_API_KEY = "CHASER_API_KEY"
ENV_BASE_URLS = ("CHASER_BASE_URL", "CHASER_API_URL")  # the first one set wins
ENV_ACCOUNT = "CHASER_ACCOUNT"
ENV_LOG = "CHASER_LOG"
# Every one of them (tests clear them all, so that the machine's own settings never leak in).
ENV_VARS = (ENV_API_KEY, *ENV_BASE_URLS, ENV_ACCOUNT, ENV_LOG)
