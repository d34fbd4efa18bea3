"""The release tools: upstream spec intake (`fetch`: fetch-spec, `sync`: sync-spec), what changed
(`specdiff`: spec-diff, `repairdiff`), the version gate (`gate`: version-gate), release notes
(`notes`: release-notes) and the wheel checks (`releasecheck`: check-wheel, lowest-constraints)."""
