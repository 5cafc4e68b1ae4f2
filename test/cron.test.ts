import '../synth/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cronToOnCalendar, describeCron, parseCron } from '../synth/core/validate/cron.ts';
import { needTool } from './tools.ts';

const run = promisify(execFile);
const message = (expr: string) => {
  const c = parseCron(expr);
  return c.ok ? undefined : c.message;
};

describe('Backup schedules (cron)', () => {
  it('refuses ranges that run backwards (the server timer would not parse them)', () => {
    expect(message('5-1 3 * * *')).toBe('minute range 5-1 in "5-1 3 * * *" runs backwards: write the smaller number first, or a list (5,…)');
    expect(message('0 3 * * 5-1')).toContain('day of week range 5-1');
    expect(message('0 22-2 * * *')).toContain('hour range 22-2');
  });

  it('refuses a day of month together with a day of week: cron runs on either, systemd only on both', () => {
    expect(message('0 3 1 * 1')).toBe('"0 3 1 * 1" sets both a day of month and a day of week: cron runs on either, the server\'s timer only on days matching both; keep one and write * for the other');
    expect(message('0 3 1-7 * 1-5')).toContain('sets both a day of month and a day of week');
    // A day field starting with * restricts nothing in cron's eyes: both read it as "and".
    expect(parseCron('0 3 */2 * 1').ok).toBe(true);
    expect(parseCron('0 3 1 * */2').ok).toBe(true);
  });

  it('refuses schedules that never fire', () => {
    expect(message('0 3 31 2 *')).toBe('"0 3 31 2 *" never fires: none of its months has a day 31');
    expect(message('0 3 30,31 2 *')).toContain('never fires');
    expect(message('0 3 31 4,6,9,11 *')).toContain('never fires');
    for (const ok of ['0 3 29 2 *', '0 3 15,31 2 *', '0 3 31 4,5 *', '0 3 31 * *', '0 3 */10 2 *']) expect(parseCron(ok).ok, ok).toBe(true);
  });

  it('keeps the words used in reviews', () => {
    expect(describeCron('0 3 * * *')).toBe('daily at 03:00 UTC');
    expect(describeCron('0 * * * *')).toBe('hourly');
    expect(describeCron('0 */6 * * *')).toBe('every 6 hours');
    expect(describeCron('30 2 * * 0')).toBe('weekly on Sunday at 02:30 UTC');
    expect(describeCron('0 4 1 * *')).toBe('monthly on day 1 at 04:00 UTC');
    expect(describeCron('*/15 1-5/2 * * 1-5')).toBe('"*/15 1-5/2 * * 1-5"');
  });

  it('turns every accepted schedule into a systemd calendar expression that parses and fires', async (ctx) => {
    const accepted = ['0 3 * * *', '@daily', '@hourly', '@monthly', '*/15 1-5/2 * * 1-5', '0 3 29 2 *', '0 3 15,31 2 *', '0 3 */2 * 1', '0 3 1 * */2', '0 0 * * 0-7', '5/20 */7 1-31/10 1,6-8 *'];
    for (const expr of accepted) expect(parseCron(expr).ok, expr).toBe(true);
    needTool('systemd-analyze').guard(ctx);
    for (const expr of accepted) {
      const { stdout } = await run('systemd-analyze', ['calendar', cronToOnCalendar(expr)]);
      expect(stdout, expr).toMatch(/Next elapse: (?!never)/);
    }
  });
});
