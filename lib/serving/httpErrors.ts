import type { FastifyError } from "fastify";
import { HomeforgeError } from "../core/errors.js";

/** A served model is absent or failed to load: HTTP 503 with the reason. */
export class ServiceUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(problem: string) {
    super(problem);
    this.name = "ServiceUnavailableError";
  }
}

/** A request that names something the service does not know (e.g. a prediction id): HTTP 404. */
export class NotFoundError extends HomeforgeError {
  readonly statusCode = 404;
}

/** A request the service cannot honour in its current configuration: HTTP 409. */
export class ConflictError extends HomeforgeError {
  readonly statusCode = 409;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
  problem?: string;
  fix?: string;
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  404: "Not Found",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/devices/0/telemetry/3/day` → `body.devices[0].telemetry[3].day`. */
export function fieldPath(context: string, instancePath: string, child?: unknown): string {
  let out = context;
  for (const part of instancePath.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return typeof child === "string" ? `${out}.${child}` : out;
}

function validationBody(error: FastifyError): ErrorBody {
  const first = (error.validation as unknown as AjvError[])[0];
  const context = error.validationContext ?? "body";
  const child = first.params.missingProperty ?? first.params.additionalProperty;
  const field = fieldPath(context, first.instancePath, child);
  let problem = first.message ?? "is invalid";
  if (first.keyword === "required") problem = "is missing";
  else if (first.keyword === "additionalProperties") problem = "is not a known field";
  const fix =
    first.keyword === "additionalProperties"
      ? "remove it (field names are case-sensitive; see the OpenAPI document at /docs/json)"
      : "see the request schema in the OpenAPI document at /docs/json";
  return errorBody(400, field, problem, fix);
}

export function errorBody(statusCode: number, field: string, problem: string, fix: string): ErrorBody {
  return {
    statusCode,
    error: REASONS[statusCode] ?? "Error",
    message: `${field}: ${problem}; ${fix}`,
    field,
    problem,
    fix,
  };
}

/** The problem part of a HomeforgeError's message (`field: problem; fix`). */
function problemOf(e: HomeforgeError): string {
  const m = e.message;
  const start = m.startsWith(`${e.field}: `) ? e.field.length + 2 : 0;
  const end = m.endsWith(`; ${e.fix}`) ? m.length - e.fix.length - 2 : m.length;
  return m.slice(start, end);
}

/**
 * Every error as a JSON answer: schema failures and HomeforgeErrors → 400 naming the field,
 * Fastify's own client errors (invalid JSON 400, too large 413, wrong content type 415, …)
 * with their status, an absent model → 503. Anything else is the service's fault: 500,
 * logged, without internals in the answer.
 */
export function toErrorBody(error: unknown): ErrorBody {
  const e = error as FastifyError;
  if (e?.validation) return validationBody(e);
  if (error instanceof HomeforgeError) {
    const status = (error as { statusCode?: number }).statusCode ?? 400;
    return errorBody(status, error.field, problemOf(error), error.fix);
  }
  if (error instanceof ServiceUnavailableError)
    return { statusCode: 503, error: REASONS[503], message: error.message };
  const status = typeof e?.statusCode === "number" ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message = (e.message ?? "bad request").split("\n")[0];
    return { statusCode: status, error: REASONS[status] ?? "Client Error", message };
  }
  return { statusCode: 500, error: REASONS[500], message: "internal error (logged by the service)" };
}
