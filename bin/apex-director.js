#!/usr/bin/env node
// Installed entry point: runs the bundled CLI built by `npm run build` (out/main/cli.js).
await import('../out/main/cli.js');
