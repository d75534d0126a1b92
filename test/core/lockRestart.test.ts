import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { inspectLock, processStartTime, withLock } from "../../lib/core/lock.js";
import { expectHomeforgeError } from "../helpers/expectError.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

// A retried pod keeps its host name and, as pid 1, its pid: the lock its dead predecessor left
// names a pid that is alive again. Here that pid is this process's own, the start time another.
const lockOf = (name: string, started?: string) => {
  const path = join(root, name);
  writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), token: "old", started }));
  return path;
};

test("the start time is read from /proc on Linux", () => {
  if (process.platform !== "linux") return;
  assert.match(String(processStartTime("self")), /^\d+$/);
  assert.is(processStartTime(process.pid), processStartTime("self"));
});

test("a lock left by an earlier process with the same host and pid is broken", async () => {
  if (process.platform !== "linux") return;
  const path = lockOf("restarted.lock", "1");
  assert.is(inspectLock(path).state, "stale");
  const warnings: string[] = [];
  const got = await withLock(path, () => "held", { timeoutMs: 500, onWarning: (m) => warnings.push(m) });
  assert.is(got, "held");
  assert.match(warnings.join("\n"), /pid \d+ is now a process started later/);
});

test("a lock of the running process itself (same start time) stays live", async () => {
  const path = lockOf("live.lock", processStartTime("self") ?? undefined);
  assert.is(inspectLock(path).state, "live");
  await expectHomeforgeError(() => withLock(path, () => 0, { timeoutMs: 100, pollMs: 10 }), /stayed locked/);
});

test("a lock without a start time (older homeforge) whose pid runs stays live", async () => {
  const path = lockOf("old-format.lock");
  assert.is(inspectLock(path).state, "live");
});

test.run();
