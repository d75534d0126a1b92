#!/usr/bin/env node
// Builds dist/vendor/danfo.js: danfo.js bundled with esbuild, so that a project installing
// homeforge from the registry or a tarball gets no `danfojs` dependency. Its published
// manifest points `xlsx` at a CDN tarball (unreachable for many installs) and pins a
// second, older TensorFlow.js. In the bundle:
// - `@tensorflow/tfjs` stays external: danfo uses the one copy homeforge depends on;
// - `xlsx` and `plotly.js-dist-min` (Excel files and browser plots) are left out: calling
//   readExcel/toExcel/plot throws a one-line error saying so;
// - danfo's type declarations are copied to dist/vendor/danfojs/, with the few imports of
//   left-out packages' types replaced by local `any` aliases.
// Run by `npm run build` (and `prepare`) before tsc, which resolves `#danfo` to it.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "vendor");
const require = createRequire(import.meta.url);
// danfojs exports no ./package.json: find its root from the entry point
const danfoRoot = require.resolve("danfojs").replace(/[\\/]dist[\\/].*$/, "");
const danfoPkg = join(danfoRoot, "package.json");
const danfoVersion = JSON.parse(readFileSync(danfoPkg, "utf8")).version;

const LEFT_OUT = ["xlsx", "plotly.js-dist-min"];

const leaveOut = {
  name: "leave-out",
  setup(b) {
    const filter = new RegExp(`^(${LEFT_OUT.map((n) => n.replace(/[.]/g, "\\.")).join("|")})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "left-out" }));
    b.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
      loader: "js",
      contents: `module.exports = new Proxy({}, { get(_, key) {
  if (key === "__esModule" || typeof key === "symbol") return undefined;
  throw new Error("${args.path} is not bundled with homeforge's danfo.js (Excel files and plots are left out); install danfojs yourself for them");
} });`,
    }));
  },
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// danfo's Node entry is CommonJS: name its exports so the ESM bundle exports them too
const danfoEntry = join(danfoRoot, "dist", "danfojs-browser", "src", "index.js");
const EXPORTS = [
  "NDframe",
  "Config",
  "Utils",
  "Str",
  "Dt",
  "toDateTime",
  "Series",
  "DataFrame",
  "readCSV",
  "streamCSV",
  "toCSV",
  "readJSON",
  "toJSON",
  "readExcel",
  "toExcel",
  "MinMaxScaler",
  "StandardScaler",
  "LabelEncoder",
  "OneHotEncoder",
  "getDummies",
  "concat",
  "merge",
  "dateRange",
  "tensorflow",
  "__version",
];

await build({
  stdin: {
    contents: `export { ${EXPORTS.join(", ")} } from ${JSON.stringify(danfoEntry)};`,
    resolveDir: root,
    loader: "js",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: join(outDir, "danfo.js"),
  external: ["@tensorflow/tfjs"],
  plugins: [leaveOut],
  // danfo's CommonJS modules call require(); give the ESM bundle one
  banner: {
    js: `// danfo.js ${danfoVersion} (MIT), bundled for homeforge by scripts/build-vendor.mjs\nimport { createRequire as __homeforgeCreateRequire } from "node:module";\nconst require = __homeforgeCreateRequire(import.meta.url);`,
  },
  legalComments: "linked",
  minify: true,
  keepNames: true,
  logLevel: "warning",
});

// Type declarations: danfojs-base and danfojs-browser, same relative layout.
const typesDir = join(outDir, "danfojs");
for (const part of ["danfojs-base", "danfojs-browser"]) {
  cpSync(join(danfoRoot, "dist", part), join(typesDir, part), {
    recursive: true,
    filter: (src) => statSync(src).isDirectory() || src.endsWith(".d.ts"),
  });
}
const TYPE_IMPORT = new RegExp(
  `^import \\{([^}]*)\\} from ['"](${[...LEFT_OUT, "table", "papaparse", "node-fetch"].join("|").replace(/[.]/g, "\\.")})['"];$`,
  "gm",
);
for (const file of walk(typesDir)) {
  const text = readFileSync(file, "utf8");
  const rewritten = text.replace(TYPE_IMPORT, (_, names) =>
    names
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => `type ${n} = any;`)
      .join(" "),
  );
  if (rewritten !== text) writeFileSync(file, rewritten);
}
// CommonJS context: danfo's declarations use extensionless relative imports
writeFileSync(join(typesDir, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
writeFileSync(
  join(typesDir, "index.d.ts"),
  `// danfo.js ${danfoVersion} type declarations (see scripts/build-vendor.mjs)\nexport * from "./danfojs-browser/src/index.js";\n`,
);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (name.endsWith(".d.ts")) yield path;
  }
}
