import { writeFileSync } from "node:fs";
import { totalmem } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { availableMemoryBytes } from "../../lib/core/memoryLimit.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));
const file = (name: string, text: string) => {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
};

test("a cgroup cap below the machine's memory is the memory available (a pod's limits.memory)", () => {
  assert.is(availableMemoryBytes([file("v2", "3221225472\n")]), 3 * 2 ** 30);
  // v2 absent, v1 present
  assert.is(availableMemoryBytes([join(root, "none"), file("v1", "2147483648\n")]), 2 * 2 ** 30);
});

test("no cap ('max', a v1 huge number, no file) leaves the machine's memory", () => {
  assert.is(availableMemoryBytes([file("max", "max\n")]), totalmem());
  assert.is(availableMemoryBytes([file("huge", "9223372036854771712\n")]), totalmem());
  assert.is(availableMemoryBytes([join(root, "missing")]), totalmem());
});

test.run();
