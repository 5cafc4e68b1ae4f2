import { Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, useNodesState, useReactFlow } from '@xyflow/react';
import type { Node, NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import type { Diagnostic } from '../../../synth/core/diagnostics.ts';
import type { ReviewResult } from '../../../synth/core/review/review.ts';
import { updateYamlText } from '../../../synth/core/parse/edit.ts';
import { escapeHtml, messageHtml } from '../lib/format.ts';
import { readYaml, reviewDocs, toYaml } from '../lib/live-review.ts';
import type { Doc, YamlError } from '../lib/live-review.ts';
import { PALETTE, paletteFor } from '../lib/palette.ts';
import { PropertiesPanel } from './PropertiesPanel.tsx';

/**
 * One component on the canvas. `text` is the document as the user sees it in the YAML tab and
 * exactly what is saved; `doc` is its data (the last that parsed, while `yamlError` says the text
 * does not); `saved` is the text as last loaded from or sent to the repository; `source.base` the
 * text on the default branch it was loaded from (the review compares against it). Property edits
 * are applied to `anchor`, the text as the user last wrote it (loaded, created or typed in the YAML
 * tab), so a value cleared and typed again returns to its own line rather than the end of its block.
 */
export type NodeData = { doc: Doc; text: string; anchor: string; yamlError: YamlError | null; saved?: string; kind: string; source?: { repo: string; name: string; base: string }; errors: number; costUsd: number | null };
type EditorNode = Node<NodeData, 'component'>;
type Me = { signedIn?: boolean; login?: string; local?: { repo: string } };

function ComponentNode({ data, selected }: NodeProps<EditorNode>) {
  const item = paletteFor(data.kind);
  return (
    <div className={`node${selected ? ' selected' : ''}${data.errors ? ' has-errors' : ''}`} data-testid="canvas-node">
      <Handle type="target" position={Position.Left} />
      <div className="node-kind">{item?.title ?? data.kind}</div>
      <div className="node-name">{String(data.doc?.metadata?.name ?? '(no name)')}</div>
      <div className="node-summary">{item?.summary(data.doc)}</div>
      <div className="node-foot">
        {data.errors ? <span className="badge bad" data-testid="node-errors">{data.errors} error{data.errors === 1 ? '' : 's'}</span> : <span className="badge ok">valid</span>}
        {data.costUsd !== null && <span className="node-cost">${data.costUsd.toFixed(2)}/mo</span>}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}
const nodeTypes = { component: ComponentNode };

function Canvas() {
  const [nodes, setNodes, onNodesChange] = useNodesState<EditorNode>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [review, setReview] = useState<{ result: ReviewResult; fileOf: Map<string, string>; ms: number } | null>(null);
  const [me, setMe] = useState<Me>({});
  const [repo, setRepo] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'bad'; html: string } | null>(null);
  const [remotePlans, setRemotePlans] = useState<{ name: string; file: string }[] | null>(null);
  const [pendingDelete, setPendingDelete] = useState<string | null>(null);
  const deleteDialog = useRef<HTMLDialogElement>(null);
  const counter = useRef(0);
  const seq = useRef(0);
  const { screenToFlowPosition } = useReactFlow();

  // Live review of every node on each change; an older answer never overwrites a newer one.
  const docsKey = JSON.stringify(nodes.map((n) => [n.id, n.data.text]));
  useEffect(() => {
    const mine = ++seq.current;
    if (nodes.length === 0) {
      setReview(null);
      return;
    }
    // The text the user sees is reviewed, so positions are theirs and a YAML error shows as one.
    void reviewDocs(nodes.map((n) => ({ id: n.id, doc: n.data.doc, text: n.data.text, ...(n.data.source ? { base: n.data.source.base } : {}) }))).then((r) => {
      if (mine !== seq.current) return;
      setReview(r);
      setNodes((ns) => ns.map((n) => {
        const file = r.fileOf.get(n.id);
        const errors = r.result.diagnostics.filter((d) => d.file === file && d.severity === 'error').length;
        const plan = r.result.plans.find((p) => p.file === file);
        // A figure only when every price is known: a partial estimate is not shown as a cost.
        const own = plan?.cost.find((c) => c.primary);
        const costUsd = own?.complete ? own.monthlyUsdAfter : null;
        return errors === n.data.errors && costUsd === n.data.costUsd ? n : { ...n, data: { ...n.data, errors, costUsd } };
      }));
    });
  }, [docsKey]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    fetch('/api/me').then((r) => r.json()).then((m: Me) => {
      setMe(m);
      const fromLink = new URLSearchParams(location.search).get('repo');
      if (m.local) setRepo(m.local.repo);
      else if (fromLink && /^[\w.-]+\/[\w.-]+$/.test(fromLink)) setRepo(fromLink);
    }).catch(() => undefined);
  }, []);

  // Work not in the repository yet is not lost silently: leaving the page asks first.
  const unsaved = nodes.some((n) => n.data.text !== n.data.saved);
  useEffect(() => {
    if (!unsaved) return undefined;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [unsaved]);

  useEffect(() => {
    const d = deleteDialog.current;
    if (!d) return;
    if (pendingDelete && !d.open) d.showModal();
    if (!pendingDelete && d.open) d.close();
  }, [pendingDelete]);

  const addNode = useCallback((kind: string, position: { x: number; y: number }, doc?: Doc, source?: NodeData['source'], text?: string) => {
    const item = paletteFor(kind);
    if (!item) return;
    counter.current += 1;
    const id = `n${Date.now().toString(36)}${counter.current}`;
    const existing = new Set(nodes.map((n) => String(n.data.doc?.metadata?.name)));
    let name = `postgres-${counter.current}`;
    while (existing.has(name)) name = `postgres-${++counter.current}`;
    const data = doc ?? item.starter(name);
    const node: EditorNode = { id, type: 'component', position, data: { kind, doc: data, text: text ?? toYaml(data), anchor: text ?? toYaml(data), yamlError: null, errors: 0, costUsd: null, ...(source ? { source, saved: text } : {}) }, selected: true };
    setNodes((ns) => [...ns.map((n) => ({ ...n, selected: false })), node]);
    setSelected(id);
  }, [nodes, setNodes]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const kind = e.dataTransfer.getData('application/autostack-kind');
    if (kind) addNode(kind, screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  // Deep links from the dashboard: /editor/?[repo=<owner/name>&]plan=<name> loads that plan from the repository.
  const loaded = useRef(false);
  useEffect(() => {
    const plan = new URLSearchParams(location.search).get('plan');
    if (!plan || !repo || loaded.current) return;
    loaded.current = true;
    void loadPlan(plan);
  }, [repo]); // eslint-disable-line react-hooks/exhaustive-deps

  const selectedNode = nodes.find((n) => n.id === selected) ?? null;
  // A property changed: the user's text keeps its comments and order, only the edited values change.
  const updateDoc = (id: string, doc: Doc) => setNodes((ns) => ns.map((n) => {
    if (n.id !== id || n.data.yamlError) return n;
    try {
      return { ...n, data: { ...n.data, doc, text: updateYamlText(n.data.anchor, doc) } };
    } catch {
      return n; // the text does not parse: the properties are locked until the YAML tab is fixed
    }
  }));
  // The YAML tab changed: that text is what is saved; the canvas follows it while it parses.
  const updateText = (id: string, text: string) => setNodes((ns) => ns.map((n) => {
    if (n.id !== id) return n;
    const read = readYaml(text);
    return { ...n, data: { ...n.data, text, ...(read.error ? { yamlError: read.error } : { doc: read.doc, anchor: text, yamlError: null }) } };
  }));
  const file = selectedNode ? review?.fileOf.get(selectedNode.id) : undefined;
  const diagnostics: Diagnostic[] = review && file ? review.result.diagnostics.filter((d) => d.file === file) : [];
  const planReview = review && file ? review.result.plans.find((p) => p.file === file) : undefined;

  async function listPlans() {
    setMessage(null);
    const r = await fetch(`/api/repos/${repo}/plans`);
    const body = await r.json();
    if (!r.ok) return setMessage({ kind: 'bad', html: messageHtml(body.error) });
    setRemotePlans(body.plans);
  }

  async function loadPlan(name: string) {
    const r = await fetch(`/api/repos/${repo}/plans/${encodeURIComponent(name)}`);
    const body = await r.json();
    if (!r.ok) return setMessage({ kind: 'bad', html: messageHtml(body.error) });
    const read = readYaml(body.content);
    if (read.error) return setMessage({ kind: 'bad', html: messageHtml(`\`${body.path}\` line ${read.error.line}, column ${read.error.column}: ${read.error.message}`) });
    addNode(String(read.doc.kind ?? PALETTE[0]?.kind), { x: 80 + nodes.length * 40, y: 80 + nodes.length * 40 }, read.doc, { repo, name, base: body.content }, body.content);
    setRemotePlans(null);
  }

  /** An answer from the plan API: its JSON, or a plain message when the server or the network failed. */
  async function answer(r: Promise<Response>): Promise<{ ok: boolean; body: any }> {
    try {
      const res = await r;
      const body = await res.json().catch(() => ({ error: `The server answered ${res.status} without details: try again in a moment.` }));
      return { ok: res.ok, body };
    } catch {
      return { ok: false, body: { error: 'The AutoStack server cannot be reached: check that it is running, then try again.' } };
    }
  }
  const failure = (body: any) => `${messageHtml(body.error)}${Array.isArray(body.diagnostics) ? `<ul>${body.diagnostics.map((d: Diagnostic) => `<li>line ${d.line}, column ${d.column}: ${messageHtml(d.message)}</li>`).join('')}</ul>` : ''}`;

  async function openPullRequest() {
    if (!selectedNode || !repo || selectedNode.data.yamlError) return;
    const { id, text, source: src } = { id: selectedNode.id, ...selectedNode.data };
    setMessage({ kind: 'ok', html: 'Opening a pull request…' });
    const url = src ? `/api/repos/${repo}/plans/${encodeURIComponent(src.name)}` : `/api/repos/${repo}/plans`;
    // Exactly the text the user sees (the YAML tab): their comments and key order go to the repository.
    const { ok, body } = await answer(fetch(url, { method: src ? 'PUT' : 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: text }) }));
    if (!ok) return setMessage({ kind: 'bad', html: failure(body) });
    const pr = body.pullRequest;
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, saved: text } } : n)));
    setMessage({ kind: 'ok', html: `Pull request <a data-testid="pr-link" href="${escapeHtml(pr.url)}">#${pr.number}</a> ${pr.existing ? 'already makes this change' : 'opened'} on <code>${escapeHtml(pr.branch)}</code>. The AutoStack review runs on it; merge it to deploy.` });
  }

  async function deletePlan(name: string) {
    setPendingDelete(null);
    setMessage({ kind: 'ok', html: `Opening a pull request that deletes <code>${escapeHtml(name)}</code>…` });
    const { ok, body } = await answer(fetch(`/api/repos/${repo}/plans/${encodeURIComponent(name)}`, { method: 'DELETE' }));
    if (!ok) return setMessage({ kind: 'bad', html: failure(body) });
    const pr = body.pullRequest;
    setRemotePlans(null);
    setMessage({ kind: 'ok', html: `Pull request <a data-testid="pr-link" href="${escapeHtml(pr.url)}">#${pr.number}</a> ${pr.existing ? 'that deletes this plan is already open' : 'opened'}: it removes <code>${escapeHtml(pr.path)}</code>. The plan is deleted when it is merged.` });
  }

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const yamlError = selectedNode?.data.yamlError ?? null;
  const canOpen = Boolean(selectedNode && repo && review && errors === 0 && !yamlError);

  return (
    <div className="editor">
      <aside className="palette">
        <h3>Components</h3>
        {PALETTE.map((p) => (
          <div key={p.kind} className="palette-item" draggable data-testid={`palette-${p.kind}`} onDragStart={(e) => { e.dataTransfer.setData('application/autostack-kind', p.kind); e.dataTransfer.effectAllowed = 'move'; }} onDoubleClick={() => addNode(p.kind, { x: 100 + nodes.length * 30, y: 100 + nodes.length * 30 })}>
            <strong>{p.title}</strong>
            <small>{p.description}</small>
          </div>
        ))}
        <p className="muted hint">Drag onto the canvas (or double-click).</p>
        <h3>Repository</h3>
        {me.local ? <p className="muted">Local: <strong>{me.local.repo}</strong></p> : <input aria-label="Repository (owner/name)" placeholder="owner/name" value={repo} onChange={(e) => setRepo(e.target.value.trim())} />}
        {!me.local && !me.signedIn && <p className="muted"><a href="/api/auth/login?return_to=/editor/">Sign in with GitHub</a> to load plans and open pull requests; you can still edit and download YAML.</p>}
        <button className="btn secondary" type="button" disabled={!repo} onClick={() => void listPlans()}>Load a plan…</button>
        {remotePlans && (
          <ul className="remote">
            {remotePlans.length === 0 && <li className="muted">No plans yet.</li>}
            {remotePlans.map((p) => <li key={p.name}><button type="button" className="link" onClick={() => void loadPlan(p.name)}>{p.name}</button> <small className="muted">{p.file}</small> <button type="button" className="link danger" data-testid={`delete-${p.name}`} aria-label={`Delete plan ${p.name}`} onClick={() => setPendingDelete(p.name)}>delete…</button></li>)}
          </ul>
        )}
      </aside>
      <div className="canvas" onDrop={onDrop} onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; }} data-testid="canvas">
        <ReactFlow nodes={nodes} nodeTypes={nodeTypes} onNodesChange={onNodesChange} onSelectionChange={({ nodes: sel }) => setSelected(sel[0]?.id ?? null)} fitView={false} proOptions={{ hideAttribution: true }}>
          <Background />
          <Controls />
        </ReactFlow>
        {nodes.length === 0 && <div className="empty">Drag a PostgreSQL server here</div>}
      </div>
      <aside className="side">
        {selectedNode ? (
          <>
            <PropertiesPanel key={selectedNode.id} kind={selectedNode.data.kind} doc={selectedNode.data.doc} text={selectedNode.data.text} yamlError={yamlError} diagnostics={diagnostics} review={planReview} onChange={(doc) => updateDoc(selectedNode.id, doc)} onText={(text) => updateText(selectedNode.id, text)} />
            <div className="actions">
              <button className="btn" type="button" data-testid="open-pr" disabled={!canOpen} onClick={() => void openPullRequest()}>{selectedNode.data.source ? 'Open pull request (change)' : 'Open pull request'}</button>
              {yamlError
                ? <button className="btn secondary" type="button" data-testid="download" disabled>Download YAML</button>
                : <a className="btn secondary" data-testid="download" download={`${String(selectedNode.data.doc?.metadata?.name ?? 'plan')}.yaml`} href={`data:application/yaml;charset=utf-8,${encodeURIComponent(selectedNode.data.text)}`}>Download YAML</a>}
              <button className="btn secondary" type="button" onClick={() => { setNodes((ns) => ns.filter((n) => n.id !== selectedNode.id)); setSelected(null); }}>Remove from canvas</button>
              {selectedNode.data.source && repo && <button className="btn danger" type="button" data-testid="delete-plan" onClick={() => setPendingDelete(selectedNode.data.source!.name)}>Delete plan…</button>}
            </div>
            {yamlError && <p className="bad" data-testid="yaml-error-actions">The YAML has an error at line {yamlError.line}, column {yamlError.column}: fix it in the YAML tab to open a pull request or download it.</p>}
            {!repo && <p className="muted">Choose a repository to open a pull request.</p>}
            {!yamlError && errors > 0 && <p className="bad">Fix the {errors} error{errors === 1 ? '' : 's'} to open a pull request.</p>}
          </>
        ) : (
          <p className="muted">Select a component to edit its properties.</p>
        )}
        {message && <div className={`message ${message.kind}`} data-testid="message" dangerouslySetInnerHTML={{ __html: message.html }} />}
        {review && <p className="muted small" data-testid="review-time">Reviewed in {review.ms.toFixed(1)} ms</p>}
      </aside>
      <dialog ref={deleteDialog} className="confirm" data-testid="delete-dialog" aria-labelledby="delete-title" onClose={() => setPendingDelete(null)}>
        <h2 id="delete-title">Delete the plan {pendingDelete}?</h2>
        <p>This opens a pull request that removes its file from <strong>{repo}</strong>. Nothing changes until the pull request is merged.</p>
        <div className="actions">
          <button className="btn danger" type="button" data-testid="confirm-delete" onClick={() => pendingDelete && void deletePlan(pendingDelete)}>Open the pull request</button>
          <button className="btn secondary" type="button" onClick={() => setPendingDelete(null)}>Cancel</button>
        </div>
      </dialog>
    </div>
  );
}

export default function Editor() {
  return (
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>
  );
}
