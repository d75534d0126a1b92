import { test } from "uvu";
import * as assert from "uvu/assert";
import { StagedRowGroups } from "../../../lib/pipeline/storage/stagedRowGroups.js";
import {
  clearStagingPool,
  MAX_POOLED_BYTES,
  pooledStagingBytes,
  returnStagingBuffer,
  takeStagingBuffer,
} from "../../../lib/pipeline/storage/stagingPool.js";
import { mixedSchema, mixedTable } from "../../helpers/mixedTable.js";

test("takeStagingBuffer: a pooled buffer of the kind, the smallest that fits, never one far too big", () => {
  clearStagingPool();
  const small = new Int32Array(5000);
  const big = new Int32Array(20_000);
  returnStagingBuffer(big);
  returnStagingBuffer(small);
  returnStagingBuffer(new Float64Array(5000));
  assert.is(takeStagingBuffer(Int32Array, 4000), small, "smallest fit");
  const fresh = takeStagingBuffer(Int32Array, 1000);
  assert.is.not(fresh, big, "20 000 is more than 4 × max(1 000, 4 096): a new buffer");
  assert.is(fresh.length, 1000);
  assert.is(takeStagingBuffer(Int32Array, 20_000), big);
  const f = takeStagingBuffer(Float64Array, 5000);
  assert.ok(f instanceof Float64Array && f.length === 5000);
  assert.is(pooledStagingBytes(), 0);
});

test("returnStagingBuffer keeps at most MAX_POOLED_BYTES", () => {
  clearStagingPool();
  const chunk = MAX_POOLED_BYTES / 4;
  for (let i = 0; i < 6; i++) returnStagingBuffer(new Uint8Array(chunk));
  assert.is(pooledStagingBytes(), MAX_POOLED_BYTES);
  clearStagingPool();
});

test("a drained stager's buffers serve the next stager, and its groups still hold its own rows", () => {
  clearStagingPool();
  const schema = mixedSchema(["i", "f", "b", "time"]);
  const firstGroups: number[][] = [];
  const first = new StagedRowGroups(schema, 5000, (group) => {
    firstGroups.push(group.flatMap((seg) => Array.from(seg.columns.i as Int32Array)));
  });
  first.push(mixedTable(schema, 7000, 0));
  first.drain();
  assert.ok(pooledStagingBytes() > 0, "buffers handed back on drain");
  const before = pooledStagingBytes();
  const seen: number[][] = [];
  const second = new StagedRowGroups(schema, 5000, (group) => {
    seen.push(group.flatMap((seg) => Array.from(seg.columns.i as Int32Array)));
  });
  second.push(mixedTable(schema, 3000, 100));
  assert.ok(pooledStagingBytes() < before, "the second stager took pooled buffers");
  second.push(mixedTable(schema, 3000, 3100));
  second.drain();
  const expected = Array.from(mixedTable(schema, 6000, 100).columns.i as Int32Array);
  assert.equal(seen.flat(), expected);
  assert.equal(
    seen.map((g) => g.length),
    [5000, 1000],
  );
  assert.equal(firstGroups.flat(), Array.from(mixedTable(schema, 7000, 0).columns.i as Int32Array));
  clearStagingPool();
});

test.run();
