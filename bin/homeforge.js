#!/usr/bin/env node
import { main } from "../dist/scripts/cli.js";
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs via `prepare`).
import { quietOnClosedPipe } from "../dist/scripts/cliSupport.js";

quietOnClosedPipe();

process.exitCode = await main(process.argv.slice(2));
