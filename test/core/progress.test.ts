import { test } from "uvu";
import * as assert from "uvu/assert";
import { createProgress } from "../../lib/core/progress.js";

function fakeStream() {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY: false, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream,
  };
}

test("TTY: a redrawn bar with homes/s and ETA from the injected clock", () => {
  const { writes, stream } = fakeStream();
  let t = 0;
  const p = createProgress("homes", 100, { stream, tty: true, now: () => t });
  t = 2000;
  p.update(40);
  t = 2050;
  p.update(41); // within 100 ms of the last draw: skipped
  t = 4000;
  p.update(80);
  p.done();
  assert.is(writes.length, 3);
  assert.match(writes[0], /^\r\[#{10}-{14}\] 40\/100 homes \(40%\) 20\.0 homes\/s ETA 3s/);
  assert.match(writes[1], /80\/100 homes \(80%\) 20\.0 homes\/s ETA 1s/);
  assert.match(writes[2], /\n$/);
});

test("not a TTY: plain lines, at most one per 10 % and a few seconds apart, always the last", () => {
  const { writes, stream } = fakeStream();
  let t = 0;
  const p = createProgress("homes", 1000, { stream, tty: false, now: () => t });
  for (let done = 1; done <= 1000; done++) {
    t += 10; // 10 s in all
    p.update(done);
  }
  p.done();
  assert.ok(writes.length >= 3 && writes.length <= 6, String(writes.length));
  assert.ok(writes.every((w) => !w.includes("\r") && w.endsWith("\n")));
  assert.match(writes[writes.length - 1], /^1000\/1000 homes \(100%\)/);
});

test("quiet: nothing at all", () => {
  const { writes, stream } = fakeStream();
  const p = createProgress("homes", 10, { stream, quiet: true, tty: true });
  for (let i = 1; i <= 10; i++) p.update(i);
  p.done();
  assert.equal(writes, []);
});

test.run();
