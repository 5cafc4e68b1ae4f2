export type CommentCommand = { kind: 'command'; name: 'plan' } | { kind: 'command'; name: 'deploy'; plan: string } | { kind: 'command'; name: 'help' };
export type ParsedComment = CommentCommand | { kind: 'reply'; text: string } | { kind: 'ignore' };

export const HELP = `**AutoStack commands** (on pull requests, for people with write access):
- \`/autostack plan\` — review this pull request again
- \`/autostack deploy <plan>\` — deploy a plan again from the default branch (a new deployment)
- \`/autostack help\` — this message`;

/** Reads the first `/autostack` line of a comment. Never throws: anything odd is `ignore` or a polite reply. */
export function parseCommand(body: unknown): ParsedComment {
  if (typeof body !== 'string' || body.length > 65_536) return { kind: 'ignore' };
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  const line = lines.find((l) => /^\/autostack(\s|$)/i.test(l));
  // Fullwidth or other compatibility forms (／autostack, ｄeploy) read like a command but are not one: say so, run nothing.
  const lookalike = (l: string) => l !== l.normalize('NFKC') && /^\/autostack(\s|$)/i.test(l.normalize('NFKC'));
  if (line ? lookalike(line) : lines.some(lookalike)) return { kind: 'reply', text: `That looks like an AutoStack command, but it is written with lookalike (fullwidth or compatibility) characters, so nothing was run. Type it in plain ASCII.\n\n${HELP}` };
  if (!line) return { kind: 'ignore' };
  const [, sub = '', ...rest] = line.split(/\s+/);
  switch (sub.toLowerCase()) {
    case 'plan':
      return rest.length ? { kind: 'reply', text: '`/autostack plan` takes no arguments.\n\n' + HELP } : { kind: 'command', name: 'plan' };
    case 'deploy':
      if (rest.length !== 1 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(rest[0]!)) return { kind: 'reply', text: 'Usage: `/autostack deploy <plan>`, with the plan\'s `metadata.name`.\n\n' + HELP };
      return { kind: 'command', name: 'deploy', plan: rest[0]! };
    case '':
    case 'help':
      return { kind: 'command', name: 'help' };
    default:
      return { kind: 'reply', text: `I don't know \`/autostack ${sub.slice(0, 40).replace(/`/g, '')}\`.\n\n${HELP}` };
  }
}

export function canWrite(permission: string | undefined): boolean {
  return permission === 'admin' || permission === 'maintain' || permission === 'write';
}
