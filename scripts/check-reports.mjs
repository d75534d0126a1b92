#!/usr/bin/env node
// Opens HTML reports in headless Chromium (Debian's chromium, driven by playwright-core) and
// checks that they render for real: every chart figure holds an SVG with drawn marks and a
// visible size, every table has rows, nothing is fetched from the network, and no console
// error or page error occurs. A full-page screenshot of each is kept in artifacts/reports/.
//
//   node scripts/check-reports.mjs REPORT.html …
//   node scripts/check-reports.mjs --pipeline   (npm run test:reports) runs the main job on a small
//       population in a temp directory and checks the three reports it writes
//
// Chromium: $CHROMIUM_PATH, else /usr/bin/chromium (apt-get install chromium).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const artifacts = join(root, "artifacts", "reports");
const args = process.argv.slice(2);
const files = args.includes("--pipeline") ? reportsOfSmallPipeline() : args;
if (files.length === 0) {
  console.error(
    "check-reports: name the report files, e.g. node scripts/check-reports.mjs data/ds_…/report.html",
  );
  process.exit(1);
}
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(
    `check-reports: no Chromium at ${executablePath}; apt-get install chromium, or set CHROMIUM_PATH`,
  );
  process.exit(1);
}

/** Runs `npm run pipeline` on 24 homes × 14 days in a temp dir; returns the report paths it printed. */
function reportsOfSmallPipeline() {
  const work = mkdtempSync(join(tmpdir(), "homeforge-reports-"));
  const size = ["--homes", "24", "--days", "14", "--epochs", "3", "--synergy-epochs", "5"];
  console.log(`check-reports: the main job on ${size.join(" ")} in ${work}`);
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "scripts", "pipeline.ts"),
      ...size,
      "--bootstrap-resamples",
      "100",
      "--quiet",
    ],
    {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        HOMEFORGE_DATA_DIR: join(work, "data"),
        HOMEFORGE_MODELS_DIR: join(work, "models"),
      },
    },
  );
  if (r.status !== 0) {
    console.error(`${r.stdout}\n${r.stderr}\ncheck-reports: the pipeline failed (exit ${r.status})`);
    process.exit(1);
  }
  const paths = r.stdout
    .split("\n")
    .map((l) => /^(dataset|model|synergy) report:\s+(.+)$/.exec(l)?.[2])
    .filter(Boolean);
  if (paths.length !== 3) {
    console.error(
      `${r.stdout}\ncheck-reports: expected 3 report paths from the pipeline, got ${paths.length}`,
    );
    process.exit(1);
  }
  return paths;
}

// what the page must show, measured inside Chromium
function inspectPage() {
  const charts = [...document.querySelectorAll("figure.chart")].map((figure) => {
    const svg = figure.querySelector("svg");
    const box = svg?.getBoundingClientRect();
    // vega draws data marks inside groups with role-mark; axes, legends and titles have other roles
    const marks = svg ? svg.querySelectorAll('g[class*="role-mark"] > *').length : 0;
    return {
      id: figure.getAttribute("data-chart"),
      hasSvg: Boolean(svg),
      marks,
      width: box?.width ?? 0,
      height: box?.height ?? 0,
    };
  });
  const tables = [...document.querySelectorAll("figure.table")].map((figure) => ({
    id: figure.getAttribute("data-table"),
    rows: figure.querySelectorAll("tbody tr").length,
  }));
  const scripts = document.querySelectorAll("script").length;
  return { title: document.title, charts, tables, scripts };
}

mkdirSync(artifacts, { recursive: true });
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let passed = 0;
let failed = 0;
try {
  for (const file of files) {
    const path = resolve(file);
    const problems = [];
    if (!existsSync(path)) {
      console.error(`✘ ${file}: no such file`);
      failed++;
      continue;
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    // a self-contained report loads nothing; anything but the file itself is a failure
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(path).href) return route.continue();
      problems.push(`fetched ${url} (a report must open offline)`);
      return route.abort();
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    const seen = await page.evaluate(inspectPage);
    if (seen.charts.length === 0) problems.push("no charts");
    for (const c of seen.charts) {
      if (!c.hasSvg) problems.push(`chart ${c.id}: no SVG`);
      else if (c.marks === 0) problems.push(`chart ${c.id}: the SVG has no marks`);
      else if (c.width < 20 || c.height < 20) problems.push(`chart ${c.id}: drawn ${c.width}×${c.height} px`);
    }
    for (const t of seen.tables) if (t.rows === 0) problems.push(`table ${t.id}: no rows`);
    if (seen.scripts > 0) problems.push(`${seen.scripts} <script> elements (reports carry none)`);
    const shot = join(artifacts, `${basename(path, ".html")}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
    if (problems.length) {
      failed++;
      console.error(`✘ ${file}: ${problems.join("; ")}`);
    } else {
      passed++;
      const marks = seen.charts.reduce((n, c) => n + c.marks, 0);
      console.log(
        `✔ ${file}: "${seen.title}", ${seen.charts.length} charts drew (${marks} marks), ${seen.tables.length} tables; screenshot ${shot}`,
      );
    }
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
