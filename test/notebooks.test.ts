// The committed notebooks: outputs stripped, on the tslab kernel, and every import they make
// resolvable from the package (CI executes them for real: scripts/run-notebooks.mjs).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const dir = join(import.meta.dirname, "..", "notebooks");
const notebooks = readdirSync(dir).filter((f) => f.endsWith(".ipynb"));
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"));

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: unknown[];
  execution_count?: number | null;
}

test("there is a quickstart notebook", () => {
  assert.ok(notebooks.includes("quickstart.ipynb"), notebooks.join(", "));
});

for (const name of notebooks) {
  const nb = JSON.parse(readFileSync(join(dir, name), "utf8")) as {
    cells: Cell[];
    metadata: { kernelspec?: { name?: string } };
  };

  test(`${name}: outputs are stripped in git`, () => {
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      assert.equal(
        cell.outputs,
        [],
        `cell ${i} has outputs (jupyter nbconvert --clear-output --inplace ${name})`,
      );
      assert.is(cell.execution_count, null, `cell ${i} has an execution count`);
    }
  });

  test(`${name}: runs on the tslab kernel and imports only what the package exports`, () => {
    assert.is(nb.metadata.kernelspec?.name, "tslab");
    const source = nb.cells
      .filter((c) => c.cell_type === "code")
      .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
      .join("\n");
    const specifiers = [...source.matchAll(/from "(homeforge[^"]*)"/g)].map((m) => m[1]);
    assert.ok(specifiers.length > 0, "imports homeforge");
    for (const s of specifiers) {
      const sub = s === "homeforge" ? "." : `./${s.slice("homeforge/".length)}`;
      assert.ok(pkg.exports[sub], `${s} is exported by package.json`);
    }
  });
}

test("the notebooks' lock file agrees with package.json (else npm ci --prefix notebooks fails in CI)", () => {
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  const linked = lock.packages[".."];
  const fix = "run npm install --prefix notebooks and commit notebooks/package-lock.json";
  assert.equal(linked.dependencies ?? {}, pkg.dependencies ?? {}, `dependencies differ: ${fix}`);
  assert.equal(linked.devDependencies ?? {}, pkg.devDependencies ?? {}, `devDependencies differ: ${fix}`);
  assert.equal(
    linked.optionalDependencies ?? {},
    pkg.optionalDependencies ?? {},
    `optionalDependencies differ: ${fix}`,
  );
});

test.run();
