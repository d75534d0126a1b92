import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { removeDir, runCli, tempDir } from "./helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const badInputs: { name: string; args: string[]; field: RegExp; extra?: () => void }[] = [
  { name: "unknown home type", args: ["--mix", "castle=1"], field: /homeTypeMix\.castle.*unknown home type/ },
  {
    name: "mix not summing to 1",
    args: ["--mix", "apartment=0.5,studio=0.4"],
    field: /homeTypeMix: shares sum to 0\.9/,
  },
  { name: "days ≤ 0", args: ["--days", "0"], field: /days: must be at least 1/ },
  { name: "negative days", args: ["--days", "-3"], field: /days: must be at least 1/ },
  {
    name: "unknown timezone",
    args: ["--timezones", "Mars/Olympus_Mons"],
    field: /timezones\.0: "Mars\/Olympus_Mons" is not an IANA time zone/,
  },
  { name: "non-integer seed", args: ["--seed", "1.5"], field: /seed: must be a whole number/ },
  { name: "non-numeric seed", args: ["--seed", "abc"], field: /--seed: "abc" is not a number/ },
  { name: "bad start date", args: ["--start", "2025-02-30"], field: /start: must be a calendar date/ },
  { name: "unknown config key", args: ["--config", "CONFIG"], field: /config\.colour: unknown setting/ },
];

for (const bad of badInputs) {
  test(`bad input (${bad.name}) exits non-zero with one line naming the field, and writes nothing`, () => {
    const dir = join(root, `bad-${bad.name.replace(/\W+/g, "_")}`);
    mkdirSync(dir);
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ homes: 2, colour: "blue" }));
    const args = bad.args.map((a) => (a === "CONFIG" ? config : a));
    const out = join(dir, "out");
    const r = runCli(["generate", "--homes", "2", "--days", "3", ...args, "--out", out]);
    assert.is.not(r.status, 0);
    const lines = r.stderr.trim().split("\n");
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: /);
    assert.match(lines[0], bad.field);
    assert.ok(!existsSync(out));
    assert.equal(readdirSync(dir), ["config.json"]);
  });
}

test("an unwritable output directory is refused before any work, leaving nothing", () => {
  const file = join(root, "a-file");
  writeFileSync(file, "x");
  const r = runCli(["generate", "--homes", "2", "--days", "3", "--out", join(file, "ds")]);
  assert.is(r.status, 2);
  assert.match(r.stderr.trim(), /^error: --out: cannot write under .*a-file/);
  assert.is(r.stderr.trim().split("\n").length, 1);
  const ro = join(root, "read-only");
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  const asRoot = process.getuid?.() === 0; // root ignores permission bits; the file case above covers it
  if (!asRoot) {
    const r2 = runCli(["generate", "--homes", "2", "--days", "3", "--out", join(ro, "ds")]);
    assert.is(r2.status, 2);
    assert.equal(readdirSync(ro), []);
  }
  const notEmpty = join(root, "not-empty");
  mkdirSync(notEmpty);
  writeFileSync(join(notEmpty, "thesis.txt"), "precious");
  const r3 = runCli(["generate", "--homes", "2", "--days", "3", "--out", notEmpty]);
  assert.is(r3.status, 2);
  assert.match(r3.stderr, /--out: .* is not empty and holds no homeforge dataset/);
  assert.equal(readdirSync(notEmpty), ["thesis.txt"]);
});

test("generate writes a dataset and reports it; config file, env and flags combine", () => {
  const config = join(root, "config.yaml");
  writeFileSync(config, "homes: 4\ndays: 5\nseed: 1\n");
  const out = join(root, "good");
  const r = runCli(["generate", "--config", config, "--days", "6", "--out", out], {
    HOMEFORGE_SEED: "9",
    HOMEFORGE_LINEAGE_DB: join(root, "lineage.sqlite"),
  });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /homes\s+4 rows/);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  assert.is(manifest.config.days, 6);
  assert.is(manifest.seed, 9);
});

test("info prints the backend, versions and the data and model directories", () => {
  const r = runCli(["info"], { HOMEFORGE_DATA_DIR: join(root, "d") });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /backend: (tensorflow|wasm|cpu)/);
  assert.match(r.stdout, /@tensorflow\/tfjs 4\.22\.0/);
  assert.ok(r.stdout.includes(`data:   ${join(root, "d")}`));
  const forced = runCli(["info"], { HOMEFORGE_BACKEND: "gpu" });
  assert.is(forced.status, 2);
  assert.match(forced.stderr.trim(), /^error: HOMEFORGE_BACKEND: "gpu" is not a backend/);
});

test.run();
