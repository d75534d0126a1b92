import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { checksumsText, sha256Text } from "../../lib/models/registry/registry.js";

/**
 * A sound registry version (`<models>/<name>/<version>`, every file hashed in checksums.json)
 * of a kind no homeforge command serves or compares ("toy"): for the "wrong kind" errors.
 */
export function toyModelVersion(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const meta = {
    format: "homeforge-model",
    format_version: 1,
    name: basename(dirname(dir)),
    version: basename(dir),
    kind: "toy",
    files: {},
  };
  const files: Record<string, string> = {
    "meta.json": `${JSON.stringify(meta, null, 2)}\n`,
    "metrics.json": "{}\n",
    "card.md": "# toy\n",
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const hashes = Object.fromEntries(Object.entries(files).map(([f, t]) => [f, sha256Text(t)]));
  writeFileSync(join(dir, "checksums.json"), checksumsText(hashes));
}
