/**
 * An error a user can act on: it names what is wrong (`field`) and how to fix it.
 * The CLI prints `error: <message>` on one line and exits with `exitCode`.
 */
export class HomeforgeError extends Error {
  readonly field: string;
  readonly fix: string;
  readonly exitCode: number;

  constructor(field: string, problem: string, fix: string, exitCode = 2) {
    super(`${field}: ${problem}; ${fix}`);
    this.name = "HomeforgeError";
    this.field = field;
    this.fix = fix;
    this.exitCode = exitCode;
  }
}

export function isHomeforgeError(e: unknown): e is HomeforgeError {
  return e instanceof HomeforgeError;
}
