import { stripVTControlCharacters } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createProgress } from "../../lib/core/progress.js";

function fakeStream(isTTY = false) {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY, columns: 120, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream,
  };
}

/** What a terminal shows last: the last non-empty frame, frames cut at each return to column 1, escapes stripped. */
function lastFrame(writes: string[]): string {
  const frames = writes
    .join("")
    .split("\r")
    .flatMap((f) => f.split("\u001b[1G"))
    .map((f) => stripVTControlCharacters(f));
  return frames.filter((f) => f.trim() !== "").at(-1) ?? "";
}

test("TTY: a live bar (cli-progress) with done/total, homes/s and ETA from the injected clock", () => {
  const { writes, stream } = fakeStream(true);
  let t = 0;
  const p = createProgress("homes", 100, { stream, now: () => t, tty: true });
  t = 2000;
  p.update(40);
  const first = lastFrame(writes);
  assert.match(first, /^\[#{10}-{14}\] 40\/100 homes \(40%\) 20\.0 homes\/s ETA 3s/);
  t = 4000;
  p.update(80);
  p.done();
  assert.match(lastFrame(writes), /^\[#{19}-{5}\] 80\/100 homes \(80%\) 20\.0 homes\/s ETA 1s/);
  assert.ok(writes.join("").endsWith("\n"), "done() ends the bar's line");
  const after = writes.length;
  p.update(90);
  assert.is(writes.length, after, "a stopped bar draws no more");
});

test("TTY: a bar left running (a run failed before done()) holds no timer that keeps the process alive", () => {
  const { writes, stream } = fakeStream(true);
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const before = timers();
  const p = createProgress("homes", 10, { stream, tty: true });
  p.update(3);
  p.update(4);
  assert.ok(writes.length > 0, "the bar drew");
  assert.is(timers(), before);
  p.done();
});

test("TTY: nothing drawn before the first update, so a run that reports nothing prints nothing", () => {
  const { writes, stream } = fakeStream(true);
  const p = createProgress("homes", 10, { stream, tty: true });
  p.done();
  assert.equal(writes, []);
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
