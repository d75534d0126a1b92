#!/usr/bin/env node
// Executes every notebook in notebooks/ headless through its real kernel (tslab, TypeScript), the
// way CI does (nbclient, scripts/execute_notebook.py), failing on the first cell that fails. The executed copies
// are kept in artifacts/notebooks/ (the committed notebooks stay without outputs).
//
//   node scripts/run-notebooks.mjs [NAME.ipynb …]
//
// Needs Python with nbconvert and nbclient (Debian: apt-get install jupyter-nbconvert
// python3-nbclient) and notebooks/node_modules (npm ci --prefix notebooks; done here when absent).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const notebooks = join(root, "notebooks");
const artifacts = join(root, "artifacts", "notebooks");

function fail(message) {
  console.error(`run-notebooks: ${message}`);
  process.exit(1);
}

function findPython() {
  const candidates = [process.env.HOMEFORGE_JUPYTER_PYTHON, "python3", "/usr/bin/python3"].filter(Boolean);
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import nbclient, nbformat, jupyter_client"], { stdio: "ignore" });
    if (r.status === 0) return python;
  }
  fail(
    "no Python with nbclient found (tried " +
      `${candidates.join(", ")}); install them: apt-get install jupyter-nbconvert python3-nbclient, ` +
      "or pip install nbclient, or point HOMEFORGE_JUPYTER_PYTHON at one",
  );
}

const python = findPython();
const tslab = join(notebooks, "node_modules", "tslab", "bin", "tslab");
if (!existsSync(tslab)) {
  console.log("run-notebooks: installing the notebooks' project (npm ci --prefix notebooks)");
  const r = spawnSync("npm", ["ci", "--prefix", notebooks, "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (r.status !== 0 || !existsSync(tslab)) fail("npm ci --prefix notebooks failed; see above");
}
if (!existsSync(join(root, "dist", "lib", "index.js"))) fail("dist/ is not built; run npm run build");

// the kernel spec lives in a throw-away Jupyter path, so nothing is installed for the user
const jupyterPath = mkdtempSync(join(tmpdir(), "homeforge-kernels-"));
mkdirSync(join(jupyterPath, "kernels", "tslab"), { recursive: true });
writeFileSync(
  join(jupyterPath, "kernels", "tslab", "kernel.json"),
  JSON.stringify({
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab)",
    language: "typescript",
  }),
);

const wanted = process.argv.slice(2);
const names = wanted.length
  ? wanted
  : readdirSync(notebooks)
      .filter((f) => f.endsWith(".ipynb"))
      .sort();
if (names.length === 0) fail("no notebooks in notebooks/");
mkdirSync(artifacts, { recursive: true });
let failed = 0;
try {
  for (const name of names) {
    const started = performance.now();
    const r = spawnSync(
      python,
      [join(root, "scripts", "execute_notebook.py"), join(notebooks, name), join(artifacts, name)],
      {
        cwd: notebooks,
        env: { ...process.env, JUPYTER_PATH: jupyterPath, PYTHONWARNINGS: "ignore" },
        encoding: "utf8",
      },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (r.status === 0) {
      console.log(
        `notebook ${name}: every cell ran through the tslab kernel in ${seconds} s (${join("artifacts", "notebooks", name)})`,
      );
    } else {
      failed++;
      console.error((r.stderr || r.error?.message || "").trimEnd());
      console.error(`notebook ${name}: a cell failed after ${seconds} s`);
    }
  }
} finally {
  rmSync(jupyterPath, { recursive: true, force: true });
}
console.log(`${names.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
