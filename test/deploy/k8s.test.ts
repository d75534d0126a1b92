// deploy/k8s/: every manifest validated against the Kubernetes API schema (kubernetes-models),
// plus what the schema cannot see: the manifests agree with each other and with homeforge.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Job } from "kubernetes-models/batch/v1/Job";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { parseGenerationConfig } from "../../lib/pipeline/generation/config.js";
import { shardDirGlob } from "../../lib/pipeline/shards/shardSpec.js";

const DIR = "deploy/k8s";
const read = (file: string) => parse(readFileSync(join(DIR, file), "utf8"));

const pvc = new PersistentVolumeClaim(read("pvc.yaml"));
const configMap = new ConfigMap(read("configmap.yaml"));
const generate = new Job(read("generate-job.yaml"));
const merge = new Job(read("merge-job.yaml"));

test("every manifest is valid against the Kubernetes API schema", () => {
  for (const model of [pvc, configMap, generate, merge]) model.validate();
});

test("the schema validation rejects a wrong type, an unknown enum value, a missing required field", () => {
  const wrongType = read("generate-job.yaml");
  wrongType.spec.completions = "ten";
  assert.throws(() => new Job(wrongType).validate(), /completions/);
  const badMode = read("generate-job.yaml");
  badMode.spec.completionMode = "Sharded";
  assert.throws(() => new Job(badMode).validate(), /completionMode/);
  const noTemplate = read("merge-job.yaml");
  delete noTemplate.spec.template;
  assert.throws(() => new Job(noTemplate).validate(), /template/);
});

/** The fields a kubernetes-models type declares (its schema lets unknown fields through). */
const declared = (dts: string) =>
  new Set(
    [...readFileSync(`node_modules/kubernetes-models/${dts}.d.ts`, "utf8").matchAll(/^\s*"(\w+)"\??:/gm)].map(
      (m) => m[1],
    ),
  );
const JOB_SPEC = declared("batch/v1/JobSpec");
const POD_SPEC = declared("v1/PodSpec");
const CONTAINER = declared("v1/Container");

type Fields = Record<string, unknown>;
interface JobShape {
  spec: Fields & { template: { spec: Fields & { containers: Fields[] } } };
}

function unknownFields(job: JobShape): string[] {
  const extra = (o: Record<string, unknown>, known: Set<string>, at: string) =>
    Object.keys(o)
      .filter((k) => !known.has(k))
      .map((k) => `${at}.${k}`);
  const pod = job.spec.template.spec;
  return [
    ...extra(job.spec, JOB_SPEC, "spec"),
    ...extra(pod, POD_SPEC, "spec.template.spec"),
    ...pod.containers.flatMap((c) => extra(c, CONTAINER, "containers[]")),
  ];
}

test("no field the Job, pod or container types do not declare (a typo the schema lets through)", () => {
  assert.ok(JOB_SPEC.has("backoffLimitPerIndex") && CONTAINER.has("volumeMounts"));
  for (const file of ["generate-job.yaml", "merge-job.yaml"])
    assert.equal(unknownFields(read(file)), [], file);
  const typo = read("generate-job.yaml");
  typo.spec.completionsMode = "Indexed";
  typo.spec.template.spec.containers[0].volumeMount = [];
  new Job(typo).validate();
  assert.equal(unknownFields(typo), ["spec.completionsMode", "containers[].volumeMount"]);
});

const container = (job: Job) => job.spec!.template.spec!.containers[0];
const env = (job: Job, name: string) => container(job).env?.find((e) => e.name === name)?.value;

test("the generate Job is Indexed and tells each pod the shard count it runs", () => {
  const spec = generate.spec!;
  assert.is(spec.completionMode, "Indexed");
  assert.ok((spec.completions ?? 0) > 1);
  // Kubernetes sets JOB_COMPLETION_INDEX only: the count must be spelled out, equal
  assert.is(env(generate, "JOB_COMPLETIONS"), String(spec.completions));
  // backoffLimitPerIndex needs restartPolicy Never (the API server refuses it otherwise)
  assert.ok(spec.backoffLimitPerIndex !== undefined);
  assert.is(spec.template.spec!.restartPolicy, "Never");
  const args = container(generate).args!;
  assert.ok(
    args[0] === "generate" && args.includes("--config") && args.includes("--no-lineage"),
    args.join(" "),
  );
  assert.not.ok(args.includes("--shard"), "the shard comes from the Job's variables");
});

test("the merge Job reads the shards the generate Job writes, on the same volume and image", () => {
  const claim = (job: Job) => job.spec!.template.spec!.volumes!.find((v) => v.persistentVolumeClaim)!;
  assert.is(claim(generate).persistentVolumeClaim!.claimName, pvc.metadata!.name);
  assert.is(claim(merge).persistentVolumeClaim!.claimName, pvc.metadata!.name);
  assert.ok(pvc.spec!.accessModes!.includes("ReadWriteMany"));
  assert.is(container(merge).image, container(generate).image);
  const dataDir = env(generate, "HOMEFORGE_DATA_DIR")!;
  const [command, out, glob] = container(merge).args!;
  assert.is(command, "merge");
  assert.ok(out.startsWith(`${dataDir}/`), out);
  assert.is(glob, join(dataDir, shardDirGlob("ds_*", generate.spec!.completions!)));
  const mount = container(generate).volumeMounts!.find((m) => m.name === claim(generate).name)!;
  assert.ok(dataDir.startsWith(`${mount.mountPath}/`));
});

test("the ConfigMap's config is one homeforge parses, and the pods' memory covers a shard", () => {
  const config = parseGenerationConfig(parse(configMap.data!["config.yaml"]));
  assert.ok(config.homes >= generate.spec!.completions!);
  const mounted = generate.spec!.template.spec!.volumes!.find((v) => v.configMap)!;
  assert.is(mounted.configMap!.name, configMap.metadata!.name);
  const gib = (q: unknown) => Number(String(q).replace(/Gi$/, ""));
  const resources = container(generate).resources!;
  assert.ok(
    gib(resources.requests!.memory) >= 1.5,
    "bench:scale measures ≤ 1.5 GB for 1 000 homes × 365 days",
  );
  assert.ok(gib(resources.limits!.memory) >= gib(resources.requests!.memory));
});

test("the Dockerfile's entrypoint is the package's bin", () => {
  const dockerfile = readFileSync(join(DIR, "Dockerfile"), "utf8");
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  assert.ok(pkg.bin.homeforge);
  assert.match(dockerfile, /^ENTRYPOINT \["homeforge"\]$/m);
  assert.match(dockerfile, /^FROM node:20-slim/m);
  assert.match(dockerfile, /npm install --global --omit=dev/);
});

test.run();
