import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { columnTable, type TableSchema } from "../../../lib/core/columnTable.js";
import { readTableFile, writeTableFile } from "../../../lib/pipeline/storage/tableIO.js";
import { removeDir, tempDir } from "../../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

const schema: TableSchema = {
  name: "mixed",
  columns: [
    { name: "id", type: "string", role: "key" },
    { name: "when", type: "timestamp_ms", role: "key" },
    { name: "day", type: "date", role: "key" },
    { name: "x", type: "float64", role: "feature", nullable: true },
    { name: "n", type: "int32", role: "truth", nullable: true },
    { name: "label", type: "string", role: "truth", nullable: true },
    { name: "flag", type: "bool", role: "attribute" },
  ],
};

test("every column type round-trips through Parquet and Arrow, nulls included", async () => {
  const table = columnTable(schema, {
    id: ["a", "b", "c"],
    when: Float64Array.from([1735689600000, 1735689601234, 1735776000000]),
    day: Int32Array.from([20089, 20090, 20091]),
    x: Float64Array.from([1.5, Number.NaN, -2]),
    n: [3, null, 0],
    label: [null, "sudden", null],
    flag: Uint8Array.from([1, 0, 1]),
  });
  for (const format of ["parquet", "arrow"] as const) {
    const path = join(root, `t.${format}`);
    writeTableFile(path, table, format);
    const back = await readTableFile(path, schema);
    assert.is(back.rows, 3, format);
    assert.equal(back.columns.id, ["a", "b", "c"], format);
    assert.equal(
      Array.from(back.columns.when as Float64Array),
      Array.from(table.columns.when as Float64Array),
      format,
    );
    assert.equal(Array.from(back.columns.day as Int32Array), [20089, 20090, 20091], format);
    const x = back.columns.x as Float64Array;
    assert.ok(x[0] === 1.5 && Number.isNaN(x[1]) && x[2] === -2, `${format}: ${Array.from(x)}`);
    assert.equal(Array.from(back.columns.n as (number | null)[]), [3, null, 0], format);
    assert.equal(back.columns.label, [null, "sudden", null], format);
    assert.equal(Array.from(back.columns.flag as Uint8Array), [1, 0, 1], format);
  }
});

test.run();
