// Plaintext secrets never belong in a plan file: the platform generates them and keeps them in
// the cloud's secret store. This finds likely ones (by key name or by value shape).
const SECRET_KEY = /(^|[_.-])(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)($|[_.-])/i;
const SECRET_VALUE: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  // 40 characters of base64 mixing upper case, lower case and digits, alone: the shape of an AWS secret access key.
  [/(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/, 'an AWS secret access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bxox[baprs]-[A-Za-z0-9-]{10,}\b/, 'a Slack token'],
  [/:\/\/[^/\s:@]+:[^/\s@]+@/, 'a URL with a password in it'],
];

export interface SecretFinding {
  path: (string | number)[];
  what: string;
  onKey: boolean;
}

export function findPlaintextSecrets(data: unknown, path: (string | number)[] = []): SecretFinding[] {
  const out: SecretFinding[] = [];
  if (typeof data === 'string') {
    for (const [re, what] of SECRET_VALUE) if (re.test(data)) out.push({ path, what, onKey: false });
  } else if (Array.isArray(data)) {
    data.forEach((v, i) => out.push(...findPlaintextSecrets(v, [...path, i])));
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') && String(v).length > 0) out.push({ path: [...path, k], what: `a value for "${k}"`, onKey: true });
      else out.push(...findPlaintextSecrets(v, [...path, k]));
    }
  }
  return out;
}
