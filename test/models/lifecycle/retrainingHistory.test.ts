import { appendFileSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  appendRetrainingEntry,
  formatRetrainingHistory,
  type RetrainingEntry,
  readRetrainingHistory,
  retrainingHistoryPath,
} from "../../../lib/models/lifecycle/retrainingHistory.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const entry = (model: string, version: string): RetrainingEntry => ({
  format: "homeforge-retraining",
  format_version: 1,
  model,
  at: "2026-03-01T00:00:00.000Z",
  dry_run: false,
  dataset: { id: "ds_b", dir: "/data/ds_b" },
  served_before: { name: model, version: "v1", dataset_id: "ds_a", created_at: "2026-02-01T00:00:00.000Z" },
  served_after: { name: model, version },
  sufficiency: { model, sufficient: true, requirements: [], summary: "sufficient: every requirement met" },
  triggers: [{ trigger: "drift", fired: true, explanation: "signal_strength drifted" }],
  drift: [],
  decision: "train",
  reason: "fired: drift; the data suffices",
  candidate: { name: model, version },
  verdict: { outcome: "promoted", reason: "passes" },
  lineage_run_id: "run-1",
});

test("entries append one per line, filter by model, and a torn last line is skipped with a note", () => {
  const dir = `${root}/a`;
  appendRetrainingEntry(dir, entry("failure-router", "v2"));
  appendRetrainingEntry(dir, entry("synergy-gnn", "v2"));
  // a crash mid-write: half a line, no newline
  appendFileSync(retrainingHistoryPath(dir), '{"format":"homeforge-retraining","model":"fail');
  let h = readRetrainingHistory(dir);
  assert.equal(
    h.entries.map((e) => e.model),
    ["failure-router", "synergy-gnn"],
  );
  assert.is(h.notes.length, 1);
  assert.match(h.notes[0], "line 3 is not a whole JSON object");
  // the next append starts on a fresh line: the torn one never swallows it
  appendRetrainingEntry(dir, entry("failure-router", "v3"));
  h = readRetrainingHistory(dir, "failure-router");
  assert.equal(
    h.entries.map((e) => e.served_after?.version),
    ["v2", "v3"],
  );
  assert.is(h.notes.length, 1);
  const lines = readFileSync(retrainingHistoryPath(dir), "utf8").split("\n");
  assert.is(lines.length, 5); // 3 entries, the torn line, the final newline
  const table = formatRetrainingHistory(h);
  assert.match(table, /failure-router\s+ds_b\s+v1\s+drift\s+train\s+v3\s+promoted\s+v3/);
  assert.match(table, "note: ");
});

test("no history file: an empty history", () => {
  const h = readRetrainingHistory(`${root}/none`);
  assert.equal(h, { entries: [], notes: [] });
  assert.match(formatRetrainingHistory(h), "(no retraining decisions yet)");
});

test.run();
