import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../../lib/core/random.js";
import { chooseBackend } from "../../../lib/models/backend.js";
import {
  DEFAULT_PROMOTION_POLICY,
  judge,
  promoteIfPassed,
  type Verdict,
} from "../../../lib/models/evaluation/evaluator.js";
import type { BinaryMetrics } from "../../../lib/models/evaluation/metrics.js";
import { FailureClassifier } from "../../../lib/models/failure/failureClassifier.js";
import { ModelRegistry } from "../../../lib/models/registry/registry.js";
import { splitHomes, splitRows } from "../../../lib/models/split.js";
import { selectRows } from "../../../lib/models/tableInput.js";
import { makeTelemetryFixture } from "../../helpers/telemetryFixture.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const metrics = (m: Partial<BinaryMetrics>): BinaryMetrics => ({
  samples: 100,
  positives: 10,
  threshold: 0.5,
  accuracy: 0.9,
  precision: 0.5,
  recall: 0.6,
  f1: 0.55,
  roc_auc: 0.85,
  pr_auc: 0.5,
  tp: 6,
  fp: 6,
  tn: 84,
  fn: 4,
  ...m,
});

test("value thresholds: a candidate under a floor is blocked, with the numbers in the message", () => {
  const { passed, checks } = judge(metrics({ recall: 0.2 }), null, DEFAULT_PROMOTION_POLICY);
  assert.not.ok(passed);
  const failed = checks.filter((c) => !c.passed);
  assert.is(failed.length, 1);
  assert.match(failed[0].message, /recall 0\.2000 is below the floor 0\.3/);
  assert.ok(judge(metrics({}), null).passed, "no production: only value thresholds apply");
});

test("change thresholds: direction and tolerance per metric", () => {
  const production = metrics({});
  assert.ok(judge(metrics({ pr_auc: 0.495 }), production).passed, "within tolerance");
  const worse = judge(metrics({ pr_auc: 0.47 }), production);
  assert.not.ok(worse.passed);
  assert.match(
    worse.checks.find((c) => !c.passed)!.message,
    /pr_auc regressed: 0\.4700 vs production 0\.5000 \(change -0\.0300, tolerance 0\.01/,
  );
  const lowerIsBetter = {
    values: [],
    changes: [{ metric: "precision" as const, direction: "lower_is_better" as const, tolerance: 0.05 }],
  };
  assert.ok(judge(metrics({ precision: 0.3 }), production, lowerIsBetter).passed);
  assert.not.ok(judge(metrics({ precision: 0.6 }), production, lowerIsBetter).passed);
  assert.not.ok(judge(metrics({ pr_auc: Number.NaN }), production).passed, "an unmeasurable candidate fails");
});

test("candidate vs production on the same held-out data: a regression blocks, an improvement promotes", async () => {
  await chooseBackend();
  const table = makeTelemetryFixture({ seed: 8, homes: 36, days: 22, devicesPerHome: 5 });
  const ids = table.columns.home_id as string[];
  const rows = splitRows(splitHomes(ids, table.columns.home_type as string[], { seed: 1 }), ids);
  const [train, validation, heldOut] = [rows.train, rows.validation, rows.test].map((r) =>
    selectRows(table, r),
  );
  // a model trained on shuffled labels has learned nothing: a certain regression
  const shuffled = Rng.derive(3, "labels").shuffle(Array.from(train.columns.fails_within_7d as Int32Array));
  const noise = { ...train, columns: { ...train.columns, fails_within_7d: Int32Array.from(shuffled) } };
  const params = { epochs: 10, seed: 2, batchSize: 128 };
  const good = await new FailureClassifier(params).fit(train, { validation });
  const bad = await new FailureClassifier(params).fit(noise, { validation });

  const root = tempDir();
  try {
    const registry = new ModelRegistry(root);
    const lineage: Verdict[] = [];
    const options = {
      registry,
      name: "m",
      data: heldOut,
      lineageRunId: "run-1",
      onVerdict: (v: Verdict) => void lineage.push(v),
    };
    const first = await registry.saveClassifier("m", good, {
      metrics: {},
      dataset: { id: null, hash: null },
    });
    const r1 = await promoteIfPassed({ ...options, candidate: first.version });
    assert.ok(r1.promoted, r1.verdict.blocked_by.join("; "));
    assert.is(r1.verdict.production, null);

    const second = await registry.saveClassifier("m", bad, {
      metrics: { note: "kept" },
      dataset: { id: null, hash: null },
    });
    const r2 = await promoteIfPassed({ ...options, candidate: second.version });
    assert.not.ok(r2.promoted);
    assert.is(registry.aliases("m").production, first.version, "production unchanged");
    assert.is(r2.verdict.production!.version, first.version);
    assert.is(
      r2.verdict.candidate.metrics.samples,
      r2.verdict.production!.metrics.samples,
      "same held-out rows",
    );
    assert.ok(
      r2.verdict.blocked_by.some((m) => /regressed/.test(m)),
      r2.verdict.blocked_by.join("; "),
    );

    const written = JSON.parse(readFileSync(join(root, "m", second.version, "metrics.json"), "utf8"));
    assert.is(written.note, "kept", "the verdict is added to metrics.json, not replacing it");
    assert.is(written.evaluation.passed, false);
    assert.is(written.evaluation.production.version, first.version);
    assert.ok(written.evaluation.checks.length >= 3);
    assert.equal(
      lineage.map((v) => [v.candidate.version, v.passed, v.lineage_run_id]),
      [
        [first.version, true, "run-1"],
        [second.version, false, "run-1"],
      ],
    );
  } finally {
    removeDir(root);
    good.dispose();
    bad.dispose();
  }
});

test.run();
