import { existsSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("the package resolves by name through its exports, with type declarations", async () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  assert.ok(existsSync(pkg.exports["."].types), "dist types are built (npm ci runs prepare)");
  const api = await import("homeforge");
  for (const name of [
    "generateDataset",
    "generateHome",
    "parseGenerationConfig",
    "patternAt",
    "chooseBackend",
  ]) {
    assert.type((api as Record<string, unknown>)[name], "function", name);
  }
});

test.run();
