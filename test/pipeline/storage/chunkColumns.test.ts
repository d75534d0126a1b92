// Chunked reads of only some columns: the same values as a whole read, the schema cut to them.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGenerationConfig } from "../../../lib/pipeline/generation/config.js";
import { generateDataset } from "../../../lib/pipeline/generation/generate.js";
import { openDataset } from "../../../lib/pipeline/storage/openDataset.js";
import { expectHomeforgeError } from "../../helpers/expectError.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

test("chunks(name, keep, columns) decodes only the named columns, with the whole read's values", async () => {
  const { dir } = await generateDataset(parseGenerationConfig({ homes: 2, days: 2, seed: 3 }), {
    outDir: join(root, "ds"),
  });
  const ds = openDataset(dir);
  const whole = await ds.table("events");
  const time: number[] = [];
  const entity: string[] = [];
  for await (const chunk of ds.chunks("events", undefined, ["time", "entity_id"])) {
    // schema order, not the order asked
    assert.equal(
      chunk.schema.columns.map((c) => c.name),
      ["entity_id", "time"],
    );
    assert.equal(Object.keys(chunk.columns).sort(), ["entity_id", "time"]);
    time.push(...(chunk.columns.time as Float64Array));
    entity.push(...(chunk.columns.entity_id as string[]));
  }
  assert.ok(whole.rows > 100, `${whole.rows} events`);
  assert.equal(time, [...(whole.columns.time as Float64Array)]);
  assert.equal(entity, whole.columns.entity_id);
  await expectHomeforgeError(async () => {
    for await (const _ of ds.chunks("events", undefined, ["when"])) break;
  }, /events has no column "when"; use some of home_id, entity_id, time/);
});

test.run();
