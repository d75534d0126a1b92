import * as assert from "uvu/assert";
import { HomeforgeError } from "../../lib/core/errors.js";

/** Asserts that `fn` throws (or rejects with) a one-line HomeforgeError matching `pattern`. */
export async function expectHomeforgeError(fn: () => unknown, pattern: RegExp): Promise<HomeforgeError> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, HomeforgeError, (e as Error).message);
    assert.not.match((e as Error).message, /\n/, "one line");
    assert.match((e as Error).message, pattern);
    return e as HomeforgeError;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
  throw new Error("unreachable");
}
