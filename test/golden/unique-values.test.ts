/**
 * Every IAM statement of every golden output lists each Resource, NotResource and condition value once
 * (expressions compared by structure): a repeat is a renderer fault (two patterns filled to one value) that
 * only costs policy size, but hides what a reviewer reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { valueKey } from '../../functions/core/iam/render';
import { OUTPUT_DIR } from '../../scripts/update-golden';

interface Found {
  readonly where: string;
  readonly statement: Record<string, unknown>;
}

/** Every statement of every policy document in a template (managed policies, inline policies, roles, ...). */
function statementsOf(node: unknown, where: string, out: Found[] = []): Found[] {
  if (Array.isArray(node)) node.forEach((n, i) => statementsOf(n, `${where}[${i}]`, out));
  else if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.Statement) && typeof o.Version === 'string') {
      o.Statement.forEach((s, i) =>
        out.push({ where: `${where}.Statement[${i}]`, statement: s as Record<string, unknown> }),
      );
    }
    for (const [k, v] of Object.entries(o)) statementsOf(v, `${where}.${k}`, out);
  }
  return out;
}

/** The lists of a statement that IAM reads as sets, by their path in the statement. */
function valueLists(s: Record<string, unknown>): [string, unknown[]][] {
  const lists: [string, unknown[]][] = [];
  for (const k of ['Resource', 'NotResource', 'Action', 'NotAction']) {
    if (Array.isArray(s[k])) lists.push([k, s[k]]);
  }
  for (const [op, keys] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, v] of Object.entries(keys)) if (Array.isArray(v)) lists.push([`Condition.${op}.${key}`, v]);
  }
  return lists;
}

function repeatedValues(template: unknown): string[] {
  const found: string[] = [];
  for (const { where, statement } of statementsOf(template, '')) {
    for (const [path, list] of valueLists(statement)) {
      const keys = list.map(valueKey);
      const repeats = keys.filter((k, i) => keys.indexOf(k) !== i);
      if (repeats.length) found.push(`${where} (${String(statement.Sid)}) ${path} repeats ${repeats.join(', ')}`);
    }
  }
  return found;
}

const outputs = readdirSync(OUTPUT_DIR)
  .filter((f) => f.endsWith('.json') && !f.startsWith('error_'))
  .sort();

describe('golden outputs list each value of a statement once', () => {
  test('the check finds a repeated ARN and a repeated expression', () => {
    const template = {
      Resources: {
        P: {
          Properties: {
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'A', Resource: ['arn:x', 'arn:y', 'arn:x'] },
                { Sid: 'B', Resource: 'arn:x', Condition: { StringEquals: { k: [{ Ref: 'S' }, { Ref: 'S' }] } } },
                { Sid: 'C', Resource: [{ 'Fn::Sub': ['a', { A: 1, B: 2 }] }, { 'Fn::Sub': ['a', { B: 2, A: 1 }] }] },
                { Sid: 'D', Resource: ['arn:x', 'arn:y'] },
              ],
            },
          },
        },
      },
    };
    expect(repeatedValues(template).map((r) => r.split(' ')[1])).toEqual(['(A)', '(B)', '(C)']);
  });

  test.each(outputs)('%s', (file) => {
    const template = JSON.parse(readFileSync(join(OUTPUT_DIR, file), 'utf8')) as unknown;
    expect(statementsOf(template, '').length).toBeGreaterThan(0);
    expect(repeatedValues(template)).toEqual([]);
  });
});
