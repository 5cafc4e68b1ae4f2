/**
 * The runner obeys workflow commands in a step's output: a line starting with `::` (after
 * spaces: `::error::`, `::add-mask::`, `::stop-commands::`) or holding `##[` (the older form).
 * Terraform's output carries text from the stacks (outputs, provisioner output, error messages),
 * so every line the Action prints is split at every line break the runner splits at and
 * neutralised: shown, never obeyed.
 */
export function safeLines(text: string): string[] {
  return text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).map(safeLine);
}

/** One line the runner cannot read as a command (a leading `::` gets a visible mark; `##[` is broken up). */
export function safeLine(line: string): string {
  const l = line.replace(/##\[/g, '#\u00a0#[');
  return /^\s*::/.test(l) ? `› ${l}` : l;
}
