#!/usr/bin/env node
// The bin pnpm links at install: a file of the repository, not of the build,
// so that it exists before the first build (pnpm warned "Failed to create bin").
import "../dist/cli.js";
