/**
 * Bad input, every subcommand: each row must exit 2 with exactly one line on stderr,
 * `error: <field>: <problem>; <fix>`, no stack, and leave nothing behind. Rows run in
 * process (test/helpers/cliInProcess.ts), each in a fresh working directory. Add rows freely:
 * they are data (see BadInputRow).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import Database from "better-sqlite3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type BadInputRow, fillPlaceholders, runCliInProcess } from "./helpers/cliInProcess.js";
import { removeDir, tempDir } from "./helpers/tmp.js";
import { toyModelVersion } from "./helpers/toyModel.js";

const root = tempDir("homeforge-bad-input-");
const shared = join(root, "shared");
/** Shared fixtures, made once (see the test.before below); rows name them as `{key}`. */
const fixtures = {
  dataset: join(shared, "ds"),
  lineage: join(shared, "lineage.sqlite"),
  file: join(shared, "a-file"),
  dir: join(shared, "a-dir"),
  garbage: join(shared, "garbage.sqlite"),
  other: join(shared, "other.sqlite"),
  badjson: join(shared, "bad.json"),
  list: join(shared, "list.json"),
  colour: join(shared, "colour.json"),
};

const NOT_WHOLE = (flag: string, text: string) =>
  new RegExp(`^error: ${flag}: "${escapeRegExp(text)}" is not a whole number; pass plain digits`);
const NOT_DECIMAL = (flag: string, text: string) =>
  new RegExp(`^error: ${flag}: "${escapeRegExp(text)}" is not a number; pass a plain decimal number`);
const EMPTY = (flag: string) => new RegExp(`^error: ${flag}: the value is empty; pass a value`);
const UNKNOWN_OPTION = (command: string, option: string) =>
  new RegExp(`^error: ${command}: unknown option '${option}'; see \`${command} --help\`$`);
const TOO_MANY = (command: string) => new RegExp(`^error: ${command}: too many arguments`);
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A user's own directory with a look-alike homeforge file in it (`marker`), notes.txt and src/. */
function foreignApp(marker: string): (cwd: string) => void {
  return (cwd) => {
    mkdirSync(join(cwd, "app", "src"), { recursive: true });
    writeFileSync(join(cwd, "app", marker), '{"name": "app"}');
    writeFileSync(join(cwd, "app", "notes.txt"), "hi");
  };
}

/** A copy of the shared dataset in `cwd/ds`, to damage. */
function copyDataset(cwd: string): string {
  const dir = join(cwd, "ds");
  cpSync(fixtures.dataset, dir, { recursive: true });
  return dir;
}

function flipByte(file: string): void {
  const bytes = readFileSync(file);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(file, bytes);
}

function damagedArgs(command: "collect" | "export" | "train", dataset: string): string[] {
  if (command === "collect") return ["collect", "--dataset", dataset, "--for", "failure", "--no-lineage"];
  if (command === "export")
    return [
      "export",
      "--dataset",
      dataset,
      "--what",
      "device-intelligence",
      "--format",
      "json",
      "--no-lineage",
    ];
  return ["train", "--dataset", dataset, "--models", join(dataset, "..", "models"), "--no-lineage"];
}

/** Keeps a run cheap should a check ever regress and let it through. */
const SMALL = ["--homes", "1", "--days", "1"];
const g = (...args: string[]) => ["generate", ...args];
const exp = (...args: string[]) => ["export", "--dataset", "{dataset}", ...args];
const col = (...args: string[]) => ["collect", "--dataset", "{dataset}", ...args];
const lin = (...args: string[]) => ["lineage", "--db", "{lineage}", ...args];
const tr = (...args: string[]) => ["train", "--dataset", "{dataset}", ...args];
const pr = (...args: string[]) => ["predict", "--dataset", "{dataset}", ...args];
const ab = (...args: string[]) => ["ab", ...args];
const abd = (...args: string[]) => ["ab", "--dataset", "{dataset}", ...args];

export const BAD_INPUTS: BadInputRow[] = [
  // ── top level
  { args: ["nosuch"], error: /^error: homeforge: unknown command 'nosuch'; see `homeforge --help`$/ },
  { args: ["generat"], error: /^error: homeforge: unknown command 'generat' \(Did you mean generate\?\)/ },
  { args: [], error: /^error: homeforge: no command given; pass one of generate, merge, export/ },
  { args: ["--nope"], error: UNKNOWN_OPTION("homeforge", "--nope") },

  // ── generate --shard and the Indexed Job's variables; merge
  {
    args: g(...SMALL, "--shard", "4/4"),
    error: /^error: --shard: --shard 4\/4: shard index 4 is not below the count 4/,
  },
  { args: g(...SMALL, "--shard", "x"), error: /^error: --shard: "x" is not INDEX\/COUNT/ },
  {
    args: g(...SMALL),
    env: { JOB_COMPLETION_INDEX: "1" },
    error: /^error: JOB_COMPLETIONS: is unset while JOB_COMPLETION_INDEX is set/,
  },
  {
    args: g(...SMALL),
    env: { JOB_COMPLETION_INDEX: "2", JOB_COMPLETIONS: "2" },
    error: /^error: JOB_COMPLETION_INDEX: .*shard index 2 is not below the count 2/,
  },
  {
    args: ["merge", "{cwd}/merged", "{dataset}"],
    error: /^error: SHARD_DIR: .* is not a homeforge shard manifest/,
  },
  {
    args: ["merge", "{cwd}/merged", "{cwd}/nosuch-*"],
    error: /^error: SHARD_DIR: .*nosuch-\* matches no directory/,
  },

  // ── generate: numbers (plain digits only; range checks name the config field)
  { args: g("--homes", "0x10"), error: NOT_WHOLE("--homes", "0x10") },
  { args: g("--homes", "1e1"), error: NOT_WHOLE("--homes", "1e1") },
  { args: g("--homes", "1.5"), error: NOT_WHOLE("--homes", "1.5") },
  { args: g("--homes", "abc"), error: NOT_WHOLE("--homes", "abc") },
  { args: g("--homes", " 4"), error: NOT_WHOLE("--homes", " 4") },
  { args: g("--homes", "+4"), error: NOT_WHOLE("--homes", "+4") },
  { args: g("--homes", "Infinity"), error: NOT_WHOLE("--homes", "Infinity") },
  { args: g("--homes", "12abc"), error: NOT_WHOLE("--homes", "12abc") },
  { args: g("--homes", ""), error: EMPTY("--homes") },
  { args: g("--homes", "0"), error: /^error: config\.homes: must be at least 1/ },
  { args: g("--homes", "-3"), error: /^error: config\.homes: must be at least 1/ },
  { args: g("--homes", "10000001"), error: /^error: config\.homes: must be at most 10,000,000/ },
  { args: g("--homes"), error: /^error: homeforge generate: option '--homes <n>' argument missing/ },
  { args: g("--days", "0"), error: /^error: config\.days: must be at least 1/ },
  { args: g("--days", "-3"), error: /^error: config\.days: must be at least 1/ },
  { args: g("--days", "100000"), error: /^error: config\.days: must be at most 3660/ },
  { args: g("--days", "1.5"), error: NOT_WHOLE("--days", "1.5") },
  { args: g("--seed", "1.5"), error: NOT_WHOLE("--seed", "1.5") },
  { args: g("--seed", "abc"), error: NOT_WHOLE("--seed", "abc") },
  { args: g("--seed", "0x2A"), error: NOT_WHOLE("--seed", "0x2A") },
  { args: g("--seed", "99999999999999999999"), error: /^error: --seed: "99999999999999999999" is too large/ },
  { args: g("--seed", "4294967296"), error: /^error: config\.seed: must be below 2\^32/ },
  { args: g("--seed", "-1"), error: /^error: config\.seed: must be 0 or more/ },
  { args: g(...SMALL), env: { HOMEFORGE_SEED: "0x10" }, error: NOT_WHOLE("HOMEFORGE_SEED", "0x10") },
  { args: g(...SMALL), env: { HOMEFORGE_SEED: "1e3" }, error: NOT_WHOLE("HOMEFORGE_SEED", "1e3") },
  { args: g(...SMALL), env: { HOMEFORGE_SEED: "abc" }, error: NOT_WHOLE("HOMEFORGE_SEED", "abc") },
  { args: g("--workers", "0"), error: /^error: config\.workers: must be at least 1/ },
  { args: g("--workers", "300"), error: /^error: config\.workers: must be at most 256/ },
  { args: g("--workers", "2.5"), error: NOT_WHOLE("--workers", "2.5") },
  { args: g("--worker-heap-mb", "1"), error: /^error: config\.workerHeapMb: must be at least 64 MB/ },
  { args: g("--worker-heap-mb", "0x100"), error: NOT_WHOLE("--worker-heap-mb", "0x100") },
  { args: g("--cache-ttl", "0"), error: /^error: config\.cacheTtlHours: must be more than 0 hours/ },
  { args: g("--cache-ttl", "-1"), error: /^error: config\.cacheTtlHours: must be more than 0 hours/ },
  { args: g("--cache-ttl", "1e3"), error: NOT_DECIMAL("--cache-ttl", "1e3") },
  { args: g("--cache-ttl", "Infinity"), error: NOT_DECIMAL("--cache-ttl", "Infinity") },
  { args: g("--cache-ttl", "0x10"), error: NOT_DECIMAL("--cache-ttl", "0x10") },
  { args: g("--cache-ttl", "1.5.2"), error: NOT_DECIMAL("--cache-ttl", "1.5.2") },
  { args: g("--min-devices", "-1"), error: /^error: config\.validation\.minDevices: must be 0 or more/ },
  { args: g("--min-devices", "1.5"), error: NOT_WHOLE("--min-devices", "1.5") },
  { args: g("--min-events", "1e2"), error: NOT_WHOLE("--min-events", "1e2") },
  // ── generate: other values
  { args: g("--start", "2025-13-01"), error: /^error: config\.start: must be a calendar date/ },
  { args: g("--start", "2025-02-30"), error: /^error: config\.start: must be a calendar date/ },
  { args: g("--start", "01/02/2025"), error: /^error: config\.start: must be a calendar date/ },
  { args: g("--format", "xml"), error: /^error: config\.format: must be "parquet" or "arrow"/ },
  { args: g("--mix", ""), error: EMPTY("--mix") },
  { args: g("--mix", "castle=1"), error: /^error: config\.homeTypeMix\.castle: unknown home type "castle"/ },
  { args: g("--mix", "apartment=0.5,studio=0.4"), error: /^error: config\.homeTypeMix: shares sum to 0\.9/ },
  { args: g("--mix", "apartment=0.5=9,studio=0.5"), error: /^error: --mix: cannot read "apartment=0\.5=9"/ },
  { args: g("--mix", "apartment=0.5,apartment=0.5"), error: /^error: --mix: "apartment" is given twice/ },
  { args: g("--mix", "apartment=1,"), error: /^error: --mix: cannot read ""/ },
  { args: g("--mix", "apartment"), error: /^error: --mix: cannot read "apartment"/ },
  { args: g("--mix", "apartment=0x1"), error: /^error: --mix: cannot read "apartment=0x1"/ },
  { args: g("--mix", "apartment=1e0"), error: /^error: --mix: cannot read "apartment=1e0"/ },
  { args: g("--mix", "=1"), error: /^error: --mix: cannot read "=1"/ },
  { args: g("--size-mix", ""), error: EMPTY("--size-mix") },
  { args: g("--size-mix", "huge=1"), error: /^error: config\.sizeMix\.huge: unknown size category "huge"/ },
  { args: g("--size-mix", "small=0.5,medium=0.4"), error: /^error: config\.sizeMix: shares sum to 0\.9/ },
  {
    args: g("--size-mix", "small=-0.5,medium=1.5"),
    error: /^error: config\.sizeMix\.small: must be a number between 0 and 1/,
  },
  {
    args: g("--size-mix", "small=1e0"),
    error: /^error: --size-mix: cannot read "small=1e0"; write it as size=share/,
  },
  { args: g("--size-mix", "small=0.5,small=0.5"), error: /^error: --size-mix: "small" is given twice/ },
  { args: g("--timezones", ""), error: EMPTY("--timezones") },
  {
    args: g("--timezones", "Europe/Berlin,,"),
    error: /^error: --timezones: "Europe\/Berlin,," has an empty entry/,
  },
  {
    args: g("--timezones", ",Europe/Berlin"),
    error: /^error: --timezones: ",Europe\/Berlin" has an empty entry/,
  },
  {
    args: g("--timezones", "Mars/Olympus_Mons"),
    error: /^error: config\.timezones\.0: "Mars\/Olympus_Mons" is not an IANA time zone/,
  },
  { args: g("--config", "{dir}"), error: /^error: --config: cannot read .*a-dir/ },
  { args: g("--config", "{cwd}/nope.json"), error: /^error: --config: cannot read .*nope\.json/ },
  { args: g("--config", "{badjson}"), error: /^error: --config: .*bad\.json is not a valid config object/ },
  { args: g("--config", "{list}"), error: /^error: --config: .*list\.json is not a valid config object/ },
  { args: g("--config", "{colour}"), error: /^error: config\.colour: unknown setting/ },
  { args: g("--config", ""), error: EMPTY("--config") },
  { args: g("--out", "{file}"), error: /^error: --out: .*a-file is a file/ },
  { args: g("--out", "{file}/ds"), error: /^error: --out: cannot write under .*a-file/ },
  { args: g("--out", ""), error: EMPTY("--out") },
  { args: g("--lineage-db", ""), error: EMPTY("--lineage-db") },
  { args: g("--nope"), error: UNKNOWN_OPTION("homeforge generate", "--nope") },
  { args: g("extra"), error: TOO_MANY("homeforge generate") },

  // ── export
  { args: ["export"], error: /^error: homeforge export: required option '--dataset <id>' not specified/ },
  { args: exp(), error: /^error: homeforge export: required option '--what <w>' not specified/ },
  { args: exp("--what", "nope", "--format", "json"), error: /^error: --what: "nope" is not an export/ },
  {
    args: exp("--what", "constructor", "--format", "json"),
    error: /^error: --what: "constructor" is not an export/,
  },
  {
    args: exp("--what", "gnn", "--format", "xml"),
    error: /^error: --format: "xml" is not a format of --what gnn/,
  },
  {
    args: ["export", "--dataset", "nope", "--what", "gnn", "--format", "json"],
    error: /^error: --dataset: no dataset "nope"/,
  },
  {
    args: ["export", "--dataset", "{dir}", "--what", "gnn", "--format", "json"],
    error: /^error: --dataset: /,
  },
  { args: ["export", "--dataset", "", "--what", "gnn", "--format", "json"], error: EMPTY("--dataset") },
  {
    args: exp("--what", "gnn", "--format", "json", "--lineage-db", "{garbage}"),
    error: /^error: lineage: cannot open the lineage store .*garbage\.sqlite/,
  },
  {
    args: exp("--what", "gnn", "--format", "json", "--nope"),
    error: UNKNOWN_OPTION("homeforge export", "--nope"),
  },

  // ── collect
  { args: ["collect"], error: /^error: homeforge collect: required option '--dataset <id>' not specified/ },
  { args: col("--for", "nope"), error: /^error: --for: "nope" is not a training set/ },
  {
    args: col("--for", "failure", "--out", "{cwd}/nonexistent/x.parquet"),
    error: /^error: --out: cannot write .*x\.parquet: .*nonexistent does not exist/,
  },
  { args: col("--for", "failure", "--out", "/nonexistent/x.parquet"), error: /^error: --out: cannot write / },
  { args: col("--for", "failure", "--out", "{dir}"), error: /^error: --out: .*a-dir is a directory/ },
  {
    args: col("--for", "failure", "--out", "{file}/x.parquet"),
    error: /^error: --out: cannot write .*a-file is a file, not a directory/,
  },
  { args: col("--for", "failure", "--out", ""), error: EMPTY("--out") },
  {
    args: col("--for", "failure", "--thresholds", "{badjson}"),
    error: /^error: --thresholds: .*bad\.json is not a valid config object/,
  },
  { args: col("--for", "failure", "--thresholds", "{dir}"), error: /^error: --thresholds: cannot read/ },
  {
    args: col("--for", "failure", "--thresholds", "{cwd}/none.yaml"),
    error: /^error: --thresholds: cannot read/,
  },
  {
    args: col("--for", "failure", "--thresholds", "{cwd}/t.json"),
    setup: (cwd) => writeFileSync(join(cwd, "t.json"), JSON.stringify({ patterns: { minOccurrences: 1.5 } })),
    error: /^error: thresholds\.patterns\.minOccurrences: must be a whole number/,
  },
  {
    args: ["collect", "--dataset", "nope", "--for", "failure"],
    error: /^error: --dataset: no dataset "nope"/,
  },

  // ── lineage (queries open the store read-only: they create nothing)
  { args: ["lineage"], error: /^error: homeforge lineage: no command given; pass one of runs/ },
  { args: ["lineage", "nosuch"], error: /^error: homeforge lineage: unknown command 'nosuch'/ },
  { args: lin("runs", "--limit", "1.5"), error: NOT_WHOLE("--limit", "1.5") },
  { args: lin("runs", "--limit", "1e20"), error: NOT_WHOLE("--limit", "1e20") },
  { args: lin("runs", "--limit", "0x10"), error: NOT_WHOLE("--limit", "0x10") },
  { args: lin("runs", "--limit", "abc"), error: NOT_WHOLE("--limit", "abc") },
  {
    args: lin("runs", "--limit", "-1"),
    error: /^error: --limit: -1 is below 1; pass a whole number between 1 and 1000000$/,
  },
  { args: lin("runs", "--limit", "0"), error: /^error: --limit: 0 is below 1/ },
  { args: lin("runs", "--limit", "1000001"), error: /^error: --limit: 1000001 is above 1000000/ },
  {
    args: ["lineage", "--db", "{cwd}/no/such/dir/x.sqlite", "runs"],
    error: /^error: --db: no lineage database at .*x\.sqlite; run homeforge generate first or pass --db/,
  },
  { args: ["lineage", "runs"], error: /^error: HOMEFORGE_LINEAGE_DB: no lineage database at / },
  { args: ["lineage", "chain", "x"], error: /^error: HOMEFORGE_LINEAGE_DB: no lineage database at / },
  {
    args: ["lineage", "--db", "{garbage}", "runs"],
    error: /^error: --db: .*garbage\.sqlite is not a readable homeforge lineage database/,
  },
  {
    args: ["lineage", "--db", "{garbage}", "export"],
    error: /^error: --db: .* is not a readable homeforge lineage/,
  },
  {
    args: ["lineage", "--db", "{dir}", "runs"],
    error: /^error: --db: .*a-dir is not a readable homeforge lineage/,
  },
  {
    args: ["lineage", "--db", "{other}", "runs"],
    error: /^error: --db: .*other\.sqlite is not a readable .*no such table/,
  },
  { args: ["lineage", "--db", "", "runs"], error: EMPTY("--db") },
  {
    args: lin("export", "--out", "{cwd}/nonexistent/x.json"),
    error: /^error: --out: cannot write .*x\.json: .*nonexistent does not exist/,
  },
  { args: lin("export", "--out", "/nonexistent/x.json"), error: /^error: --out: cannot write / },
  { args: lin("export", "--out", "{dir}"), error: /^error: --out: .*a-dir is a directory/ },
  { args: lin("export", "--out", "{file}/x.json"), error: /^error: --out: cannot write .*a-file is a file/ },
  { args: lin("chain", "nope"), error: /^error: lineage: no completed run produced "nope"/ },
  { args: lin("produced-by", "nope"), error: /^error: lineage: no completed run produced "nope"/ },
  {
    args: lin("produced-by", ""),
    error: /^error: homeforge lineage produced-by <artifact>: the value is empty/,
  },
  { args: lin("chain"), error: /^error: homeforge lineage chain: missing required argument 'artifact'/ },
  { args: lin("--models", "{file}", "chain", "x@production"), error: /^error: --models: .*a-file is a file/ },
  { args: lin("chain", "x@production"), error: /^error: model: no model named "x"/ },
  { args: lin("runs", "--nope"), error: UNKNOWN_OPTION("homeforge lineage runs", "--nope") },
  {
    args: lin("runs", "--kind", "gnn"),
    error:
      /^error: --kind: "gnn" is neither a model kind nor a model name lineage knows; use a kind \(failure_classifier, failure_router, synergy_gnn\)/,
  },

  // ── pipeline (flags are checked before anything is generated)
  { args: ["pipeline", "--homes", "0x10"], error: NOT_WHOLE("--homes", "0x10") },
  { args: ["pipeline", "--homes", "0"], error: /^error: --homes: 0 is below 1/ },
  { args: ["pipeline", "--days", "1e1"], error: NOT_WHOLE("--days", "1e1") },
  { args: ["pipeline", "--days", "100000"], error: /^error: config\.days: must be at most 3660/ },
  { args: ["pipeline", "--seed", "abc"], error: NOT_WHOLE("--seed", "abc") },
  { args: ["pipeline", "--seed", "4294967296"], error: /^error: --seed: 4294967296 is above 4294967295/ },
  { args: ["pipeline", "--epochs", "0"], error: /^error: --epochs: 0 is below 1/ },
  { args: ["pipeline", "--epochs", "1.5"], error: NOT_WHOLE("--epochs", "1.5") },
  { args: ["pipeline", "--epochs", "10001"], error: /^error: --epochs: 10001 is above 10000/ },
  { args: ["pipeline", "--workers", "0"], error: /^error: --workers: 0 is below 1/ },
  {
    args: ["pipeline", "--models", "{file}"],
    error: /^error: --models: .*a-file is a file, not a directory/,
  },
  { args: ["pipeline", ...SMALL, "--models", ""], error: EMPTY("--models") },
  {
    args: ["pipeline", ...SMALL, "--epochs", "1"],
    env: { HOMEFORGE_SEED: "1e3" },
    error: NOT_WHOLE("HOMEFORGE_SEED", "1e3"),
  },
  {
    args: ["pipeline", ...SMALL, "--epochs", "1"],
    env: { HOMEFORGE_MODELS_DIR: "{file}" },
    error: /^error: HOMEFORGE_MODELS_DIR: .*a-file is a file/,
  },
  { args: ["pipeline", "--nope"], error: UNKNOWN_OPTION("homeforge pipeline", "--nope") },
  { args: ["pipeline", "extra"], error: TOO_MANY("homeforge pipeline") },

  // ── train
  {
    args: ["train"],
    error: /^error: --dataset: no dataset given; pass --dataset ID\|DIR, or --training-set FILE/,
  },
  { args: tr("--epochs", "0"), error: /^error: --epochs: 0 is below 1/ },
  { args: tr("--epochs", "1.5"), error: NOT_WHOLE("--epochs", "1.5") },
  { args: tr("--epochs", "1e2"), error: NOT_WHOLE("--epochs", "1e2") },
  { args: tr("--seed", "-1"), error: /^error: --seed: -1 is below 0/ },
  { args: tr("--seed", "0x10"), error: NOT_WHOLE("--seed", "0x10") },
  { args: tr("--seed", "4294967296"), error: /^error: --seed: 4294967296 is above 4294967295/ },
  { args: tr("--models", "{file}"), error: /^error: --models: .*a-file is a file, not a directory/ },
  { args: tr("--models", "{file}/sub"), error: /^error: --models: cannot create .*sub: .*a-file is a file/ },
  { args: ["train", "--dataset", "nope"], error: /^error: --dataset: no dataset "nope"/ },
  { args: ["train", "--dataset", "{dir}"], error: /^error: --dataset: .*a-dir holds no manifest\.json/ },
  { args: ["train", "--dataset", "{file}"], error: /^error: --dataset: .*a-file holds no manifest\.json/ },
  { args: ["train", "--dataset", ""], error: EMPTY("--dataset") },
  { args: tr("--nope"), error: UNKNOWN_OPTION("homeforge train", "--nope") },

  { args: tr("--bootstrap-resamples", "99"), error: /^error: --bootstrap-resamples: 99 is below 100/ },
  { args: tr("--bootstrap-resamples", "1e3"), error: NOT_WHOLE("--bootstrap-resamples", "1e3") },
  { args: tr("--bootstrap-resamples", ""), error: EMPTY("--bootstrap-resamples") },
  {
    args: ["pipeline", "--bootstrap-resamples", "2000000"],
    error: /^error: --bootstrap-resamples: 2000000 is above 1000000/,
  },
  { args: ["pipeline", "--bootstrap-resamples", "0x64"], error: NOT_WHOLE("--bootstrap-resamples", "0x64") },

  // ── report (one of --dataset and --model; the destination is checked before any work)
  {
    args: ["report"],
    error:
      /^error: --dataset: nothing to report on; homeforge report --dataset ID\|DIR, or homeforge report --model/,
  },
  {
    args: ["report", "--dataset", "{dataset}", "--model", "failure-router"],
    error: /^error: --model: pass one of --dataset and --model, not both/,
  },
  { args: ["report", "--dataset", "nope"], error: /^error: --dataset: no dataset "nope"/ },
  {
    args: ["report", "--dataset", "{dataset}", "--out", "{dir}"],
    error: /^error: --out: .*a-dir is a directory/,
  },
  { args: ["report", "--model", "nope"], error: /^error: --model: no model named "nope"/ },
  {
    args: ["report", "--model", "failure-router@latest"],
    error: /^error: --model: "latest" .*is not a version reference/,
  },
  // ── predict (destination, registry, dataset and model are checked before the data is read)
  {
    args: pr("--models", "{cwd}/models"),
    error: /^error: homeforge predict: required option '--out <file>' not specified/,
  },
  { args: pr("--out", "{cwd}/p.parquet"), error: /^error: model: no model named "failure-router" in / },
  {
    args: pr("--model", "nosuch", "--out", "{cwd}/p.parquet"),
    error: /^error: model: no model named "nosuch" in /,
  },
  {
    args: pr("--model", "failure-global@latest", "--out", "{cwd}/p.parquet"),
    error:
      /^error: --model: "latest" in "failure-global@latest" is not a version reference; after @ pass production, candidate/,
  },
  {
    args: pr("--model", "failure global", "--out", "{cwd}/p.parquet"),
    error: /^error: --model: "failure global" is not a model reference; pass NAME or NAME@REF/,
  },
  { args: pr("--model", "", "--out", "{cwd}/p.parquet"), error: EMPTY("--model") },
  {
    args: ["predict", "--dataset", "nope", "--out", "{cwd}/p.parquet"],
    error: /^error: --dataset: no dataset "nope"/,
  },
  {
    args: ["predict", "--dataset", "{dir}", "--out", "{cwd}/p.parquet"],
    error: /^error: --dataset: .*a-dir holds no manifest\.json/,
  },
  { args: pr("--out", "{dir}"), error: /^error: --out: .*a-dir is a directory; pass a file path/ },
  { args: pr("--out", "{cwd}/no/such/p.parquet"), error: /^error: --out: cannot write .*does not exist/ },
  {
    args: pr("--out", "{cwd}/p.parquet", "--models", "{file}"),
    error: /^error: --models: .*a-file is a file/,
  },
  { args: pr("--out", "{cwd}/p.parquet", "--nope"), error: UNKNOWN_OPTION("homeforge predict", "--nope") },
  {
    name: "predict with a model that is not a failure router or classifier",
    setup: (cwd) => toyModelVersion(join(cwd, "models", "failure-router", "v1")),
    args: pr("--model", "failure-router@1", "--out", "{cwd}/p.parquet"),
    error: /^error: --model: failure-router v1 is a toy model, not a failure router or classifier/,
  },

  // ── ab (flags, registry and refs are checked before any data is read)
  { args: ["ab"], error: /^error: homeforge ab: required option '--model <name>' not specified/ },
  {
    args: ab("--model", "m"),
    error: /^error: --dataset: is required for an offline A\/B; pass a dataset id/,
  },
  { args: abd("--model", "m"), error: /^error: --model: no model named "m" in .*; train one first/ },
  {
    args: abd("--model", "m@production"),
    error: /^error: --model: "m@production" is not a model name; pass the registry name only/,
  },
  { args: abd("--model", "m", "--resamples", "5"), error: /^error: --resamples: 5 is below 100/ },
  { args: abd("--model", "m", "--seed", "-1"), error: /^error: --seed: -1 is below 0/ },
  { args: abd("--model", "m", "--models", "{file}"), error: /^error: --models: .*a-file is a file/ },
  { args: ab("--model", "m", "--dataset", "nope"), error: /^error: --model: no model named "m"/ },
  {
    name: "ab with a bad version reference",
    setup: (cwd) => toyModelVersion(join(cwd, "models", "toy", "v1")),
    args: abd("--model", "toy", "--a", "latest"),
    error: /^error: --a: "latest" is not a version reference; pass production, candidate, a version like v3/,
  },
  {
    name: "ab with a version that does not exist",
    setup: (cwd) => toyModelVersion(join(cwd, "models", "toy", "v1")),
    args: abd("--model", "toy", "--a", "1", "--b", "v7"),
    error: /^error: --b: toy has no version v7; use production, candidate or one of: v1$/,
  },
  {
    name: "ab with a model of a kind it cannot compare",
    setup: (cwd) => toyModelVersion(join(cwd, "models", "toy", "v1")),
    args: abd("--model", "toy", "--a", "1", "--b", "1"),
    error: /^error: --model: toy v1 is a toy model, which ab cannot compare; pass a failure router/,
  },
  { args: ab("--model", "m", "--store", "{file}"), error: /^error: --store: applies to --online only/ },
  {
    args: ab("--model", "m", "--online", "--dataset", "x"),
    error: /^error: --dataset: does not apply to --online/,
  },
  {
    args: ab("--model", "m", "--online"),
    error: /^error: --store: no A\/B experiment log at .*online\.sqlite; serve the model/,
  },
  {
    args: ab("--model", "m", "--online", "--store", "{file}"),
    error: /^error: --store: .*a-file is not an A\/B experiment log/,
  },
  { args: ab("--model", "m", "--nope"), error: UNKNOWN_OPTION("homeforge ab", "--nope") },

  // ── models
  { args: ["models"], error: /^error: homeforge models: no command given; pass one of list, show/ },
  { args: ["models", "nosuch"], error: /^error: homeforge models: unknown command 'nosuch'/ },
  { args: ["models", "--models", "{file}", "list"], error: /^error: --models: .*a-file is a file/ },
  { args: ["models", "--models", "{file}", "show", "x"], error: /^error: --models: .*a-file is a file/ },
  { args: ["models", "--models", "{file}", "promote", "x"], error: /^error: --models: .*a-file is a file/ },
  { args: ["models", "--models", "{file}", "check", "x"], error: /^error: --models: .*a-file is a file/ },
  { args: ["models", "--models", "{file}/sub", "list"], error: /^error: --models: cannot create / },
  {
    args: ["models", "list"],
    env: { HOMEFORGE_MODELS_DIR: "{file}" },
    error: /^error: HOMEFORGE_MODELS_DIR: /,
  },
  { args: ["models", "--models", "", "list"], error: EMPTY("--models") },
  { args: ["models", "show", "nope"], error: /^error: model: no model named "nope"/ },
  { args: ["models", "--models", "{file}", "status"], error: /^error: --models: .*a-file is a file/ },
  { args: ["models", "status", "nope"], error: /^error: model: no model named "nope"/ },
  { args: ["models", "version", "nope"], error: /^error: model: no model named "nope"/ },
  {
    args: ["models", "version", "--ref", "latest"],
    error: /^error: --ref: "latest" is not a version reference/,
  },
  { args: ["models", "health", "nope"], error: /^error: model: no model named "nope"/ },
  { args: ["models", "health", "--ref", "v0"], error: /^error: --ref: "v0" is not a version reference/ },
  {
    args: ["models", "health", "--dataset", "{dir}"],
    error: /^error: --dataset: .*a-dir holds no manifest\.json/,
  },
  { args: ["models", "health", "--dataset", "nosuch"], error: /^error: --dataset: no dataset "nosuch"/ },
  {
    args: ["models", "show", "bad name!"],
    error: /^error: model name: "bad name!" is not a valid model name/,
  },
  { args: ["models", "show", ""], error: /^error: homeforge models show <name>: the value is empty/ },
  { args: ["models", "promote", "x", "v999"], error: /^error: model: no model named "x"/ },
  { args: ["models", "promote", "x"], error: /^error: model: no model named "x"/ },
  { args: ["models", "rollback", "nope"], error: /^error: model: no model named "nope"/ },
  { args: ["models", "delete", "x", "v1"], error: /^error: model: no model named "x"/ },
  {
    args: ["models", "delete", "x"],
    error: /^error: homeforge models delete: missing required argument 'version'/,
  },
  { args: ["models", "check", "nope"], error: /^error: model: no model named "nope"/ },
  { args: ["models", "list", "extra"], error: TOO_MANY("homeforge models list") },
  { args: ["models", "list", "--nope"], error: UNKNOWN_OPTION("homeforge models list", "--nope") },

  // ── destinations homeforge does not own, or that cannot hold a dataset
  {
    name: "generate into a foreign directory with a look-alike manifest.json",
    setup: foreignApp("manifest.json"),
    args: g(...SMALL, "--out", "{cwd}/app"),
    error:
      /^error: --out: .*app is not empty and holds no homeforge dataset \(found manifest\.json, notes\.txt, src\/\)/,
  },
  {
    name: "export into a foreign directory with a look-alike export.json",
    setup: foreignApp("export.json"),
    args: exp("--what", "patterns", "--format", "json", "--out", "{cwd}/app"),
    error: /^error: --out: .*app.* holds no homeforge export \(found export\.json, notes\.txt, src\/\)/,
  },
  {
    name: "generate over a dataset with a file its manifest does not list",
    setup: (cwd) => {
      copyDataset(cwd);
      writeFileSync(join(cwd, "ds", "notes.txt"), "mine");
    },
    args: g(...SMALL, "--out", "{cwd}/ds"),
    error:
      /^error: --out: .* holds a homeforge dataset plus entries its manifest\.json does not list \(notes\.txt\)/,
  },
  {
    args: g(...SMALL, "--out", "{cwd}/x", "--lineage-db", "{file}/x.sqlite"),
    error:
      /^error: lineage: cannot create the lineage store .*a-file\/x\.sqlite: .*a-file is a file, not a directory; pass --lineage-db/,
  },
  { args: g(...SMALL, "--out", "/proc/homeforge-x"), error: /^error: --out: .*proc pseudo-filesystem/ },
  { args: g(...SMALL, "--out", "/sys/x/ds"), error: /^error: --out: .*sysfs pseudo-filesystem/ },
  {
    args: g("--homes", "10000000", "--days", "3660", "--out", "{cwd}/big"),
    error: /^error: dataset size: 10000000 homes × 3660 days \(≈ .* on disk, .* memory\) needs more than/,
  },
  {
    args: g(...SMALL, "--worker-heap-mb", "99999999", "--out", "{cwd}/x"),
    error: /^error: --worker-heap-mb: 99999999 MB per thread .* exceeds this machine's \d+ MB/,
  },

  // ── damaged datasets: every reader verifies what it reads
  ...(["collect", "export", "train"] as const).map(
    (command): BadInputRow => ({
      name: `${command} on a dataset with one byte of telemetry.parquet flipped`,
      setup: (cwd) => flipByte(join(copyDataset(cwd), "telemetry.parquet")),
      args: damagedArgs(command, "{cwd}/ds"),
      error: /^error: --dataset: telemetry\.parquet in ds_\w+ does not match its manifest sha256/,
    }),
  ),
  ...(["collect", "export", "train"] as const).map(
    (command): BadInputRow => ({
      name: `${command} on a dataset whose manifest.json is not JSON`,
      setup: (cwd) => writeFileSync(join(copyDataset(cwd), "manifest.json"), '{"format": "homeforge-dat'),
      args: damagedArgs(command, "{cwd}/ds"),
      error: /^error: --dataset: manifest\.json is not valid JSON/,
    }),
  ),
  {
    name: "collect on a dataset whose events file is cut short",
    setup: (cwd) => {
      const file = join(copyDataset(cwd), "events.parquet");
      writeFileSync(file, readFileSync(file).subarray(0, 100));
    },
    args: ["collect", "--dataset", "{cwd}/ds", "--for", "events", "--no-lineage"],
    error: /^error: --dataset: events\.parquet in ds_\w+ has 100 bytes, the manifest says \d+/,
  },

  // ── damaged registry files
  {
    name: "models show with a damaged aliases.json",
    setup: (cwd) => {
      mkdirSync(join(cwd, "reg", "m", "v1"), { recursive: true });
      writeFileSync(join(cwd, "reg", "m", "aliases.json"), '{"production": "v1"');
    },
    args: ["models", "--models", "{cwd}/reg", "show", "m"],
    error: /^error: models\/m\/aliases\.json: is damaged: it is not valid JSON/,
  },

  // ── info
  { args: ["info", "--nope"], error: UNKNOWN_OPTION("homeforge info", "--nope") },
  { args: ["info", "extra"], error: TOO_MANY("homeforge info") },
];

/** Every entry under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    out.push(relative(dir, path));
    if (e.isDirectory()) out.push(...tree(path).map((p) => join(e.name, p)));
  }
  return out.sort();
}

let sharedTree: string[] = [];
test.before(async () => {
  mkdirSync(fixtures.dir, { recursive: true });
  writeFileSync(fixtures.file, "x");
  writeFileSync(fixtures.garbage, "this is not a SQLite database ".repeat(200));
  writeFileSync(fixtures.badjson, '{"homes": ');
  writeFileSync(fixtures.list, "[1, 2]");
  writeFileSync(fixtures.colour, JSON.stringify({ homes: 2, colour: "blue" }));
  const other = new Database(fixtures.other);
  other.exec("CREATE TABLE t (x)");
  other.close();
  const r = await runCliInProcess(
    [
      "generate",
      "--homes",
      "4",
      "--days",
      "3",
      "--out",
      fixtures.dataset,
      "--lineage-db",
      fixtures.lineage,
      "--quiet",
    ],
    { cwd: shared, env: { CI: "true" } },
  );
  assert.is(r.code, 0, r.stderr);
  sharedTree = tree(shared);
});
test.after(() => removeDir(root));

/** BAD_INPUT_ONLY=<regex on the JSON args> runs just the matching rows. */
const only = process.env.BAD_INPUT_ONLY ? new RegExp(process.env.BAD_INPUT_ONLY) : undefined;
let n = 0;
for (const row of BAD_INPUTS) {
  const i = n++;
  if (only && !only.test(JSON.stringify(row.args))) continue;
  test(`bad input: homeforge ${row.name ?? JSON.stringify(row.args)}`, async () => {
    const cwd = join(root, `row-${i}`);
    mkdirSync(cwd);
    row.setup?.(cwd);
    const before = tree(cwd);
    const values = { ...fixtures, cwd };
    const env: Record<string, string | undefined> = {
      HOMEFORGE_DATA_DIR: join(cwd, "data"),
      HOMEFORGE_MODELS_DIR: join(cwd, "models"),
      HOMEFORGE_LINEAGE_DB: join(cwd, "lineage.sqlite"),
      HOMEFORGE_SEED: undefined,
      HOMEFORGE_BACKEND: undefined,
      CI: "true",
    };
    for (const [k, v] of Object.entries(row.env ?? {}))
      env[k] = v === undefined ? v : fillPlaceholders(v, values);
    const args = row.args.map((a) => fillPlaceholders(a, values));
    const r = await runCliInProcess(args, { cwd, env });
    const context = `homeforge ${JSON.stringify(args)}\nstderr: ${r.stderr}`;
    assert.is(r.code, 2, context);
    assert.ok(!/\n\s+at /.test(r.stderr), `a stack trace: ${context}`);
    const lines = r.stderr.replace(/\n$/, "").split("\n");
    assert.is(lines.length, 1, `not one line: ${context}`);
    assert.match(lines[0], /^error: \S.*?: .+; .+$/, context);
    assert.match(lines[0], row.error, context);
    assert.equal(tree(cwd), before, `left something behind: ${context}`);
    assert.equal(tree(shared), sharedTree, `changed a shared fixture: ${context}`);
  });
}

test(`the table is big enough to mean something (${BAD_INPUTS.length} rows)`, () => {
  assert.ok(BAD_INPUTS.length >= 100);
  const commands = new Set(BAD_INPUTS.map((r) => r.args[0]));
  for (const c of [
    "generate",
    "export",
    "collect",
    "lineage",
    "predict",
    "ab",
    "pipeline",
    "train",
    "models",
    "info",
  ])
    assert.ok(commands.has(c), c);
});

test.run();
