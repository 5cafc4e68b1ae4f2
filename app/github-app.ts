import type { ApplicationFunction, Context, Probot } from 'probot';
import { CHECK_NAME, DEPLOY_CHECK_NAME, publishCheck } from './github/check-run.ts';
import { GitHubClient } from './github/client.ts';
import type { OctokitLike, RepoRef } from './github/client.ts';
import { describeError, InstallationGoneError } from './github/errors.ts';
import { InstallationTokens, narrowedAuth } from './github/installation.ts';
import type { Grant } from './github/installation.ts';
import { EXTRA_PERMISSIONS, permissionsFor } from './github/routes.ts';
import type { Access, RouteName } from './github/routes.ts';
import type { Identity } from './github/sticky-comment.ts';
import { canWrite, HELP, parseCommand } from './services/commands.ts';
import type { AppConfig } from './services/config.ts';
import { DOWNTIME_LABEL, POLICY_LABEL, WORKFLOW_PATH } from './services/config.ts';
import { SETTINGS_FILE } from '../synth/core/load/reader.ts';
import { renderAndDeploy } from './services/deploy.ts';
import { redeploy } from './services/redeploy.ts';
import { reflectDeployment, reflectFailedRun } from './services/deploy-results.ts';
import { openOnboardingPullRequest } from './services/onboarding.ts';
import { reviewPullRequest } from './services/review-pull-request.ts';

/** Every webhook event the App handles; app.yml subscribes to exactly these (installation events are always sent). */
export const HANDLED_EVENTS = ['check_run', 'deployment_status', 'installation', 'installation_repositories', 'issue_comment', 'pull_request', 'push', 'workflow_run'] as const;

export interface AppOptions {
  config: AppConfig;
  appId?: number;
  /** How long one handler may run before it stops and reports a failed check (HANDLER_DEADLINE_MS). */
  handlerDeadlineMs?: number;
}

/**
 * A handler gives up after this long, whatever GitHub does (each request also times out after
 * REQUEST_TIMEOUT_MS): it stops making calls and reports a failed check that can be re-run.
 */
export const HANDLER_DEADLINE_MS = 30_000;
/** A merge render also synthesizes Terraform for every changed plan: it gets longer. */
export const RENDER_DEADLINE_MS = 120_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** The failed check itself gets this long. */
const FAILURE_REPORT_MS = 10_000;

class DeadlineError extends Error {}

/** The Octokit with every request bound to `signal` and to its own timeout (pagination included). */
function withSignal(octokit: OctokitLike, signal: AbortSignal, deadlineAt?: number): OctokitLike {
  const request = ((route: string | Record<string, unknown>, params: Record<string, unknown> = {}) => {
    const bound = AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    // deadlineAt: a rate-limit wait that would outlast the handler is not started (app/github/octokit.ts).
    const options = (base: Record<string, unknown>) => ({ ...base, request: { ...(base.request as object | undefined), signal: bound, ...(deadlineAt ? { deadlineAt } : {}) } });
    // Pagination calls request({ method, url, headers }): Octokit ignores a second argument then.
    return typeof route === 'string' ? octokit.request(route, options(params)) : octokit.request(options({ ...route, ...params }) as never);
  }) as OctokitLike['request'];
  request.endpoint = octokit.request.endpoint;
  return Object.assign(Object.create(octokit) as OctokitLike, { request });
}

/** Resolves never; rejects when `signal` aborts. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

/** Recently handled delivery ids: a redelivered webhook is acknowledged and not handled twice. */
class DeliveryLog {
  private readonly seen = new Map<string, number>();
  private readonly max: number;
  constructor(max = 5000) {
    this.max = max;
  }
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.set(id, Date.now());
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
  /** A delivery whose handler failed is forgotten: a redelivery (by a person, or docs/operations.md's job) runs it again. */
  forget(id: string): void {
    this.seen.delete(id);
  }
}

/**
 * Installations and repositories the App can no longer act on (uninstalled, suspended, the
 * repository removed from the installation): work already queued for them is dropped with one log
 * line, not tried and retried against GitHub. Learnt from the installation events and from GitHub
 * refusing the installation's token.
 */
class Lost {
  /** Installation id → until when its work is dropped (an hour, unless an event says it is back). */
  private readonly installations = new Map<number, number>();
  private readonly repos = new Set<string>();
  installation(id: number | undefined, lost: boolean): void {
    if (id === undefined) return;
    if (lost) this.installations.set(id, Date.now() + 3600_000);
    else this.installations.delete(id);
  }
  repo(fullName: string | undefined, lost: boolean): void {
    if (!fullName) return;
    if (lost) this.repos.add(fullName.toLowerCase());
    else this.repos.delete(fullName.toLowerCase());
  }
  has(installation: number | undefined, repo: string | undefined): boolean {
    const until = installation === undefined ? undefined : this.installations.get(installation);
    if (until !== undefined && until < Date.now()) this.installations.delete(installation!);
    return (until !== undefined && until >= Date.now()) || (repo !== undefined && this.repos.has(repo.toLowerCase()));
  }
}

/**
 * GitHub refused the installation's token: minting it (404: the App was uninstalled there; 403:
 * suspended), or using it (401: revoked). A 401 on minting is the App's own key or clock, not the
 * installation: that stays an ordinary failure.
 */
function tokenRefused(e: unknown): 'mint' | 'revoked' | undefined {
  const err = e as { status?: number; request?: { url?: string } };
  if (/\/app\/installations\/\d+\/access_tokens/.test(String(err.request?.url ?? ''))) return err.status === 403 || err.status === 404 ? 'mint' : undefined;
  return err.status === 401 ? 'revoked' : undefined;
}

/**
 * Handlers that write the same things run one after another in this process: two deliveries
 * for one pull request (or one repository's pushes) at once would both find no check run or
 * comment and both create one. Across replicas, each side effect is looked up by content first.
 */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => gate);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

type AnyContext = Context<any>;

/** The repository a delivery is about, by id (stable across renames and transfers); its full name only for a payload without one. */
function repositoryKey(ctx: AnyContext): string {
  const id = (ctx.payload as { repository?: { id?: unknown } }).repository?.id;
  if (typeof id === 'number') return `repository:${id}`;
  const { owner, repo } = ctx.repo();
  return `${owner}/${repo}`;
}

const READS: RouteName[] = ['graphql', 'getTree', 'getBlob', 'getContent'];
// A policy change also reads who added the policy label and their role (listIssueEvents, getCollaboratorPermission).
// A push that changes the policy again takes the policy label off (compareCommits, removeLabel).
const REVIEW: RouteName[] = ['listPullFiles', ...READS, 'listCheckRuns', 'createCheckRun', 'updateCheckRun', 'getPull', 'listComments', 'createComment', 'updateComment', 'deleteComment', 'listIssueEvents', 'getCollaboratorPermission', 'compareCommits', 'removeLabel'];
const ONBOARD: RouteName[] = ['getRepo', 'getContent', 'listPulls', 'getRef', 'getCommit', 'createTree', 'createCommit', 'createRef', 'createPull'];
const DISPATCH: RouteName[] = ['listDeployments', 'listDeploymentStatuses', 'createDeployment', 'createDeploymentStatus', 'dispatchWorkflow'];
const REFLECT: RouteName[] = ['listCheckRuns', 'createCheckRun', 'updateCheckRun', 'listDeployments', 'listDeploymentStatuses', 'listPullsForCommit', 'listComments', 'updateComment'];
const WORKFLOWS = { workflows: EXTRA_PERMISSIONS.workflows!.access };

/**
 * The permissions each handler's installation token is minted with (and nothing more): a review
 * cannot push, a deploy-status update cannot dispatch. The fake GitHub of the tests
 * (test/github/harness.ts) checks every call a handler makes against the token it was made with.
 */
export const HANDLER_PERMISSIONS = {
  review: permissionsFor(REVIEW),
  deploy: permissionsFor([...READS, ...ONBOARD, 'compareCommits', 'updateRef', ...DISPATCH, 'listCheckRuns', 'createCheckRun', 'updateCheckRun'], WORKFLOWS),
  onboard: permissionsFor(ONBOARD, WORKFLOWS),
  command: permissionsFor(['createCommentReaction', 'getCollaboratorPermission', ...REVIEW, 'getRepo', 'getRef', 'getCommit', ...DISPATCH]),
  reflect: permissionsFor(REFLECT),
} satisfies Record<string, Record<string, Access>>;
type HandlerScope = keyof typeof HANDLER_PERMISSIONS;

/**
 * The Probot app: one small handler per event. Handlers turn the webhook into plain inputs and a
 * narrow GitHub client, call one service, and are the only place errors become a failed check.
 */
export { DOWNTIME_LABEL, POLICY_LABEL };

export function autostackApp(options: AppOptions): ApplicationFunction {
  return (app: Probot) => {
    const deliveries = new DeliveryLog();
    const queue = new KeyedQueue();
    const lost = new Lost();
    const who: Identity = { appId: options.appId };
    /** The signal of the handler running for each delivery: every GitHub call it makes stops when it aborts. */
    const signals = new WeakMap<AnyContext, AbortSignal>();
    /** When each running handler's deadline falls (Date.now() time). */
    const deadlines = new WeakMap<AnyContext, number>();
    const tokens = new InstallationTokens(() => app.auth() as unknown as Promise<OctokitLike>);
    /** One Octokit per delivery and grant, sending the grant's narrowed token. */
    const octokits = new WeakMap<AnyContext, Map<string, OctokitLike>>();
    const narrowed = (ctx: AnyContext, grant: Grant): OctokitLike => {
      let mine = octokits.get(ctx);
      if (!mine) octokits.set(ctx, (mine = new Map()));
      const key = `${grant.repositoryId}:${JSON.stringify(grant.permissions)}`;
      let octokit = mine.get(key);
      if (!octokit) {
        const Octokit = (ctx.octokit as object).constructor as new (o: object) => OctokitLike;
        octokit = new Octokit({ authStrategy: narrowedAuth, auth: { tokens, grant, log: ctx.log } });
        mine.set(key, octokit);
      }
      return octokit;
    };
    /**
     * A client for one repository (the event's, or `repo`), whose token is minted for that
     * repository alone with the permissions of `scope`.
     */
    const client = (ctx: AnyContext, scope: HandlerScope, repo?: RepoRef & { id: number }, signal = signals.get(ctx)) => {
      const target = repo ?? { ...ctx.repo(), id: ctx.payload.repository?.id as number };
      const installationId = ctx.payload.installation?.id as number | undefined;
      const octokit = installationId && target.id ? narrowed(ctx, { installationId, repositoryId: target.id, repository: `${target.owner}/${target.repo}`, permissions: HANDLER_PERMISSIONS[scope] }) : (ctx.octokit as unknown as OctokitLike);
      return new GitHubClient(signal ? withSignal(octokit, signal, signal === signals.get(ctx) ? deadlines.get(ctx) : undefined) : octokit, { owner: target.owner, repo: target.repo });
    };

    /**
     * Runs a handler once per delivery, one at a time per `key` (a pull request, a repository's
     * pushes), for at most `deadlineMs` from when it starts; a failure (or the deadline) becomes a
     * readable failed check where there is a commit to put it on.
     */
    const handle = (scope: HandlerScope, fn: (ctx: AnyContext) => Promise<void>, failCheck?: (ctx: AnyContext) => { name: string; sha: string } | undefined, key?: (ctx: AnyContext) => string, deadline = HANDLER_DEADLINE_MS) => async (ctx: AnyContext) => {
      const deadlineMs = options.handlerDeadlineMs ?? deadline;
      if (!deliveries.firstTime(ctx.id)) {
        ctx.log.info({ delivery: ctx.id }, 'duplicate delivery ignored');
        return;
      }
      const installation = ctx.payload.installation?.id as number | undefined;
      const repository = ctx.payload.repository?.full_name as string | undefined;
      const run = async () => {
        if (lost.has(installation, repository)) {
          ctx.log.warn({ delivery: ctx.id, event: ctx.name, installation, repository }, 'the App can no longer act on this installation or repository (uninstalled, suspended or removed): delivery dropped');
          return;
        }
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(new DeadlineError(`the work took longer than its ${Math.round(deadlineMs / 1000)} s deadline (GitHub answered too slowly or not at all) and was stopped`)), deadlineMs);
        signals.set(ctx, controller.signal);
        deadlines.set(ctx, Date.now() + deadlineMs);
        try {
          await Promise.race([fn(ctx), whenAborted(controller.signal)]);
        } catch (e) {
          deliveries.forget(ctx.id);
          const message = controller.signal.aborted && controller.signal.reason instanceof DeadlineError ? controller.signal.reason.message : describeError(e);
          // The installation or repository is gone, or GitHub refuses the App's tokens: nothing can be
          // written there any more, not even a failed check. Stop, once, without retrying.
          const refused = e instanceof InstallationGoneError ? (e.answered === 404 ? 'mint' : 'revoked') : tokenRefused(e);
          if (refused) {
            if (refused === 'mint') lost.installation(installation, true);
            ctx.log.warn({ delivery: ctx.id, event: ctx.name, installation, status: e instanceof InstallationGoneError ? e.answered : (e as { status?: number }).status, message }, 'GitHub refused the installation token: AutoStack cannot act for this repository any more (uninstalled, suspended or removed), delivery dropped');
            return;
          }
          ctx.log.error({ delivery: ctx.id, event: ctx.name, status: (e as { status?: number }).status, message }, 'AutoStack handler failed');
          const target = failCheck?.(ctx);
          if (target) {
            await publishCheck(client(ctx, scope, undefined, AbortSignal.timeout(FAILURE_REPORT_MS)), { name: target.name, headSha: target.sha, conclusion: 'failure', title: 'AutoStack failed', summary: `AutoStack could not finish: ${message}\n\nRe-run this check to try again; if it keeps failing, contact your platform operator.`, appId: options.appId }).catch(() => undefined);
          }
        } finally {
          clearTimeout(timer);
          // Whatever the handler still had in flight stops at its next GitHub call.
          controller.abort(new DeadlineError('the handler finished'));
        }
      };
      try {
        // A repository is keyed by its id, which a rename or a transfer keeps (its full name changes).
        if (key) await queue.run(`${repositoryKey(ctx)}${key(ctx)}`, run);
        else await run();
      } catch (e) {
        // Nothing reaches Probot's error handler, which would log the whole event with its payload.
        ctx.log.error({ delivery: ctx.id, event: ctx.name, message: e instanceof Error ? e.message.split('\n')[0] : String(e) }, 'AutoStack handler failed');
      }
    };

    const prCheck = (ctx: AnyContext) => ({ name: CHECK_NAME, sha: ctx.payload.pull_request.head.sha as string });
    const review = async (ctx: AnyContext, pr: { number: number; head: { sha: string }; base: { sha: string }; labels?: { name?: string }[]; user?: { login?: string } | null }, scope: HandlerScope = 'review') => {
      const owner = ctx.repo().owner;
      // The organisation's quota follows its id through a rename (the login in the payload is today's name).
      const ownerId = (ctx.payload as { repository?: { owner?: { id?: unknown } } }).repository?.owner?.id;
      // The label is read from the pull request itself (payload or API), never from the files it changes.
      const downtimeOk = (pr.labels ?? []).some((l) => l.name === DOWNTIME_LABEL);
      const policyLabel = (pr.labels ?? []).some((l) => l.name === POLICY_LABEL);
      const defaultBranch = ctx.payload.repository?.default_branch as string | undefined;
      await reviewPullRequest(client(ctx, scope), { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, ...(downtimeOk ? { acknowledgedDowntime: `pull-request label ${DOWNTIME_LABEL}` } : {}), ...(defaultBranch ? { defaultBranch } : {}), ...(policyLabel ? { policyLabel } : {}), ...(pr.user?.login ? { author: pr.user.login } : {}) }, who, options.config.quotaFor(owner, typeof ownerId === 'number' ? ownerId : undefined));
    };

    /**
     * A maintainer's policy label accepts the policy change they saw. A push that changes the
     * policy file again takes the label off, so the new change needs its own approval; a push that
     * changes only plans keeps it. Nothing is asked of GitHub when the label is not there.
     */
    const dismissPolicyApproval = async (ctx: AnyContext) => {
      const pr = ctx.payload.pull_request as { number: number; head: { sha: string }; base: { sha: string }; labels?: { name?: string }[]; user?: { login?: string } | null };
      if (ctx.payload.action !== 'synchronize' || !(pr.labels ?? []).some((l) => l.name === POLICY_LABEL)) return pr;
      const gh = client(ctx, 'review');
      const cmp = (await gh.call('compareCommits', { basehead: `${ctx.payload.before}...${ctx.payload.after}`, per_page: 1 })).data as { status?: string; files?: { filename: string; previous_filename?: string }[] };
      const files = cmp.files ?? [];
      // A force push (not simply ahead) or a listing GitHub cut at 300 files cannot show the policy file unchanged.
      const policyTouched = cmp.status !== 'ahead' || files.length >= 300 || files.some((f) => f.filename === SETTINGS_FILE || f.previous_filename === SETTINGS_FILE);
      if (!policyTouched) return pr;
      await gh.maybe('removeLabel', { issue_number: pr.number, name: POLICY_LABEL });
      ctx.log.info({ delivery: ctx.id, pull: pr.number }, 'the push changed the policy again: policy label removed, a maintainer must accept the new change');
      return { ...pr, labels: (pr.labels ?? []).filter((l) => l.name !== POLICY_LABEL) };
    };

    const prKey = (ctx: AnyContext) => `#${ctx.payload.pull_request.number}`;
    app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'], handle('review', async (ctx) => review(ctx, await dismissPolicyApproval(ctx)), prCheck, prKey));
    // Adding or removing the downtime or the policy label changes the verdict: review again.
    app.on(['pull_request.labeled', 'pull_request.unlabeled'], handle('review', async (ctx) => {
      if (ctx.payload.label?.name === DOWNTIME_LABEL || ctx.payload.label?.name === POLICY_LABEL) await review(ctx, ctx.payload.pull_request);
    }, prCheck, prKey));

    app.on('check_run.rerequested', handle('review', async (ctx) => {
      const run = ctx.payload.check_run;
      if (run.name !== CHECK_NAME || (options.appId && run.app?.id !== options.appId)) return;
      for (const pr of run.pull_requests ?? []) {
        const full = (await client(ctx, 'review').call('getPull', { pull_number: pr.number })).data;
        await review(ctx, full);
      }
    }, (ctx) => ({ name: CHECK_NAME, sha: ctx.payload.check_run.head_sha }), (ctx) => `#${ctx.payload.check_run.pull_requests?.[0]?.number ?? ctx.payload.check_run.head_sha}`));

    app.on('push', handle('deploy', async (ctx) => {
      const p = ctx.payload;
      if (p.deleted || p.ref !== `refs/heads/${p.repository.default_branch}`) return;
      await renderAndDeploy(client(ctx, 'deploy'), { before: p.before, after: p.after, defaultBranch: p.repository.default_branch }, options.config.actionRef, options.appId);
    }, (ctx) => (ctx.payload.deleted ? undefined : { name: DEPLOY_CHECK_NAME, sha: ctx.payload.after }), () => ':deploy', RENDER_DEADLINE_MS));

    const onboard = async (ctx: AnyContext, repos: { id: number; full_name: string }[]) => {
      for (const r of repos) {
        const [owner, repo] = r.full_name.split('/') as [string, string];
        const c = client(ctx, 'onboard', { owner, repo, id: r.id });
        const meta = (await c.call('getRepo')).data;
        if (meta.archived) continue;
        const outcome = await openOnboardingPullRequest(c, meta.default_branch, options.config.actionRef);
        ctx.log.info({ repo: r.full_name, outcome }, 'onboarding');
      }
    };
    // What the App lost or got back: queued work for a lost installation or repository is dropped.
    app.on(['installation.deleted', 'installation.suspend'], async (ctx: AnyContext) => lost.installation(ctx.payload.installation?.id, true));
    app.on(['installation.created', 'installation.unsuspend'], async (ctx: AnyContext) => lost.installation(ctx.payload.installation?.id, false));
    app.on('installation_repositories.removed', async (ctx: AnyContext) => {
      for (const r of ctx.payload.repositories_removed ?? []) lost.repo(r.full_name, true);
    });
    app.on('installation_repositories.added', async (ctx: AnyContext) => {
      for (const r of ctx.payload.repositories_added ?? []) lost.repo(r.full_name, false);
    });
    app.on('installation.created', handle('onboard', async (ctx) => onboard(ctx, ctx.payload.repositories ?? [])));
    app.on('installation_repositories.added', handle('onboard', async (ctx) => onboard(ctx, ctx.payload.repositories_added ?? [])));

    app.on('issue_comment.created', handle('command', async (ctx) => {
      const p = ctx.payload;
      if (!p.issue.pull_request || p.sender.type === 'Bot') return;
      const parsed = parseCommand(p.comment.body);
      if (parsed.kind === 'ignore') return;
      const c = client(ctx, 'command');
      // The reaction is idempotent: 200 means this comment was already taken up (a duplicate delivery).
      const reaction = await c.call('createCommentReaction', { comment_id: p.comment.id, content: 'eyes' });
      if (reaction.status === 200) return;
      const reply = (text: string) => c.call('createComment', { issue_number: p.issue.number, body: `@${p.comment.user.login} ${text}` });
      if (parsed.kind === 'reply') return void (await reply(parsed.text));
      const level = (await c.call('getCollaboratorPermission', { username: p.comment.user.login })).data.permission as string;
      if (!canWrite(level)) return void (await reply('thanks for asking — AutoStack commands need write access to this repository, so this one was not run.'));
      if (parsed.name === 'help') return void (await reply(HELP));
      if (parsed.name === 'plan') {
        const pr = (await c.call('getPull', { pull_number: p.issue.number })).data;
        await review(ctx, pr, 'command');
        return;
      }
      await reply((await redeploy(c, parsed.plan)).message);
    }, undefined, (ctx) => `#${ctx.payload.issue.number}`));

    app.on('workflow_run.completed', handle('reflect', async (ctx) => {
      const run = ctx.payload.workflow_run;
      if (run.path !== WORKFLOW_PATH || run.conclusion === 'success') return;
      await reflectFailedRun(client(ctx, 'reflect'), run.head_sha, run.html_url, run.conclusion ?? 'failure', who);
    }));

    app.on('deployment_status.created', handle('reflect', async (ctx) => {
      const d = ctx.payload.deployment;
      if (!String(d.environment).startsWith('autostack/')) return;
      const source = (d.payload as { sourceSha?: string } | undefined)?.sourceSha;
      if (!source) return;
      await reflectDeployment(client(ctx, 'reflect'), d.sha, source, who);
    }));
  };
}
