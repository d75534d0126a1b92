import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { localClock } from "../../lib/core/localTime.js";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { DataGenerationManager } from "../../lib/pipeline/generation/manager.js";
import { type OpenDataset, openDataset } from "../../lib/pipeline/storage/openDataset.js";
import {
  type DatasetReportContent,
  datasetReportContent,
  writeDatasetReport,
} from "../../lib/reports/datasetReport.js";
import { expectHomeforgeError } from "../helpers/expectError.js";
import { removeDir, tempDir } from "../helpers/tmp.js";

const root = tempDir();
test.after(() => removeDir(root));

// A horizon across the end of March: Berlin springs forward (30 March) and Sydney falls back
// (6 April), Kolkata sits at +05:30, and the local months are March and April.
const config = parseGenerationConfig({
  seed: 3, // one home in each of the three zones
  homes: 3,
  days: 10,
  start: "2025-03-28",
  timezones: ["Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"],
  sizeMix: { small: 1 },
  failures: { share: 0.5 },
  validation: { minDevices: 0, minEvents: 0 },
});

const CHART_IDS = [
  "home-type-mix",
  "devices-per-home",
  "hour-of-day-activity",
  "weekday-activity",
  "monthly-activity",
  "failure-scenarios",
  "days-to-failure",
  "synergies-by-relationship",
];

let dir = "";
let ds: OpenDataset;
let content: DatasetReportContent;
let html = "";
let written: Awaited<ReturnType<typeof writeDatasetReport>>;

const chart = (id: string) => content.sections.flatMap((s) => s.charts).find((c) => c.id === id)!;
const values = (id: string) =>
  (chart(id).spec as { data: { values: Record<string, unknown>[] } }).data.values;

test.before(async () => {
  dir = (await new DataGenerationManager(config, { workers: 1, outDir: join(root, "ds") }).run()).dir;
  ds = openDataset(dir);
  content = await datasetReportContent(ds);
  written = await writeDatasetReport(dir);
  html = readFileSync(written.path, "utf8");
});

test("every chart is on the page as an SVG that drew marks", () => {
  for (const id of CHART_IDS) {
    const figure = html.match(new RegExp(`<figure class="chart" data-chart="${id}">(.*?)</figure>`, "s"));
    assert.ok(figure, `chart ${id} is on the page`);
    assert.match(figure[1], /^<h3>[^<]+<\/h3><svg /);
    const marks = figure[1].match(
      /<g class="mark-(rect|line|rule|text)[^"]* role-mark[^"]*"[^>]*><(path|line|text) /g,
    );
    assert.ok(marks && marks.length > 0, `chart ${id} drew marks`);
  }
  assert.match(html, /<figure class="table" data-table="telemetry-features">/);
  // ids are unique on the page and every reference (a legend's gradient) finds its target
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids.length > 0, "the fixture has a gradient legend");
  assert.is(new Set(ids).size, ids.length);
  for (const m of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(m[1]), `#${m[1]} is defined`);
  assert.ok(html.length < 400_000, `the page stays small (${html.length} bytes)`);
});

test("facts at the top come from the manifest", () => {
  const facts = Object.fromEntries(content.facts);
  assert.is(facts.dataset, ds.manifest.dataset_id);
  assert.is(facts.seed, 3);
  assert.is(facts.homes, 3);
  assert.is(facts.days, 10);
  assert.is(facts.start, "2025-03-28");
  assert.is(facts["events rows"], ds.manifest.tables.events.rows);
  assert.is(facts["telemetry rows"], ds.manifest.tables.telemetry.rows);
  assert.is(facts["generator version"], ds.manifest.generator.version);
  assert.match(html, new RegExp(`<dt>dataset</dt><dd>${ds.manifest.dataset_id}</dd>`));
});

test("hour-of-day counts are the events of each domain on the home's own clock", async () => {
  const homes = await ds.table("homes");
  assert.equal([...(homes.columns.timezone as string[])].sort(), [
    "Asia/Kolkata",
    "Australia/Sydney",
    "Europe/Berlin",
  ]);
  const zone = new Map(
    (homes.columns.home_id as string[]).map((id, i) => [id, (homes.columns.timezone as string[])[i]]),
  );
  const events = await ds.table("events");
  const home = events.columns.home_id as string[];
  const entity = events.columns.entity_id as string[];
  const time = events.columns.time as Float64Array;
  const local = new Array(24).fill(0);
  const utc = new Array(24).fill(0);
  for (let i = 0; i < events.rows; i++) {
    if (!entity[i]!.startsWith("light.")) continue;
    local[localClock(time[i], zone.get(home[i]!)!).hour]++;
    utc[new Date(time[i]).getUTCHours()]++;
  }
  const drawn = new Array(24).fill(0);
  for (const row of values("hour-of-day-activity"))
    if (row.domain === "light") drawn[row.hour as number] = row.events;
  assert.ok(local.reduce((a, b) => a + b) > 100, "the fixture has light events");
  assert.equal(drawn, local);
  assert.not.equal(drawn, utc, "the fixture tells local time from UTC");
});

test("monthly activity is per local month and hemisphere, over every home-day of the horizon", () => {
  const rows = values("monthly-activity");
  assert.equal([...new Set(rows.map((r) => r.month))], ["2025-03", "2025-04"]);
  assert.equal([...new Set(rows.map((r) => r.hemisphere))].sort(), ["northern", "southern"]);
  const homeDays = rows.reduce((s, r) => s + (r.homeDays as number), 0);
  assert.ok(Math.abs(homeDays - 3 * 10) < 0.05, `home-days ${homeDays}`);
  assert.is(
    rows.reduce((s, r) => s + (r.events as number), 0),
    ds.manifest.tables.events.rows,
  );
});

test("failure scenarios count distinct failing devices; synergies count planted links", async () => {
  const t = await ds.table("telemetry");
  const dtf = t.columns.days_to_failure as (number | null)[];
  const scenario = t.columns.failure_scenario as (string | null)[];
  const day = t.columns.day as Int32Array;
  const failures = new Map<string, Set<string>>();
  for (let i = 0; i < t.rows; i++) {
    if (dtf[i] === null || !scenario[i]) continue;
    const set = failures.get(scenario[i]!) ?? new Set<string>();
    set.add(
      `${(t.columns.home_id as string[])[i]}/${(t.columns.entity_id as string[])[i]}/${day[i] + dtf[i]!}`,
    );
    failures.set(scenario[i]!, set);
  }
  assert.ok(failures.size > 0, "the fixture has failures");
  const drawn = Object.fromEntries(values("failure-scenarios").map((r) => [r.scenario, r.failures]));
  assert.equal(drawn, Object.fromEntries([...failures].map(([s, set]) => [s, set.size])));

  const syn = await ds.table("synergies");
  const linked = syn.columns.linked as Uint8Array;
  const planted = values("synergies-by-relationship")
    .filter((r) => r.pairs === "planted")
    .reduce((s, r) => s + (r.count as number), 0);
  assert.is(
    planted,
    linked.reduce((s, v) => s + v, 0),
  );
});

test("telemetry summary of response_time matches a direct computation", async () => {
  const table = content.sections.flatMap((s) => s.tables).find((t) => t.id === "telemetry-features")!;
  const features = ds.manifest.tables.telemetry.schema.filter((c) => c.role === "feature").map((c) => c.name);
  assert.equal(
    table.rows.map((r) => r[0]),
    features,
  );
  for (const f of ["response_time", "error_rate", "battery_level"]) assert.ok(features.includes(f));
  const raw = Array.from((await ds.table("telemetry")).columns.response_time as Float64Array);
  const present = raw.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const n = present.length;
  const mean = present.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const median = n % 2 ? present[(n - 1) / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
  const p4 = (x: number) => Number(x.toPrecision(4));
  const row = table.rows.find((r) => r[0] === "response_time")!;
  assert.ok(raw.length > n, "the fixture has missing readings");
  assert.equal(row, [
    "response_time",
    n,
    raw.length - n,
    p4(mean),
    p4(sd),
    p4(present[0]),
    p4(median),
    p4(present[n - 1]),
  ]);
});

test("the file is written beside the dataset, atomically, and the same dataset gives the same bytes", async () => {
  assert.is(written.path, `${dir}.report.html`);
  assert.equal(written.charts, CHART_IDS);
  assert.equal(written.tables, ["telemetry-features"]);
  const out = join(root, "again.html");
  const second = await writeDatasetReport(openDataset(dir), { out });
  assert.is(second.path, out);
  // compared without assert.is: a diff of two 130 kB pages says less than the first difference
  const again = readFileSync(out, "utf8");
  let at = 0;
  while (at < html.length && html[at] === again[at]) at++;
  assert.ok(again === html, `the bytes differ from offset ${at}: …${again.slice(at, at + 80)}…`);
  assert.equal(
    readdirSync(root).filter((f) => f.includes(".tmp-")),
    [],
  );
  assert.ok(existsSync(join(dir, "manifest.json")));
  assert.not.ok(
    readdirSync(dir).some((f) => f.endsWith(".html")),
    "the dataset directory holds only its files",
  );
});

test("the page opens offline: no script and no URL but the SVG namespaces", () => {
  assert.not.match(html, /<script/i);
  const rest = html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink)"/g, "");
  assert.not.match(rest, /https?:\/\//);
  assert.not.match(rest, /\b(src|href)=/);
  assert.not.match(rest, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, "no wall-clock time");
});

test("a path that is no dataset is a one-line error naming the flag", async () => {
  await expectHomeforgeError(() => writeDatasetReport(join(root, "nowhere")), /^--dataset: no dataset/);
  await expectHomeforgeError(
    () => writeDatasetReport(dir, { out: join(root, "missing-dir", "r.html") }),
    /^--out: cannot write .*does not exist/,
  );
});

test.run();
