// `npm test -- --times`: runs the uvu suite like `uvu <dir> <pattern>` (one process, files in
// uvu's order, the same output) and then prints, on stderr, each file's wall and CPU time,
// slowest first. A file's time is its import (module-level fixtures) plus its tests. CPU is
// this process's (every thread, so generation workers count) but not child processes'; the
// first file to import a heavy module (TensorFlow.js, DuckDB) pays for loading it.
//   node --import tsx scripts/uvu-timed.mjs <dir> <pattern>
import { pathToFileURL } from "node:url";
import { parse } from "uvu/parse";

// flags (uvu's --color false) are not dir or pattern
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"));
const [dir = "test", pattern] = positional;
const { suites } = await parse(dir, pattern, { cwd: process.cwd() });

globalThis.UVU_DEFER = 1;
const uvu = await import("uvu");
const times = new Map();
const clock = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
const add = (name, since) => {
  const t = times.get(name) ?? { wall: 0, cpu: 0 };
  const cpu = process.cpuUsage(since.cpu);
  t.wall += performance.now() - since.wall;
  t.cpu += (cpu.user + cpu.system) / 1000;
  times.set(name, t);
};

let index = 0;
for (const suite of suites) {
  globalThis.UVU_INDEX = index++;
  globalThis.UVU_QUEUE.push([suite.name]);
  const since = clock();
  await import(pathToFileURL(suite.file).href);
  add(suite.name, since);
}
// wrap each file's runners (one per test.run()) to add their time to the file's
for (const group of globalThis.UVU_QUEUE) {
  const name = group[0];
  for (let i = 1; i < group.length; i++) {
    const runner = group[i];
    group[i] = async () => {
      const since = clock();
      try {
        return await runner();
      } finally {
        add(name, since);
      }
    };
  }
}
await uvu.exec(false);

const rows = [...times].sort((a, b) => b[1].wall - a[1].wall);
const total = rows.reduce((s, [, t]) => ({ wall: s.wall + t.wall, cpu: s.cpu + t.cpu }), { wall: 0, cpu: 0 });
const sec = (ms) => (ms / 1000).toFixed(1).padStart(7);
const width = Math.max(...rows.map(([n]) => n.length), 5);
const lines = [`${"file".padEnd(width)}  wall s   cpu s`];
for (const [name, t] of rows) lines.push(`${name.padEnd(width)} ${sec(t.wall)} ${sec(t.cpu)}`);
lines.push(`${"total".padEnd(width)} ${sec(total.wall)} ${sec(total.cpu)}`);
process.stderr.write(
  `\n== per-file time (import + tests; CPU of this process, not of its children)\n${lines.join("\n")}\n`,
);
