import { describe, expect, it } from 'vitest';
import { messageHtml, messageParts, parameterError } from '../site/src/lib/format.ts';

describe('site messages in plain words', () => {
  it('what a message quotes in backticks becomes code, everything else is escaped text', () => {
    expect(messageHtml('add `acknowledge: { downtime: "<why>" }` under spec')).toBe('add <code>acknowledge: { downtime: &quot;&lt;why&gt;&quot; }</code> under spec');
    expect(messageHtml('<img src=x onerror=alert(1)> `<b>`')).toBe('&lt;img src=x onerror=alert(1)&gt; <code>&lt;b&gt;</code>');
    expect(messageHtml('a lone ` stays')).toBe('a lone ` stays');
    expect(messageParts('run `npm ci` then `npm start`.')).toEqual([
      { code: false, text: 'run ' }, { code: true, text: 'npm ci' }, { code: false, text: ' then ' }, { code: true, text: 'npm start' }, { code: false, text: '.' },
    ]);
  });

  it('template parameter errors name the parameter by its title and say the limit in words', () => {
    const titles = { storageGiB: 'Storage (GiB)', name: 'Name', vcpu: 'vCPUs' };
    expect(parameterError('storageGiB must be >= 10', titles)).toEqual({ field: 'storageGiB', message: 'Storage (GiB) must be at least 10.' });
    expect(parameterError('storageGiB must be <= 500', titles)).toEqual({ field: 'storageGiB', message: 'Storage (GiB) must be at most 500.' });
    expect(parameterError('storageGiB must be integer', titles)).toEqual({ field: 'storageGiB', message: 'Storage (GiB) must be a whole number.' });
    expect(parameterError('name must match pattern "^[a-z]([-a-z0-9]*[a-z0-9])?$"', titles).message).toBe('Name is not in the expected form (see the note under it).');
    expect(parameterError('name must NOT have more than 40 characters', titles).message).toBe('Name must be at most 40 characters long.');
    expect(parameterError('vcpu must be equal to one of the allowed values', titles).message).toBe('VCPUs must be one of the listed values.');
    expect(parameterError('parameters must NOT have additional properties', titles)).toEqual({ message: 'There is a parameter this template does not know.' });
    expect(parameterError('template file plan.yaml is missing', titles)).toEqual({ message: 'Template file plan.yaml is missing.' });
  });
});
