import type { CloudPlan } from '../../../knowledge-base/cloud-plan.ts';
import { catalogFor } from '../../../knowledge-base/catalog.ts';
import { estimateCost, round2 } from '../../../knowledge-base/cost.ts';
import type { CostEstimate } from '../../../knowledge-base/cost.ts';
import type { CloudId } from '../../../knowledge-base/types.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { KindContext, MigrationPath } from '../registry/kinds.ts';
import { referencedKinds } from '../registry/kinds.ts';
import { hasErrors, sortDiagnostics } from '../diagnostics.ts';
import { diffResources } from '../diff/diff.ts';
import type { ResourceChange } from '../diff/diff.ts';
import { duplicateNames, isResourceDoc, loadDocument } from '../validate/document.ts';
import type { LoadedDoc } from '../validate/document.ts';
import { AUTOSTACK_DIR, changedFiles, isAutostackFile, readAll, SETTINGS_FILE } from '../load/reader.ts';
import type { RepoReader } from '../load/reader.ts';
import { locate } from '../parse/parse.ts';
import { deployBranchDiagnostics } from '../resolve/deploy-branch.ts';
import { loadSettings } from '../resolve/load-settings.ts';
import type { LoadedSettings } from '../resolve/load-settings.ts';
import { DocumentIndex, readIndex, takesPartInReferences } from '../resolve/references.ts';
import { DEFAULT_SETTINGS } from '../resolve/settings.ts';
import type { SettingsModel } from '../resolve/settings.ts';

export type PlanStatus = 'added' | 'changed' | 'removed' | 'unchanged' | 'invalid';

export interface CloudCost {
  cloud: CloudId;
  region: string;
  primary: boolean;
  /** Deployed on the old cloud while a migration moves the data: counted with the plan's own cost. */
  kept: boolean;
  /** Deployed at the base (its own cloud or kept there): counted in the plan's cost before. */
  deployedBefore: boolean;
  monthlyUsdBefore: number | null;
  monthlyUsdAfter: number | null;
  deltaUsd: number | null;
  complete: boolean;
  cheapest: boolean;
  items: CostEstimate['items'];
  unpriced: CostEstimate['unpriced'];
}

export interface PlanReview {
  name: string;
  file: string;
  kind: string;
  status: PlanStatus;
  project: string;
  cloud?: CloudId;
  region?: string;
  changes: string[];
  /** Resources of every cloud at head (or base when removed), with the action relative to base on the same cloud. */
  resources: { cloud: CloudId; kind: string; key: string; type: string; action: ResourceChange['action'] }[];
  /** What a merge would do on the plan's own cloud. */
  deployment: ResourceChange[];
  cost: CloudCost[];
  notes: string[];
  advice: string[];
  /** A move to another cloud: where from and to, the data path and what copying the data out costs. */
  migration?: Migration;
  /** How clients reach it on its own cloud (the cloud plan's `address`), when the kind says. */
  address?: string;
}

export interface Migration {
  from: { cloud: CloudId; region: string };
  to: { cloud: CloudId; region: string };
  steps: string[];
  transferGiB: number;
  /** Internet data transfer out of the old cloud for `transferGiB`; null when that price is unknown. */
  transferUsd: number | null;
  transferPriceSource?: string;
  assumption: string;
}

/** What a plan costs where it is deployed: its own cloud, plus a stack kept during a migration. */
export function deployedCost(p: PlanReview): { before: number | null; after: number | null; delta: number | null; complete: boolean } {
  const now = p.cost.filter((c) => c.primary || c.kept);
  if (now.length === 0) return { before: null, after: null, delta: null, complete: false };
  const was = p.cost.filter((c) => c.deployedBefore);
  const sum = (rows: CloudCost[], f: (c: CloudCost) => number | null) => (rows.some((c) => f(c) === null) ? null : round2(rows.reduce((t, c) => t + f(c)!, 0)));
  const before = sum(was, (c) => c.monthlyUsdBefore);
  const after = sum(now, (c) => c.monthlyUsdAfter);
  return { before, after, delta: before !== null && after !== null ? round2(after - before) : null, complete: now.every((c) => c.complete) };
}

export interface BudgetCheck {
  scope: 'plan' | 'project' | 'repository';
  name: string;
  limitUsd: number;
  estimateUsd: number;
  exceeded: boolean;
  /** False when a price was missing: the estimate is a lower bound and the budget cannot pass. */
  complete: boolean;
  /** The unpriced items (`plan: resource (sku)`) when not complete. */
  unpriced: string[];
}

export interface ReviewResult {
  base: string;
  head: string;
  diagnostics: Diagnostic[];
  plans: PlanReview[];
  budgets: BudgetCheck[];
  totals: { monthlyUsdBefore: number; monthlyUsdAfter: number; deltaUsd: number };
  ok: boolean;
}

interface Side {
  doc?: LoadedDoc;
  plans?: CloudPlan[];
  costs?: CostEstimate[];
}

/**
 * Review of the `.autostack/` changes between two refs:
 * 1. settings at head (and base, so defaults compare like with like)
 * 2. the changed files, loaded at both refs: parse, schema, semantics, resolve
 * 3. per plan: cloud plans for the three clouds, costs, spec and resource diffs, advice
 * 4. duplicate names across files (changed files against the listing)
 * 5. budgets: per plan, per project and for the repository
 */
/** Limits the platform operator sets per organisation (checked over every plan in the repository). */
export interface Quota {
  scope: string;
  maxMonthlyUsd?: number;
  /** Servers the plans may run, counted at their maximum scale (an instance group at its max). */
  maxVms?: number;
  /** Documents per kind (`{ Website: 20 }`): how many of each the organisation's repository may hold. */
  maxPerKind?: Record<string, number>;
}

export interface ReviewOptions {
  quota?: Quota;
  /** The wall clock at the edge; tests pass a fixed date. */
  now?: Date;
  /** Downtime acknowledged for this change outside the files (a pull-request label, a CLI flag): why. */
  acknowledgedDowntime?: string;
  /** The repository's default branch, when known: the settings may not name it as the deploy branch. */
  defaultBranch?: string;
}

export async function reviewChange(reader: RepoReader, base: string, head: string, files?: string[], options: ReviewOptions = {}): Promise<ReviewResult> {
  // Settings first, once per ref: every kind resolves against them.
  const [headSettings, baseSettings] = await Promise.all([loadSettings(reader, head), loadSettings(reader, base)]);
  const changed = files ?? (await changedFiles(reader, base, head, AUTOSTACK_DIR));
  const diagnostics: Diagnostic[] = changed.includes(SETTINGS_FILE) ? [...headSettings.diagnostics] : [];
  // A deploy branch the merge render would refuse fails the review, whether or not this change touches the settings.
  for (const d of deployBranchDiagnostics(headSettings.doc?.parsed, options.defaultBranch)) {
    if (!diagnostics.some((x) => x.file === d.file && x.path === d.path)) diagnostics.push(d);
  }
  const targets = changed.filter((f) => f !== SETTINGS_FILE && isAutostackFile(f));
  // Operator settings come from the base branch, like budgets: a pull request cannot move its sites elsewhere.
  const kindSettings = baseSettings.doc ? { ...headSettings.model, platform: baseSettings.model.platform } : headSettings.model;
  const [baseTexts, headTexts] = await Promise.all([readAll(reader, base, targets), readAll(reader, head, targets)]);
  // Files that name other files' documents (or are named by them): index both refs, and review the files naming a changed document again.
  let indexes: { base: DocumentIndex; head: DocumentIndex } | undefined;
  if (referencedKinds().length > 0 && targets.some((f) => takesPartInReferences(f, baseTexts.get(f)) || takesPartInReferences(f, headTexts.get(f)))) {
    indexes = { base: await readIndex(reader, base, baseSettings.model, options.now), head: await readIndex(reader, head, kindSettings, options.now) };
    const dependents = new Set<string>();
    for (const f of targets) {
      for (const index of [indexes.base, indexes.head]) {
        const id = index.identity(f);
        if (!id) continue;
        for (const d of [...indexes.base.dependents(id.kind, id.name), ...indexes.head.dependents(id.kind, id.name)]) if (!targets.includes(d)) dependents.add(d);
      }
    }
    const added = [...dependents].sort();
    if (added.length) {
      const [b, h] = await Promise.all([readAll(reader, base, added), readAll(reader, head, added)]);
      for (const f of added) {
        targets.push(f);
        baseTexts.set(f, b.get(f));
        headTexts.set(f, h.get(f));
      }
    }
  }
  const plans: PlanReview[] = [];
  const heads: LoadedDoc[] = [];
  const servers = new Map<string, number>();
  for (const file of targets) {
    const before = loadSide(file, baseTexts.get(file), baseSettings.model, options.now, indexes?.base.lookup);
    const after = loadSide(file, headTexts.get(file), kindSettings, options.now, indexes?.head.lookup);
    if (after.doc) {
      diagnostics.push(...after.doc.diagnostics);
      heads.push(after.doc);
      const h = after.doc.handler;
      if (h?.checkTransition && before.doc?.model && after.doc.model && after.doc.parsed) {
        const ack = options.acknowledgedDowntime !== undefined ? { acknowledgedDowntime: options.acknowledgedDowntime } : {};
        diagnostics.push(...h.checkTransition(before.doc.model, after.doc.model, { file, parsed: after.doc.parsed, settings: kindSettings, ...(options.now ? { now: options.now } : {}), ...ack, ...(indexes ? { lookup: indexes.head.lookup } : {}) }));
      }
    }
    const review = reviewPlan(file, before, after);
    if (review) plans.push(review);
    const infra = after.doc?.handler?.infrastructure;
    if (infra && after.plans?.[0]) servers.set(file, after.plans.filter((p) => p.primary || p.kept).reduce((n, p) => n + infra.servers(p), 0));
  }
  diagnostics.push(...(await namesUsedTwice(reader, head, heads)));
  // Policy comes from the base branch: a pull request cannot raise the limits it is checked against.
  const policy = baseSettings.doc ? { ...headSettings.model, budgets: baseSettings.model.budgets, deployBranch: baseSettings.model.deployBranch } : headSettings.model;
  if (baseSettings.doc || headSettings.doc) diagnostics.push(...policyChanges(baseSettings.model, headSettings));
  const unchanged = needsWholeTree(policy) || needsWholeTree(headSettings.model) || options.quota ? await unchangedPlanCosts(reader, head, targets, kindSettings, options.now) : [];
  const budgets = checkBudgets(plans, unchanged, heads, policy);
  diagnostics.push(...budgetDiagnostics(budgets, heads, plans));
  if (options.quota) diagnostics.push(...quotaDiagnostics(options.quota, plans, unchanged, heads, servers));
  const own = plans.map(deployedCost);
  const before = round2(own.reduce((s, c) => s + (c.before ?? 0), 0));
  const after = round2(own.reduce((s, c) => s + (c.after ?? 0), 0));
  sortDiagnostics(diagnostics);
  return {
    base,
    head,
    diagnostics,
    plans,
    budgets,
    totals: { monthlyUsdBefore: before, monthlyUsdAfter: after, deltaUsd: round2(after - before) },
    ok: !hasErrors(diagnostics) && !budgets.some((b) => b.exceeded || !b.complete),
  };
}


function loadSide(file: string, text: string | undefined, settings: SettingsModel, now?: Date, lookup?: KindContext['lookup']): Side {
  if (text === undefined) return {};
  const doc = loadDocument(file, text, settings, { ...(now ? { now } : {}), ...(lookup ? { lookup } : {}) });
  const infra = doc.handler?.infrastructure;
  if (doc.model === undefined || !infra) return { doc };
  const plans = infra.plan(doc.model);
  return { doc, plans, costs: plans.map(estimateCost) };
}

function reviewPlan(file: string, before: Side, after: Side): PlanReview | undefined {
  const doc = after.doc ?? before.doc;
  if (!doc || !isResourceDoc(doc)) return undefined;
  const handler = doc.handler;
  const valid = after.doc ? after.doc.model !== undefined : true;
  const status: PlanStatus = !after.doc ? 'removed' : !valid ? 'invalid' : !before.doc?.model ? (before.doc ? 'changed' : 'added') : 'changed';
  const model = after.doc?.model ?? before.doc?.model;
  const name = (model && handler ? handler.name(model) : doc.name) ?? file;
  const review: PlanReview = { name, file, kind: doc.kind ?? 'unknown', status, project: model && handler ? handler.project(model) : 'default', changes: [], resources: [], deployment: [], cost: [], notes: [], advice: [] };
  if (!handler || !model) return review;
  if (before.doc?.model && after.doc?.model) review.changes = handler.describeChanges(before.doc.model, after.doc.model);
  if (status === 'changed' && review.changes.length === 0 && before.doc?.model) review.status = 'unchanged';
  const infra = handler.infrastructure;
  if (!infra) return review;
  review.cloud = infra.primaryCloud(model);
  review.region = (after.plans ?? before.plans)?.[0]?.region;
  const address = (after.plans ?? before.plans)?.[0]?.address;
  if (address) review.address = address;
  const ownBefore = before.plans?.[0];
  const ownAfter = after.doc ? after.plans?.[0] : undefined;
  const kept = after.doc ? after.plans?.find((p) => p.kept) : undefined;
  if (ownBefore && ownAfter && ownBefore.cloud !== ownAfter.cloud) {
    // A move: the new stack is added; the old one stays while it is kept, or goes.
    const keptBefore = before.plans?.find((p) => p.cloud === kept?.cloud && (p.primary || p.kept));
    review.deployment = [...diffResources(undefined, ownAfter), ...diffResources(kept ? keptBefore : ownBefore, kept)].filter((c) => c.action !== 'no-op');
    if (kept && kept.cloud === ownBefore.cloud && infra.migration) review.migration = migration(infra.migration(model, kept, ownAfter), kept, ownAfter);
  } else {
    const keptBefore = before.plans?.find((p) => p.kept);
    const keptNow = keptBefore ? after.plans?.find((p) => p.kept && p.cloud === keptBefore.cloud) : kept;
    review.deployment = [...diffResources(ownBefore, ownAfter), ...(keptBefore || keptNow ? diffResources(keptBefore, keptNow) : [])].filter((c) => c.action !== 'no-op');
  }
  const shown = after.plans ?? before.plans ?? [];
  for (const plan of shown) {
    const same = (before.plans ?? []).find((p) => p.cloud === plan.cloud);
    const actions = new Map(diffResources(after.doc ? same : plan, after.doc ? plan : undefined).map((c) => [c.key, c.action]));
    for (const r of plan.resources) review.resources.push({ cloud: plan.cloud, kind: r.kind, key: r.key, type: r.type, action: actions.get(r.key) ?? 'no-op' });
    review.notes.push(...plan.notes.map((n) => `${plan.cloud}: ${n}`), ...plan.problems.filter(() => !plan.primary).map((p) => `${plan.cloud}: cannot compare — ${p}`));
  }
  review.cost = costs(before, after);
  if (after.plans && after.costs && infra.advise) review.advice = infra.advise(model, after.plans, after.costs);
  return review;
}

function migration(path: MigrationPath, from: CloudPlan, to: CloudPlan): Migration {
  const price = catalogFor(from.cloud).otherPrice(from.region, 'internet-egress');
  return {
    from: { cloud: from.cloud, region: from.region },
    to: { cloud: to.cloud, region: to.region },
    steps: path.steps,
    transferGiB: path.transferGiB,
    transferUsd: price ? round2(price.price * path.transferGiB) : null,
    ...(price ? { transferPriceSource: `${price.source} (${price.date})` } : {}),
    assumption: path.assumption,
  };
}

function costs(before: Side, after: Side): CloudCost[] {
  const plans = after.plans ?? before.plans ?? [];
  const rows = plans.map((plan): CloudCost => {
    const b = before.costs?.find((c) => c.cloud === plan.cloud);
    const a = after.doc ? after.costs?.find((c) => c.cloud === plan.cloud) : undefined;
    const beforeUsd = before.doc ? (b ? b.monthlyUsd : null) : 0;
    const afterUsd = after.doc ? (a ? a.monthlyUsd : null) : 0;
    const shown = a ?? b;
    return {
      cloud: plan.cloud,
      region: plan.region,
      primary: plan.primary,
      kept: plan.kept === true,
      deployedBefore: (before.plans ?? []).some((p) => p.cloud === plan.cloud && (p.primary || p.kept)),
      monthlyUsdBefore: beforeUsd,
      monthlyUsdAfter: afterUsd,
      deltaUsd: beforeUsd !== null && afterUsd !== null ? round2(afterUsd - beforeUsd) : null,
      complete: shown?.complete ?? false,
      cheapest: false,
      items: shown?.items ?? [],
      unpriced: shown?.unpriced ?? [],
    };
  });
  const comparable = rows.filter((r) => r.complete && (after.doc ? r.monthlyUsdAfter : r.monthlyUsdBefore) !== null);
  const value = (r: CloudCost) => (after.doc ? r.monthlyUsdAfter! : r.monthlyUsdBefore!);
  const min = Math.min(...comparable.map(value));
  for (const r of comparable) if (value(r) === min) r.cheapest = true;
  return rows;
}

/** Names must be unique: changed files against each other, and against the other files' names (by file name). */
async function namesUsedTwice(reader: RepoReader, head: string, docs: LoadedDoc[]): Promise<Diagnostic[]> {
  const changed = new Set(docs.map((d) => d.file));
  const others = new Map<string, string>();
  for (const f of (await reader.list(head, AUTOSTACK_DIR)).filter(isAutostackFile)) {
    if (!changed.has(f) && f !== SETTINGS_FILE && !others.has(basename(f))) others.set(basename(f), f);
  }
  return duplicateNames(docs, others);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.ya?ml$/i, '');
}

/** A change to the repository's policy is called out; it applies from the merge on, never to the change that makes it. */
function policyChanges(base: SettingsModel, head: LoadedSettings): Diagnostic[] {
  const doc = head.doc;
  if (!doc) {
    // The settings file is deleted: its budgets and deploy branch stop applying once merged.
    const lost = [base.budgets.monthlyUsd !== undefined ? `the repository budget of $${base.budgets.monthlyUsd}/month` : '', ...Object.entries(base.budgets.projects).map(([p, usd]) => `the budget of project ${p} ($${usd}/month)`), base.deployBranch !== DEFAULT_SETTINGS.deployBranch ? `deploy branch ${base.deployBranch}` : '', base.platform.domain ? `platform domain ${base.platform.domain}` : ''].filter(Boolean);
    if (!lost.length) return [];
    return [{ file: SETTINGS_FILE, line: 1, column: 1, severity: 'warning', code: 'settings/policy-change', path: 'spec', message: `${SETTINGS_FILE} is deleted, so ${lost.join(', ')} no longer apply once merged: a policy change. This review checks against the current policy of the base branch; have the change approved by whoever owns the budget.` }];
  }
  if (!doc.parsed) return [];
  const out: Diagnostic[] = [];
  const say = (path: string[], what: string) =>
    out.push({ file: doc.file, ...locate(doc.parsed!, path), severity: 'warning', code: 'settings/policy-change', path: path.join('.'), message: `${what}: a policy change, which applies once merged. This review checks against the current policy of the base branch; have the change approved by whoever owns the budget.` });
  const money = (n: number | undefined) => (n === undefined ? 'none' : `$${n}/month`);
  if (base.budgets.monthlyUsd !== head.model.budgets.monthlyUsd) say(['spec', 'budgets', 'monthlyUsd'], `Repository budget ${money(base.budgets.monthlyUsd)} → ${money(head.model.budgets.monthlyUsd)}`);
  for (const p of [...new Set([...Object.keys(base.budgets.projects), ...Object.keys(head.model.budgets.projects)])].sort()) {
    if (base.budgets.projects[p] !== head.model.budgets.projects[p]) say(['spec', 'budgets', 'projects', p], `Budget of project ${p} ${money(base.budgets.projects[p])} → ${money(head.model.budgets.projects[p])}`);
  }
  if (base.deployBranch !== head.model.deployBranch) say(['spec', 'deployBranch'], `Deploy branch ${base.deployBranch} → ${head.model.deployBranch}`);
  if (base.platform.domain !== head.model.platform.domain) say(['spec', 'platform', 'domain'], `Platform domain ${base.platform.domain ?? 'none'} → ${head.model.platform.domain ?? 'none'}`);
  return out;
}

function needsWholeTree(settings: SettingsModel): boolean {
  return settings.budgets.monthlyUsd !== undefined || Object.keys(settings.budgets.projects).length > 0;
}

interface PlanCost {
  kind: string;
  /** False for a document without infrastructure (counted per kind, never priced). */
  infra: boolean;
  project: string;
  usd: number;
  complete: boolean;
  /** What has no price (`plan: resource (sku)`). */
  unpriced: string[];
  vms: number;
}

/** What has no price where a plan is deployed (its own cloud, and a stack kept during a migration). */
function unpricedDeployed(p: PlanReview): string[] {
  return p.cost.filter((c) => (c.primary || c.kept) && !c.complete).flatMap((c) => unpricedOf(p.name, c));
}

/** The missing prices of a cost estimate, named for a diagnostic. */
function unpricedOf(name: string, c: { unpriced: CostEstimate['unpriced']; complete: boolean; region: string } | undefined): string[] {
  if (!c) return [`${name}: no estimate`];
  const missing = c.unpriced.filter((u) => u.missing).map((u) => `${name}: ${u.resource} (${u.sku})`);
  return missing.length || c.complete ? missing : [`${name}: cannot be planned in ${c.region}`];
}

/** Project and repository budgets cover every plan, so their check reads the plans the change did not touch. */
async function unchangedPlanCosts(reader: RepoReader, head: string, changed: string[], settings: SettingsModel, now?: Date): Promise<PlanCost[]> {
  const all = (await reader.list(head, AUTOSTACK_DIR)).filter(isAutostackFile);
  const others = all.filter((f) => f !== SETTINGS_FILE && !changed.includes(f));
  // Every file is read: the index resolves what the unchanged files name (the changed files are looked up at head too).
  const texts = await readAll(reader, head, referencedKinds().length ? all : others);
  const index = referencedKinds().length ? new DocumentIndex(texts, settings, now) : undefined;
  const out: PlanCost[] = [];
  for (const f of others) {
    const side = loadSide(f, texts.get(f), settings, now, index?.lookup);
    const infra = side.doc?.handler?.infrastructure;
    const deployed = (side.plans ?? []).map((p, i) => ({ plan: p, cost: side.costs![i]! })).filter((x) => x.plan.primary || x.plan.kept);
    if (side.doc?.model && side.doc.handler && !infra) out.push({ kind: side.doc.kind ?? 'unknown', infra: false, project: side.doc.handler.project(side.doc.model), usd: 0, complete: true, unpriced: [], vms: 0 });
    if (side.doc?.model && side.doc.handler && infra && deployed.length) {
      const name = side.doc.handler.name(side.doc.model);
      out.push({
        kind: side.doc.kind ?? 'unknown',
        infra: true,
        project: side.doc.handler.project(side.doc.model),
        usd: deployed.reduce((t, x) => t + x.cost.monthlyUsd, 0),
        complete: deployed.every((x) => x.cost.complete),
        unpriced: deployed.flatMap((x) => (x.cost.complete ? [] : unpricedOf(name, x.cost))),
        vms: deployed.reduce((t, x) => t + infra.servers(x.plan), 0),
      });
    }
  }
  return out;
}

function checkBudgets(plans: PlanReview[], unchanged: PlanCost[], docs: LoadedDoc[], settings: SettingsModel): BudgetCheck[] {
  const out: BudgetCheck[] = [];
  const byFile = new Map(docs.map((d) => [d.file, d]));
  const missing = unpricedDeployed;
  for (const p of plans) {
    const doc = byFile.get(p.file);
    const limit = doc?.model && doc.handler?.infrastructure?.budget ? doc.handler.infrastructure.budget(doc.model)?.monthlyUsd : undefined;
    const own = deployedCost(p);
    if (limit !== undefined && p.status !== 'removed' && p.status !== 'invalid') {
      const usd = own.after ?? 0;
      const complete = own.complete && own.after !== null;
      out.push({ scope: 'plan', name: p.name, limitUsd: limit, estimateUsd: usd, exceeded: usd > limit, complete, unpriced: complete ? [] : missing(p) });
    }
  }
  const byProject = new Map<string, { usd: number; unpriced: string[] }>();
  const add = (project: string, usd: number, unpriced: string[]) => {
    const e = byProject.get(project) ?? { usd: 0, unpriced: [] };
    byProject.set(project, { usd: e.usd + usd, unpriced: [...e.unpriced, ...unpriced] });
  };
  for (const p of plans) {
    if (p.status !== 'removed' && p.status !== 'invalid' && p.cost.length) add(p.project, deployedCost(p).after ?? 0, missing(p));
  }
  for (const u of unchanged) if (u.infra) add(u.project, u.usd, u.unpriced);
  for (const [project, limit] of Object.entries(settings.budgets.projects)) {
    const e = byProject.get(project);
    if (e) out.push({ scope: 'project', name: project, limitUsd: limit, estimateUsd: round2(e.usd), exceeded: e.usd > limit, complete: e.unpriced.length === 0, unpriced: e.unpriced });
  }
  if (settings.budgets.monthlyUsd !== undefined && plans.length > 0) {
    const usd = [...byProject.values()].reduce((s, e) => s + e.usd, 0);
    const unpriced = [...byProject.values()].flatMap((e) => e.unpriced);
    out.push({ scope: 'repository', name: 'all plans', limitUsd: settings.budgets.monthlyUsd, estimateUsd: round2(usd), exceeded: usd > settings.budgets.monthlyUsd, complete: unpriced.length === 0, unpriced });
  }
  return out;
}

function budgetDiagnostics(budgets: BudgetCheck[], docs: LoadedDoc[], plans: PlanReview[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byName = new Map(docs.filter((d) => d.name !== undefined).map((d) => [d.name!, d]));
  for (const b of budgets.filter((x) => x.exceeded && x.scope === 'plan')) {
    const doc = byName.get(b.name);
    const at = doc?.model ? doc.handler?.infrastructure?.budget?.(doc.model)?.path : undefined;
    if (!doc?.parsed || !at) continue;
    out.push({ file: doc.file, ...locate(doc.parsed, at), severity: 'error', code: 'plan/over-budget', path: at.join('.'), message: `Estimated $${b.estimateUsd.toFixed(2)}/month exceeds the budget of $${b.limitUsd.toFixed(2)}/month by $${(b.estimateUsd - b.limitUsd).toFixed(2)}: choose a smaller size, fewer replicas or less storage, or raise the budget.` });
  }
  // A budget cannot pass on a partial estimate: say what has no price and how to get one.
  for (const b of budgets.filter((x) => !x.complete)) {
    const own = b.scope === 'plan' ? byName.get(b.name) : undefined;
    const at = own?.model ? own.handler?.infrastructure?.budget?.(own.model)?.path : undefined;
    const anchor = own ?? docs.find((d) => d.parsed && isResourceDoc(d) && plans.some((p) => p.file === d.file && p.status !== 'removed'));
    if (!anchor?.parsed) continue;
    const path = at ?? ['metadata', 'name'];
    const items = b.unpriced.slice(0, 5).join('; ') + (b.unpriced.length > 5 ? `; and ${b.unpriced.length - 5} more` : '');
    out.push({ file: anchor.file, ...locate(anchor.parsed, path), severity: 'error', code: 'budget/unpriced', path: path.join('.'), message: `The ${b.scope} budget ${b.scope === 'plan' ? '' : `"${b.name}" `}of $${b.limitUsd.toFixed(2)}/month cannot be checked: no price for ${items}. Choose a region the knowledge base prices (the validator lists them), or add the missing prices (npm run gen:prices), then push again.` });
  }
  return out;
}

/** Operator quotas over the whole repository at head: the changed plans plus every other plan. */
function quotaDiagnostics(quota: Quota, plans: PlanReview[], unchanged: PlanCost[], docs: LoadedDoc[], servers: ReadonlyMap<string, number>): Diagnostic[] {
  const live = plans.filter((p) => p.status !== 'removed' && p.status !== 'invalid');
  const usd = live.reduce((s, p) => s + (deployedCost(p).after ?? 0), 0) + unchanged.reduce((s, u) => s + u.usd, 0);
  const vms = live.reduce((s, p) => s + (servers.get(p.file) ?? 0), 0) + unchanged.reduce((s, u) => s + u.vms, 0);
  const anchor = docs.find((d) => d.parsed && isResourceDoc(d));
  if (!anchor?.parsed) return [];
  const at = { file: anchor.file, ...locate(anchor.parsed, ['metadata', 'name']), severity: 'error' as const, path: 'metadata.name' };
  const out: Diagnostic[] = [];
  const unpriced = [...live.flatMap(unpricedDeployed), ...unchanged.flatMap((u) => u.unpriced)];
  if (quota.maxMonthlyUsd !== undefined && unpriced.length) {
    out.push({ ...at, code: 'quota/unpriced', message: `Quota maxMonthlyUsd of ${quota.scope} cannot be checked: no price for ${unpriced.slice(0, 5).join('; ')}. Choose a region the knowledge base prices, or add the missing prices.` });
  }
  if (quota.maxMonthlyUsd !== undefined && usd > quota.maxMonthlyUsd) {
    out.push({ ...at, code: 'quota/max-monthly-usd', message: `Quota maxMonthlyUsd of ${quota.scope} exceeded: the plans in this repository would cost $${usd.toFixed(2)}/month, the quota is $${quota.maxMonthlyUsd.toFixed(2)}/month. Reduce the plans or ask the platform operator to raise the quota.` });
  }
  if (quota.maxVms !== undefined && vms > quota.maxVms) {
    out.push({ ...at, code: 'quota/max-vms', message: `Quota maxVms of ${quota.scope} exceeded: the plans in this repository would run ${vms} servers (instance groups counted at their maximum), the quota is ${quota.maxVms}. Use fewer replicas, a lower maximum scale or fewer plans, or ask the platform operator to raise the quota.` });
  }
  for (const [kind, max] of Object.entries(quota.maxPerKind ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const count = docs.filter((d) => d.kind === kind && d.model !== undefined && live.some((p) => p.file === d.file)).length + unchanged.filter((u) => u.kind === kind).length;
    if (count > max) {
      const first = docs.find((d) => d.kind === kind && d.parsed) ?? anchor;
      out.push({ ...at, file: first.file, ...locate(first.parsed!, ['metadata', 'name']), code: 'quota/max-per-kind', message: `Quota of ${quota.scope} exceeded: this repository would hold ${count} ${kind} files, the quota is ${max}. Remove one, or ask the platform operator to raise the quota.` });
    }
  }
  return out;
}
