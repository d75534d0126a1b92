import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHECKSUMS_FILE, checksumsText, sha256Text } from "../../lib/models/registry/registry.js";

/**
 * Rewrites one file of a saved version and makes meta.json and checksums.json agree with
 * it, as a careful forger would: the registry's hashes all match, so only what reads the
 * contents (a kind's check, loading, a probe) can object.
 */
export function forgeVersionFile(versionDir: string, file: string, contents: string | Buffer): void {
  const metaPath = join(versionDir, "meta.json");
  const meta = JSON.parse(readFileSync(metaPath, "utf8"));
  writeFileSync(join(versionDir, file), contents);
  const hash = sha256Text(contents);
  if (file in meta.files) meta.files[file] = hash;
  if (file === "weights.bin") meta.weights_sha256 = hash;
  const metaText = `${JSON.stringify(meta, null, 2)}\n`;
  writeFileSync(metaPath, metaText);
  const listed = JSON.parse(readFileSync(join(versionDir, CHECKSUMS_FILE), "utf8")).files;
  writeFileSync(
    join(versionDir, CHECKSUMS_FILE),
    checksumsText({ ...listed, [file]: hash, "meta.json": sha256Text(metaText) }),
  );
}
