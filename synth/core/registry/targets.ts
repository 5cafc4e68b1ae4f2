/** A generated file: repository-relative path and its text. */
export interface ExportedFile {
  path: string;
  content: string;
}

/**
 * An export target (GitHub Actions, GitLab CI, …): a folder under synth/targets/ that renders a
 * kind's cloud-agnostic graph to the target's files. Pure: runs in the browser too.
 */
export interface ExportTarget {
  id: string;
  displayName: string;
  render(name: string, graph: unknown): ExportedFile[];
}

const targets = new Map<string, ExportTarget>();

export function registerTarget(target: ExportTarget): void {
  targets.set(target.id, target);
}

export function unregisterTarget(id: string): void {
  targets.delete(id);
}

export function exportTarget(id: string): ExportTarget | undefined {
  return targets.get(id);
}
