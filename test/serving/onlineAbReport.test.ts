/**
 * `homeforge ab --online`: the service's experiment log read back per arm, the unpaired
 * b − a interval and the offline decision rule on it, through the in-process CLI.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../lib/core/random.js";
import { OnlineAbStore } from "../../lib/serving/onlineAb.js";
import type { OnlineAbReport } from "../../lib/serving/onlineAbReport.js";
import { runCliInProcess } from "../helpers/cliInProcess.js";
import { fillExperiment } from "../helpers/onlineAbFixture.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const root = tempDir("homeforge-ab-online-");
test.after(() => removeDir(root));

/** An experiment log file (fillExperiment), every prediction labelled unless `labelled: false`. */
function experimentLog(
  file: string,
  separationB: number,
  options: { n?: number; labelled?: boolean; sameAsA?: boolean } = {},
) {
  const store = OnlineAbStore.open(file);
  const labels = fillExperiment(store, new Rng(7), options.n ?? 400, separationB, options);
  if (options.labelled ?? true) for (const [id, label] of labels) store.recordFeedback(id, label);
  store.close();
  return file;
}

const abOnline = (...args: string[]) =>
  runCliInProcess(["ab", "--online", "--models", join(root, "models"), "--resamples", "200", ...args]);

test("a better arm b is chosen, with per-arm metrics, the unpaired interval and the reason", async () => {
  const store = experimentLog(join(root, "better.sqlite"), 2);
  const run = await abOnline("--model", "failure-router", "--store", store, "--json");
  assert.is(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout) as OnlineAbReport;
  assert.equal(
    r.arms.map((m) => [m.arm, m.versions, m.predictions, m.labelled]),
    [
      ["a", ["v1"], 400, 400],
      ["b", ["v2"], 400, 400],
    ],
  );
  assert.ok(r.difference && r.difference.lo > 0, JSON.stringify(r.difference));
  assert.is(r.decision.choice, "b");
  assert.is(r.decision.mcnemar_agrees, null, "arms hold different devices: no paired test");
  assert.match(
    r.decision.reason,
    /^b \(arm b, v2\) is better: PR-AUC b − a = \+0\.\d{4}, 95 % interval \[\+0\.\d{4}, \+0\.\d{4}\] over 40 homes of both arms \(unpaired\) lies above 0\.$/,
  );

  const text = await abOnline("--model", "failure-router", "--store", store);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /^a\s+v1\s+400\s+400\s+\d+\s+20\s+0\.\d{4} \[0\.\d{4}, 0\.\d{4}\]\s+0\.\d{4}$/m);
  assert.match(text.stdout, /^decision: b — b \(arm b, v2\) is better/m);
});

test("equal arms keep a; arms without labels have no interval yet", async () => {
  const equal = await abOnline(
    "--model",
    "failure-router",
    "--store",
    experimentLog(join(root, "equal.sqlite"), 0.5, { sameAsA: true }),
    "--json",
  );
  assert.is(equal.code, 0, equal.stderr);
  const r = JSON.parse(equal.stdout) as OnlineAbReport;
  assert.ok(
    r.difference && r.difference.estimate === 0 && r.difference.lo < 0 && r.difference.hi > 0,
    JSON.stringify(r.difference),
  );
  assert.is(r.decision.choice, "no_difference");
  assert.is(r.decision.keep, "a");

  const unlabelled = experimentLog(join(root, "unlabelled.sqlite"), 2, { labelled: false, n: 50 });
  const none = await abOnline("--model", "failure-router", "--store", unlabelled, "--json");
  assert.is(none.code, 0, none.stderr);
  const u = JSON.parse(none.stdout) as OnlineAbReport;
  assert.is(u.difference, null);
  assert.is(u.decision.choice, "no_difference");
  assert.match(
    u.decision.reason,
    /with no interval: an arm has no positive or no negative feedback label yet \(a: 0 labelled/,
  );
});

test("a missing log, an unknown experiment and offline flags: one-line errors naming the flag", async () => {
  const store = experimentLog(join(root, "errors.sqlite"), 1, { n: 20 });
  writeFileSync(join(root, "not-sqlite.sqlite"), "hello");
  const foreign = join(root, "lineage.sqlite");
  const other = new Database(foreign);
  other.exec("CREATE TABLE runs (id TEXT)");
  other.close();
  const cases: [string[], RegExp][] = [
    [
      ["--model", "failure-router", "--store", join(root, "none.sqlite")],
      /^error: --store: no A\/B experiment log at .*none\.sqlite; serve the model/,
    ],
    [
      ["--model", "failure-router"],
      /^error: --store: no A\/B experiment log at .*models\/ab\/online\.sqlite;/,
    ],
    [
      ["--model", "synergy-gnn", "--store", store],
      /^error: --model: the A\/B store .* has no predictions of an experiment named "synergy-gnn"; experiments in it: failure-router$/,
    ],
    [
      ["--model", "failure-router", "--store", store, "--dataset", "x"],
      /^error: --dataset: does not apply to --online/,
    ],
    [["--model", "failure-router", "--store", store, "--b", "v2"], /^error: --b: does not apply to --online/],
    [
      ["--model", "failure-router", "--store", join(root, "not-sqlite.sqlite")],
      /^error: --store: .* is not an A\/B experiment log/,
    ],
  ];
  for (const [args, error] of cases) {
    const run = await abOnline(...args);
    assert.is(run.code, 2, `${args.join(" ")}: ${run.stdout}`);
    const lines = run.stderr.trim().split("\n");
    assert.is(lines.length, 1, run.stderr);
    assert.match(lines[0], error);
  }
  const refused = await abOnline("--model", "failure-router", "--store", foreign);
  assert.match(
    refused.stderr,
    /^error: --store: .*lineage\.sqlite is not an A\/B experiment log \(it has no predictions table\)/,
  );
  const reopened = new Database(foreign, { readonly: true });
  const tables = reopened.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  reopened.close();
  assert.equal(tables, [{ name: "runs" }], "reading another app's database leaves it as it was");
  const offline = await runCliInProcess(["ab", "--model", "m", "--store", store, "--dataset", "x"]);
  assert.match(offline.stderr, /^error: --store: applies to --online only/);
});

test.run();
