import { HomeforgeError } from "../../core/errors.js";
import { ALIAS_NAMES } from "./registry.js";

/** `NAME[@REF]` → name and ref; a one-line error naming `field` for anything else. */
export function parseModelRef(text: string, field = "model"): { name: string; ref: string } {
  const m = /^([a-z0-9][a-z0-9_.-]*)(?:@(.*))?$/i.exec(text);
  if (!m) {
    throw new HomeforgeError(
      field,
      `"${text}" is not a model reference`,
      "pass NAME or NAME@REF, e.g. failure-router@production, failure-global@3",
    );
  }
  const ref = m[2] ?? "production";
  if (!(ALIAS_NAMES as readonly string[]).includes(ref) && !/^v?[1-9][0-9]*$/.test(ref)) {
    throw new HomeforgeError(
      field,
      `"${ref}" in "${text}" is not a version reference`,
      `after @ pass ${ALIAS_NAMES.join(", ")}, a version like v3, or its number`,
    );
  }
  return { name: m[1], ref };
}
