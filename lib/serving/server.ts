import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import { HomeforgeError } from "../core/errors.js";
import { packageVersion } from "../core/version.js";
import { rankPairs } from "../models/synergy/detectSynergies.js";
import { homeSynergyGraph } from "../models/synergy/homeSynergyGraph.js";
import type { SynergyHomeData } from "../models/synergy/synergyHome.js";
import { ConflictError, NotFoundError, ServiceUnavailableError, toErrorBody } from "./httpErrors.js";
import { registerModelRoutes } from "./modelRoutes.js";
import type { SlotLog } from "./modelSlot.js";
import {
  type AbSplit,
  type Arm,
  assignArm,
  checkAbSplit,
  type LoggedPrediction,
  type OnlineAbStore,
} from "./onlineAb.js";
import {
  type DeviceHistory,
  deviceInput,
  deviceProbability,
  historyInput,
  riskLevel,
  type TelemetryRow,
} from "./predictDevice.js";
import {
  detectBodySchema,
  detectResponseSchema,
  errorResponses,
  feedbackBodySchema,
  feedbackResponseSchema,
  predictBodySchema,
  predictResponseSchema,
} from "./schemas.js";
import { type ScorerChoice, ServedModels } from "./servedModels.js";

/** What the service needs of the A/B store (OnlineAbStore). */
export type AbStore = Pick<OnlineAbStore, "logPredictions" | "recordFeedback" | "close">;

export interface ServerOptions {
  /** Registry root. */
  modelsDir: string;
  /** The failure router (or one classifier) served at production (default failure-router). */
  router?: string;
  /** The synergy model served at production (default synergy-gnn). */
  synergyModel?: string;
  /** Largest accepted request body in bytes (default 4 MiB); larger ones get 413. */
  bodyLimit?: number;
  /** How often served aliases are checked for a promotion or rollback, ms (default 1000; 0: never). */
  watchIntervalMs?: number;
  /** Online A/B: split devices between two refs of one router or classifier. */
  ab?: AbSplit | null;
  /** Where an A/B experiment's predictions and feedback go (required for feedback). */
  abStore?: AbStore | null;
  /** Fastify's request logger (default off). */
  logger?: boolean | { level: string };
  /** "fast" (default): the classifiers' networks in plain JS where that matches TF.js; "tfjs": TF.js predict. */
  scorer?: ScorerChoice;
  /** How long GET /api/predictions/models/health reuses a report, ms (default 5000). */
  healthCacheMs?: number;
  /** Model loading and swap messages (default: stderr). */
  log?: SlotLog;
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

const served = new WeakMap<FastifyInstance, ServedModels>();

/** The models a server built by createServer serves (for tests and the CLI's messages). */
export function servedModelsOf(app: FastifyInstance): ServedModels {
  const models = served.get(app);
  if (!models) throw new Error("not a homeforge server");
  return models;
}

const unavailable = (problem: string) => new ServiceUnavailableError(problem);

/**
 * The homeforge HTTP service as a Fastify instance, not listening (tests call `app.inject`;
 * `startServer` listens). Models are loaded once before it returns and followed by their
 * aliases (ServedModels); `app.close()` stops the watcher, disposes them and closes the A/B store.
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const ab = options.ab ? checkAbSplit(options.ab) : null;
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: options.logger ?? false,
    // answers are what the schema says, nothing coerced or silently dropped
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allowUnionTypes: true,
      },
    },
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
  });
  // JSON only: anything else (text/plain included) is 415
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string" },
    app.getDefaultJsonParser("error", "error"),
  );

  const log: SlotLog =
    options.log ?? ((level, message) => console.error(`homeforge serve: ${level}: ${message}`));
  const models = await ServedModels.open({
    modelsDir: options.modelsDir,
    router: options.router,
    synergyModel: options.synergyModel,
    ab,
    watchIntervalMs: options.watchIntervalMs,
    scorer: options.scorer,
    log,
  });
  served.set(app, models);
  const store = options.abStore ?? null;
  app.addHook("onClose", async () => {
    models.close();
    store?.close();
  });

  app.setErrorHandler((error, request, reply) => {
    const body = toErrorBody(error);
    if (body.statusCode >= 500 && body.statusCode !== 503) request.log.error(error);
    if (body.statusCode === 500)
      log("warn", `${request.method} ${request.url}: ${(error as Error).stack ?? error}`);
    reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      statusCode: 404,
      error: "Not Found",
      message: `${request.method} ${request.url.split("?")[0]}: no such route; see the routes in /docs/json`,
    });
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "homeforge",
        description: "Failure predictions and device synergies from the homeforge model registry",
        version: packageVersion(),
      },
    },
  });

  // the experiment is named by the model under test (onlineAb.ts)
  const experiment = ab ? ab.model : null;
  app.post(
    "/api/predictions/predict",
    {
      schema: {
        summary: "failure probability of devices, routed by home type to the served classifier",
        description:
          "Body: `telemetry` (one device's rows, its last day scored) or `devices` (a batch). risk_level: high at ≥ threshold, medium at ≥ threshold / 2, low below.",
        body: predictBodySchema,
        response: { 200: predictResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body as DeviceEntry & { devices?: DeviceEntry[] };
      const given = [body.telemetry, body.history, body.devices].filter((x) => x !== undefined).length;
      if (given !== 1)
        throw new HomeforgeError(
          "body",
          given === 0
            ? "has none of telemetry, history or devices"
            : "has more than one of telemetry, history and devices",
          "send { telemetry: [rows] } or { history: { device, days, features } } for one device, or { devices: [{ telemetry | history }, …] } for a batch",
        );
      // every device checked before any is scored or logged
      const devices = body.devices
        ? body.devices.map((d, i) => entryInput(d, `body.devices[${i}]`))
        : [entryInput(body, "body")];
      const predictions = devices.map(({ table, last, homeId, entityId, homeType, day }) => {
        const arm: Arm = ab ? assignArm(homeId, entityId, ab) : "a";
        return models.failure[arm]!.use((serving) => {
          const classifier = serving.servedFor(homeType);
          const probability = deviceProbability(classifier, table, last);
          const threshold = classifier.classifier.threshold;
          return {
            prediction_id: randomUUID(),
            home_id: homeId,
            entity_id: entityId,
            day,
            probability,
            risk_level: riskLevel(probability, threshold),
            threshold,
            served_model: classifier.name,
            served_version: classifier.version,
            router: { name: serving.name, version: serving.version },
            arm: ab ? arm : null,
          };
        }, unavailable);
      });
      if (store && experiment) {
        const at = new Date().toISOString();
        store.logPredictions(
          predictions.map(
            (p): LoggedPrediction => ({
              prediction_id: p.prediction_id,
              experiment,
              arm: p.arm!,
              served_model: p.served_model,
              served_version: p.served_version,
              home_id: p.home_id,
              entity_id: p.entity_id,
              day: p.day,
              probability: p.probability,
              threshold: p.threshold,
              logged_at: at,
            }),
          ),
        );
      }
      return { predictions };
    },
  );

  app.post(
    "/api/predictions/feedback",
    {
      schema: {
        summary: "the observed outcome of a logged prediction (online A/B): 1 = failed within 7 days",
        body: feedbackBodySchema,
        response: { 200: feedbackResponseSchema, 409: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => {
      const { prediction_id, label } = request.body as { prediction_id: string; label: 0 | 1 };
      if (!store)
        throw new ConflictError(
          "prediction_id",
          "no online A/B experiment is running, so predictions are not logged",
          "start the service with an A/B split (homeforge serve --ab-b candidate)",
        );
      if (!store.recordFeedback(prediction_id, label))
        throw new NotFoundError(
          "prediction_id",
          `${prediction_id} is not a logged prediction`,
          "send the prediction_id of an answer of /api/predictions/predict",
        );
      return { prediction_id, label, recorded: true };
    },
  );

  app.post(
    "/api/synergies/detect",
    {
      schema: {
        summary: "a home's candidate trigger→action device pairs ranked by the served synergy model",
        description:
          "Body: SynergyHomeData (lib/models/synergy/synergyHome.ts) with events as columns; optional top and history_days.",
        body: detectBodySchema,
        response: { 200: detectResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { top, history_days, ...home } = request.body as Omit<SynergyHomeData, "truth"> & {
        top?: number;
        history_days?: number;
      };
      const graph = homeSynergyGraph(home as SynergyHomeData, history_days ?? null);
      return models.synergy.use(({ name, version, model }) => {
        const scores = model.predict([graph]);
        const pairs = rankPairs([graph], scores, model.threshold, top).map(
          ({ home_id: _h, linked: _l, ...p }) => p,
        );
        return {
          home_id: graph.homeId,
          model: { name, version, threshold: model.threshold },
          history_days: history_days ?? null,
          pairs,
        };
      }, unavailable);
    },
  );

  registerModelRoutes(app, options.modelsDir, models, options.healthCacheMs);
  app.get("/docs/json", { schema: { hide: true } }, async () => app.swagger());
  return app;
}

export interface StartedServer {
  app: FastifyInstance;
  url: string;
  /** Stops accepting, lets requests in flight finish, closes the models and stores. */
  close(): Promise<void>;
}

export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * createServer, listening on `host:port` (default 127.0.0.1:8080; port 0 = any free port).
 * Warns through `log` when the host is not a loopback address.
 */
export async function startServer(
  options: ServerOptions & { port?: number; host?: string },
): Promise<StartedServer> {
  const host = options.host ?? "127.0.0.1";
  const log: SlotLog =
    options.log ?? ((level, message) => console.error(`homeforge serve: ${level}: ${message}`));
  if (!LOOPBACK_HOSTS.has(host))
    log(
      "warn",
      `listening on ${host}, not loopback: anyone who can reach it can use the service (no authentication)`,
    );
  const app = await createServer({ ...options, log });
  const address = await app.listen({ port: options.port ?? 8080, host });
  return { app, url: address, close: () => app.close() };
}

type DeviceEntry = { telemetry?: TelemetryRow[]; history?: DeviceHistory };

/** A device of the body: rows or a columnar history (exactly one). */
function entryInput(entry: DeviceEntry, field: string) {
  if ((entry.telemetry === undefined) === (entry.history === undefined))
    throw new HomeforgeError(
      field,
      entry.telemetry === undefined ? "has neither telemetry nor history" : "has both telemetry and history",
      "give each device either telemetry rows or a history in columns",
    );
  return entry.telemetry
    ? deviceInput(entry.telemetry, `${field}.telemetry`)
    : historyInput(entry.history!, `${field}.history`);
}
