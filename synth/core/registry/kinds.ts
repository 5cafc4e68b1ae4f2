import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import type { CostEstimate } from '../../../knowledge-base/cost.ts';
import type { CloudId, ResourceKind } from '../../../knowledge-base/types.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { ParsedFile } from '../parse/parse.ts';
import type { SettingsModel } from '../resolve/settings.ts';

export type JsonSchema = { [k: string]: unknown };

export interface KindContext {
  file: string;
  parsed: ParsedFile;
  settings: SettingsModel;
  /** The wall clock at the edge; tests pass a fixed date so time-dependent checks never rot. */
  now?: Date;
  /** Downtime acknowledged outside the file for this change (a pull-request label, a CLI flag): why. */
  acknowledgedDowntime?: string;
  /**
   * Other documents of the repository at the same ref, by kind and `metadata.name` (what the
   * kind's `references` names). Absent where there is no repository (one file in the editor):
   * a kind then says the reference was not checked.
   */
  lookup?: (kind: string, name: string) => ReferencedDoc | undefined;
}

/** A document another one names, found at the same ref. */
export interface ReferencedDoc {
  kind: string;
  name: string;
  file: string;
  /** The resolved model; undefined when the file has errors (its own review reports them). */
  model?: unknown;
}

/** One document named by another: its kind and name, and where the naming file says so. */
export interface Reference {
  kind: string;
  name: string;
  /** Path of the field that names it (for positioned diagnostics); empty when implied. */
  path: (string | number)[];
  /** An implied reference (a default the file does not name): its absence is no error. */
  optional?: boolean;
}

/**
 * Documents of other files a kind reads while checking and resolving (a Website's Profile). The
 * core finds them at the same ref (`KindContext.lookup`) and reviews the naming files again when
 * a named file changes.
 */
export interface ReferencesCapability {
  /** The kinds this kind may name. */
  kinds: string[];
  /** What a schema-valid document names (never throws on odd data: return what can be read). */
  of(data: unknown): Reference[];
}

/** Who a resource belongs to: names, tags and cost allocation derive from it. */
export interface Subject {
  name: string;
  project: string;
  org: string;
  labels: Record<string, string>;
}

/**
 * A kind with cloud infrastructure: it is planned on every registered cloud, priced, budgeted
 * and synthesized. Optional: a Pipeline has no cloud and no budget.
 */
export interface InfrastructureCapability<M> {
  subject(model: M): Subject;
  primaryCloud(model: M): CloudId;
  /**
   * The resource types the kind's stack holds (default: a server stack, SERVER_STACK_KINDS): a
   * cloud offers a region for the kind only where each of them has a price there.
   */
  stackKinds?: readonly ResourceKind[];
  /** Cloud plans: the model's own cloud first, then the other registered clouds (comparisons, or kept during a migration). */
  plan(model: M): CloudPlan[];
  /**
   * A move to another cloud as the review explains it: how the data gets across and the cut-over
   * steps, given the plan kept on the old cloud and the new one.
   */
  migration?(model: M, from: CloudPlan, to: CloudPlan): MigrationPath;
  /** The kind's own monthly budget, and where it is written (for the diagnostic's position). */
  budget?(model: M): { monthlyUsd: number; path: string[] } | undefined;
  /** Servers a cloud plan runs, for operator quotas (maxVms). */
  servers(plan: CloudPlan): number;
  /** Short advice for the review (cheaper cloud, risky settings). */
  advise?(model: M, plans: CloudPlan[], costs: CostEstimate[]): string[];
  /**
   * What the kind's servers run, for the clouds' constructs (descriptions, first-boot script).
   * Absent while no cloud builds the kind's stack yet: the review prices and compares it, and
   * synthesis refuses it with that reason.
   */
  workload?: Workload<M>;
}

/**
 * One apply-time value a workload's servers read from their tags or metadata: the attribute of
 * one of the plan's abstract resources (by its key), as the cloud's constructs expose it.
 */
export interface InstanceValue {
  /** Lowercase letters, digits and hyphens: the tag `autostack-<name>`, read with `instance_value <name>`. */
  name: string;
  /** The `key` of the plan's abstract resource (`mysql/shop`). */
  resource: string;
  /**
   * What of it: `host` (the DNS name or private address clients connect to: a managed MySQL's
   * endpoint, a cache's primary endpoint), `nfs-export` (`host:/path` of a file share's NFS export)
   * or `password-secret` (the name or id, in the stack's secret store, of the secret whose whole
   * value is a database user's password: the stack writes it, the servers only read it with
   * `secret_read NAME`).
   */
  attribute: 'host' | 'nfs-export' | 'password-secret';
  /** Said in descriptions and errors ("the MySQL server's address"). */
  description: string;
}

/** How a migration moves the data: its steps in order, and how much data leaves the old cloud. */
export interface MigrationPath {
  steps: string[];
  /** Data copied out of the old cloud (the latest backup and the WAL since), in GiB, with how it was estimated. */
  transferGiB: number;
  assumption: string;
}

/**
 * A server workload as the clouds' constructs see it: words for descriptions and the first-boot script.
 *
 * `index` counts the plan's server resources of one kind in plan order: the `vm` resources
 * (server 0 is the primary) or the `instance-group` resources (group 0 in the primary region).
 * Every instance of a group runs the same script and applies the same document.
 */
export interface Workload<M> {
  /** "PostgreSQL": in resource descriptions. */
  title: string;
  /** Stable prefix of Terraform addresses and names ("postgres"); never change it for a deployed kind. */
  slug: string;
  /** The first-boot script of server or group `index`, given how the server reaches its cloud. */
  bootScript(model: M, plan: CloudPlan, index: number, access: CloudAccess): string;
  /**
   * Day-2 configuration of server or group `index` (the document its agent applies in place), stored by the
   * cloud in the stack's bucket at `key`: a change updates the object, never the server.
   */
  serverConfig?(model: M, plan: CloudPlan, index: number, access: CloudAccess): { key: string; content: string };
  /**
   * Values only known once the stack is applied (a managed database's address), which the cloud
   * sets on each server of group `index` as the tag or metadata value `autostack-<name>`; the
   * server reads them with `instance_value <name>` (CloudAccess.shellFunctions). The script and
   * the document never hold them, so they stay literal text within the user-data limits.
   */
  instanceValues?(model: M, plan: CloudPlan, index: number): InstanceValue[];
  /** The managed database the stack creates for the servers: database name, user and port. */
  database?: { name: string; user: string; port: number };
  /** How the cloud runs instance group `index` (a kind whose servers form groups behind a load balancer). */
  group?(model: M, plan: CloudPlan, index: number): GroupPolicy;
  /** Terraform outputs of the stack, described in the kind's words; `secret` says what the secret holds. */
  outputs: { primaryAddress: string; secret?: string; backupSchedule?: string };
}

/**
 * An instance group's size, scaling and rollout, structured for the clouds' group constructs: they
 * map it to their native mechanism (instance refresh, VM Scale Set rolling upgrades, managed
 * instance group updates), never parse a plan's display text.
 */
export interface GroupPolicy {
  min: number;
  max: number;
  /** Average CPU percent the group's autoscaler tracks; absent: a fixed size, CPU above `notifyAbovePercent` only alerts. */
  cpuTarget?: number;
  notifyAbovePercent?: number;
  /** HTTP path the load balancer and the rollout judge a server by (200: healthy). */
  healthPath: string;
  /**
   * `rolling`: servers replaced a batch at a time; `canary`: the new version on `steps` percent of
   * the servers in turn, waiting `pauseSeconds` between steps; `blueGreen`: a full new set, healthy
   * on `verifyPath`, before any old server stops. Each rolls back when health checks fail.
   */
  rollout: { strategy: 'rolling' } | { strategy: 'canary'; steps: number[]; pauseSeconds: number } | { strategy: 'blueGreen'; verifyPath: string };
}

/**
 * How a server reaches its cloud, provided by the cloud: object storage (by protocol, so a kind
 * maps it to its own tools), and shell constants and functions for the servers' scripts:
 * `instance_value NAME` (a tag or metadata value), `ensure_cloud_cli PACKAGE_SOURCE EGRESS` (never
 * downloads with egress none), `config_read KEY` (an object of the stack's bucket on stdout: the
 * server's configuration document), `secret_read [NAME]` (the stack's own secret, or the secret
 * NAME of the stack's secret store: an InstanceValue `password-secret`), `secret_write` (value on
 * stdin, to the stack's own secret).
 */
export interface CloudAccess {
  storage: { protocol: 's3'; bucket: string; region: string; endpoint: string } | { protocol: 'azure-blob'; account: string; container: string } | { protocol: 'gcs'; bucket: string };
  shellConstants: string[];
  shellFunctions: string;
}

/** A kind that generates files (a pipeline exported to CI systems) instead of, or besides, infrastructure. */
export interface ExportCapability<M> {
  /** Export targets (registered in synth/core/registry/targets.ts) this model is exported to. */
  targets(model: M): string[];
  /** The cloud-agnostic input the targets render. */
  graph(model: M): unknown;
}

/** A document as the editor holds it (parsed YAML). */
export type EditorDoc = Record<string, any>;

/** One property of the editor's panel, bound to a dotted path in the document. */
export interface EditorField {
  path: string;
  label: string;
  type: 'text' | 'number' | 'select' | 'list' | 'checkbox';
  options?: string[];
  /** What the user reads for an option (a cloud's display name for its id); the option itself otherwise. */
  optionLabels?: Record<string, string>;
  /** Shown only when this holds (e.g. the vCPU field only when sizing by vCPU). */
  when?: (doc: EditorDoc) => boolean;
}

/** Mutually exclusive ways to fill a section (size by vCPU, by name or by instance type). */
export interface EditorModes {
  label: string;
  choices: [id: string, label: string][];
  current(doc: EditorDoc): string;
  /** The document switched to another mode. */
  apply(doc: EditorDoc, mode: string): EditorDoc;
}

/** What the visual editor shows for a kind: the site asks the registry and never names a kind. */
export interface EditorCapability {
  /** The palette entry and the node's heading. */
  title: string;
  description: string;
  /** A new document of this kind, as dropped from the palette (valid as it is). */
  starter(name: string): EditorDoc;
  /** One line on the canvas node. */
  summary(doc: EditorDoc): string;
  /** Read when the panel renders: fields may depend on the clouds registered by then. */
  sections(): { title: string; fields: EditorField[]; modes?: EditorModes }[];
}

/**
 * What a kind of AutoStack file provides: a folder under synth/kinds/ owning its schema,
 * checks, resolve and change words, plus the capabilities it has.
 */
export interface KindDefinition<M = unknown> {
  kind: string;
  /** Hand-written JSON Schema (draft 2020-12) with `x-autostack` placeholders the clouds fill. */
  schema: JsonSchema;
  /** Semantic checks on schema-valid data; every problem is a positioned diagnostic. */
  check(data: unknown, ctx: KindContext): Diagnostic[];
  /** A fully specified model with every default applied. */
  resolve(data: unknown, ctx: KindContext): M;
  name(model: M): string;
  project(model: M): string;
  /** Changes that cannot be applied safely (a disk shrinking), as diagnostics on the head file. */
  checkTransition?(before: M, after: M, ctx: KindContext): Diagnostic[];
  /** Spec changes in the user's words ("storage 50 → 100 GiB"). */
  describeChanges(before: M, after: M): string[];
  /** Documents of other files this kind names (see ReferencesCapability). */
  references?: ReferencesCapability;
  infrastructure?: InfrastructureCapability<M>;
  export?: ExportCapability<M>;
  editor?: EditorCapability;
}

const kinds = new Map<string, KindDefinition>();
let version = 0;

export function registerKind<M>(definition: KindDefinition<M>): void {
  kinds.set(definition.kind, definition as unknown as KindDefinition);
  version++;
}

export function unregisterKind(kind: string): void {
  if (kinds.delete(kind)) version++;
}

export function kindDefinition(kind: string): KindDefinition | undefined {
  return kinds.get(kind);
}

export function registeredKinds(): string[] {
  return [...kinds.keys()];
}

export function registeredKindDefinitions(): KindDefinition[] {
  return [...kinds.values()];
}

/** Changes whenever a kind is registered or removed (caches of composed schemas key on it). */
export function kindsVersion(): number {
  return version;
}

/** The kinds some registered kind names in other files: a change to one of them re-reviews the files naming it. */
export function referencedKinds(): string[] {
  return [...new Set([...kinds.values()].flatMap((k) => k.references?.kinds ?? []))];
}
