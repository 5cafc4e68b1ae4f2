// Five-field cron (minute hour day-of-month month day-of-week), as systemd timers and most schedulers read it.
const MACROS: Record<string, string> = { '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@weekly': '0 0 * * 0', '@monthly': '0 0 1 * *' };
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export type CronCheck = { ok: true; fields: string[] } | { ok: false; message: string };

export function parseCron(expr: string): CronCheck {
  const text = MACROS[expr.trim()] ?? expr.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return { ok: false, message: `"${expr}" has ${parts.length} fields; a schedule needs 5 (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" for daily at 03:00, or @daily` };
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i]!;
    for (const item of parts[i]!.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!m) return { ok: false, message: `"${item}" is not a valid ${f.name} in "${expr}": use a number, a range (1-5), a list (1,3) or a step (*/6)` };
      const nums = [m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
      const bad = nums.find((n) => n < f.min || n > f.max);
      if (bad !== undefined) return { ok: false, message: `${f.name} ${bad} in "${expr}" is out of range ${f.min}-${f.max}` };
      if (m[4] !== undefined && Number(m[4]) === 0) return { ok: false, message: `step 0 in "${expr}" never fires; use */1 or a number` };
      if (nums.length === 2 && nums[0]! > nums[1]!) return { ok: false, message: `${f.name} range ${nums[0]}-${nums[1]} in "${expr}" runs backwards: write the smaller number first, or a list (${nums[0]},…)` };
    }
  }
  const [, , dom, mon, dow] = parts as [string, string, string, string, string];
  // With neither day field starting with *, cron runs when either matches; the server's systemd timer only when both do.
  if (!dom.startsWith('*') && !dow.startsWith('*')) return { ok: false, message: `"${expr}" sets both a day of month and a day of week: cron runs on either, the server's timer only on days matching both; keep one and write * for the other` };
  if (dom !== '*' && mon !== '*') {
    const firstDay = Math.min(...values(dom, 1, 31));
    if (values(mon, 1, 12).every((month) => firstDay > DAYS_IN_MONTH[month - 1]!)) return { ok: false, message: `"${expr}" never fires: none of its months has a day ${firstDay}` };
  }
  return { ok: true, fields: parts };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Every value a valid field selects, within min..max. */
function values(field: string, min: number, max: number): number[] {
  return field.split(',').flatMap((item) => {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item)!;
    const from = m[1] === '*' ? min : Number(m[2]);
    const to = m[1] === '*' || (m[3] === undefined && m[4] !== undefined) ? max : Number(m[3] ?? m[2]);
    const out: number[] = [];
    for (let v = from; v <= to; v += Number(m[4] ?? 1)) out.push(v);
    return out;
  });
}

/** The schedule in words, for reviews: "daily at 03:00", "hourly", "every 6 hours". */
export function describeCron(expr: string): string {
  const c = parseCron(expr);
  if (!c.ok) return expr;
  const [min, hour, dom, mon, dow] = c.fields as [string, string, string, string, string];
  const at = /^\d+$/.test(min) && /^\d+$/.test(hour) ? `${hour.padStart(2, '0')}:${min.padStart(2, '0')}` : undefined;
  if (dom === '*' && mon === '*' && dow === '*') {
    if (hour === '*' && /^\d+$/.test(min)) return 'hourly';
    const step = /^\*\/(\d+)$/.exec(hour);
    if (step && /^\d+$/.test(min)) return `every ${step[1]} hours`;
    if (at) return `daily at ${at} UTC`;
  }
  if (dom === '*' && mon === '*' && /^\d$/.test(dow) && at) return `weekly on ${DAYS[Number(dow)]} at ${at} UTC`;
  if (/^\d+$/.test(dom) && mon === '*' && dow === '*' && at) return `monthly on day ${dom} at ${at} UTC`;
  return `"${expr}"`;
}

/** Approximate runs per day, to compare schedules (hourly = 24). */
export function runsPerDay(expr: string): number {
  const c = parseCron(expr);
  if (!c.ok) return 0;
  const [min, hour, dom, , dow] = c.fields as [string, string, string, string, string];
  const count = (f: string, span: number) => (f === '*' ? span : f.startsWith('*/') ? Math.ceil(span / Number(f.slice(2))) : f.split(',').length);
  const perDay = count(min, 60) * count(hour, 24);
  if (dow !== '*') return (perDay * count(dow, 7)) / 7;
  if (dom !== '*') return (perDay * count(dom, 30)) / 30;
  return perDay;
}

const DOW_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * The same schedule as a systemd OnCalendar expression ("0 3 * * *" → "*-*-* 03:00:00").
 * Ranges become a..b, steps start/step; a range with a step is expanded into a list.
 */
export function cronToOnCalendar(expr: string): string {
  const c = parseCron(expr);
  if (!c.ok) throw new Error(c.message);
  const [min, hour, dom, mon, dow] = c.fields as [string, string, string, string, string];
  const conv = (field: string, lo: number, pad: number) =>
    field
      .split(',')
      .map((item) => {
        const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item)!;
        const p = (n: number) => String(n).padStart(pad, '0');
        if (m[1] === '*') return m[4] ? `${p(lo)}/${m[4]}` : '*';
        const a = Number(m[2]);
        const b = m[3] !== undefined ? Number(m[3]) : undefined;
        if (b === undefined) return m[4] ? `${p(a)}/${m[4]}` : p(a);
        if (!m[4]) return `${p(a)}..${p(b)}`;
        const out: string[] = [];
        for (let v = a; v <= b; v += Number(m[4])) out.push(p(v));
        return out.join(',');
      })
      .join(',');
  const days =
    dow === '*'
      ? ''
      : `${[...new Set(dow.split(',').flatMap((item) => {
          const m = /^(\*|(\d)(?:-(\d))?)(?:\/(\d+))?$/.exec(item)!;
          const [a, b] = m[1] === '*' ? [0, 6] : [Number(m[2]), m[3] !== undefined ? Number(m[3]) : Number(m[2])];
          const step = m[4] ? Number(m[4]) : 1;
          const out: string[] = [];
          for (let v = a; v <= b; v += step) out.push(DOW_NAMES[v]!);
          return out;
        }))].join(',')} `;
  return `${days}*-${conv(mon, 1, 2)}-${conv(dom, 1, 2)} ${conv(hour, 0, 2)}:${conv(min, 0, 2)}:00`;
}
