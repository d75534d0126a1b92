import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openTableWriter } from "../../../lib/pipeline/storage/tableWriter.js";
import { mixedSchema, mixedTable } from "../../helpers/mixedTable.js";

/** Packages reachable from a source module through static, non-type imports (relative ones followed). */
function staticPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const stack = [resolve(entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(/^(import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)";/gms)) {
      const spec = m[2];
      if (spec.startsWith(".")) stack.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.add(spec.split("/")[0] === "@tensorflow" ? spec : spec.split("/")[0]);
    }
  }
  return packages;
}

test("a Parquet run's modules (manager, writer worker) import neither apache-arrow nor hyparquet", () => {
  for (const entry of ["lib/pipeline/generation/manager.ts", "lib/pipeline/generation/writerWorker.ts"]) {
    const packages = staticPackages(entry);
    assert.not.ok(packages.has("apache-arrow"), `${entry} reaches apache-arrow`);
    assert.not.ok(packages.has("hyparquet"), `${entry} reaches hyparquet`);
  }
  // the check can fail: the Arrow writer itself does import it
  assert.ok(staticPackages("lib/pipeline/storage/arrowTableWriter.ts").has("apache-arrow"));
});

test("the Arrow writer opens its file at the first append; aborted before, it leaves nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "homeforge-lazy-arrow-"));
  try {
    const schema = mixedSchema(["s", "i", "f"]);
    const unused = openTableWriter(join(dir, "a.arrow"), schema, "arrow");
    assert.not.ok(existsSync(join(dir, "a.arrow")), "nothing on disk before the first append");
    unused.abort();
    assert.not.ok(existsSync(join(dir, "a.arrow")));
    const writer = openTableWriter(join(dir, "b.arrow"), schema, "arrow");
    await writer.append(mixedTable(schema, 10, 0));
    const written = await writer.finish();
    assert.is(written.rows, 10);
    assert.ok(existsSync(join(dir, "b.arrow")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
