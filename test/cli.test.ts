import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TRAINING_SETS } from "../lib/pipeline/analysis/collector.js";
import { EXPORTS } from "../lib/pipeline/exports/exportDataset.js";
import { EXPORT_NAMES, TRAINING_SET_NAMES } from "../scripts/commands/shared.js";
import { runCliInProcess } from "./helpers/cliInProcess.js";
import { removeDir, runCli, tempDir } from "./helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

/** `homeforge <args>` in this process, as runCli runs it (CI set), with `env` on top. */
const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCliInProcess(args, { env: { CI: "true", ...env } });

// Bad flags are a table run in process: test/badInput.test.ts. This one proves the real
// entry point (a child process: scripts/cli.ts through tsx) prints that one line and exits 2.
// It is this file's one spawn; everything else runs in process (runCliInProcess).
test("a bad flag through the real entry point: one line on stderr, exit 2, nothing written", async () => {
  const dir = join(root, "bad-flag");
  mkdirSync(dir);
  const r = runCli(["generate", "--homes", "0x10", "--out", join(dir, "out")], { HOMEFORGE_DATA_DIR: dir });
  assert.is(r.status, 2, r.stderr);
  assert.is(
    r.stderr,
    '--homes: "0x10" is not a whole number; pass plain digits, e.g. --homes 42\n'.replace(/^/, "error: "),
  );
  assert.equal(readdirSync(dir), []);
  const u = await cli(["generat"]);
  assert.is(u.code, 2);
  assert.match(
    u.stderr,
    /^error: homeforge: unknown command 'generat' \(Did you mean generate\?\); see `homeforge --help`\n$/,
  );
});

test("an unwritable output directory is refused before any work, leaving nothing", async () => {
  const file = join(root, "a-file");
  writeFileSync(file, "x");
  const r = await cli(["generate", "--homes", "2", "--days", "3", "--out", join(file, "ds")]);
  assert.is(r.code, 2);
  assert.match(r.stderr.trim(), /^error: --out: cannot write under .*a-file/);
  assert.is(r.stderr.trim().split("\n").length, 1);
  const ro = join(root, "read-only");
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  const asRoot = process.getuid?.() === 0; // root ignores permission bits; the file case above covers it
  if (!asRoot) {
    const r2 = await cli(["generate", "--homes", "2", "--days", "3", "--out", join(ro, "ds")]);
    assert.is(r2.code, 2);
    assert.equal(readdirSync(ro), []);
  }
  const notEmpty = join(root, "not-empty");
  mkdirSync(notEmpty);
  writeFileSync(join(notEmpty, "thesis.txt"), "precious");
  const r3 = await cli(["generate", "--homes", "2", "--days", "3", "--out", notEmpty]);
  assert.is(r3.code, 2);
  assert.match(r3.stderr, /--out: .* is not empty and holds no homeforge dataset/);
  assert.equal(readdirSync(notEmpty), ["thesis.txt"]);
});

test("generate writes a dataset and reports it; config file, env and flags combine", async () => {
  const config = join(root, "config.yaml");
  writeFileSync(config, "homes: 4\ndays: 5\nseed: 1\n");
  const out = join(root, "good");
  const r = await cli(["generate", "--config", config, "--days", "6", "--out", out], {
    HOMEFORGE_SEED: "9",
    HOMEFORGE_LINEAGE_DB: join(root, "lineage.sqlite"),
  });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /homes\s+4 rows/);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  assert.is(manifest.config.days, 6);
  assert.is(manifest.seed, 9);
});

test("info prints the backend, versions and the data and model directories", async () => {
  const r = await cli(["info"], { HOMEFORGE_DATA_DIR: join(root, "d") });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /backend: (tensorflow|wasm|cpu)/);
  assert.match(r.stdout, /@tensorflow\/tfjs 4\.22\.0/);
  assert.ok(r.stdout.includes(`data:   ${join(root, "d")}`));
  const forced = await cli(["info"], { HOMEFORGE_BACKEND: "gpu" });
  assert.is(forced.code, 2);
  assert.match(forced.stderr.trim(), /^error: HOMEFORGE_BACKEND: "gpu" is not a backend/);
});

// The help text names what --what and --for accept without loading the exporters and the
// collector (so `--help` starts fast); the names must be the real ones.
test("help lists the real export kinds and training sets", () => {
  assert.equal([...EXPORT_NAMES], Object.keys(EXPORTS));
  assert.equal([...TRAINING_SET_NAMES], Object.keys(TRAINING_SETS));
});

test.run();
