/**
 * Turns catalog entries into IAM statements: fills the `{Token}`s, gives each statement a Sid derived
 * from its catalog id (so a deployed statement traces back to its reason), and keeps lists sorted.
 */
import type { CatalogEntry, ConditionBlock } from '../../catalog/types';
import type { TokenValue, Tokens } from '../naming';

/** A literal, or a CloudFormation expression (Fn::Sub, or a bare Fn::GetAtt when the value is one token). */
export type PolicyValue = string | Record<string, unknown>;

export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string | string[];
  readonly Resource: PolicyValue | PolicyValue[];
  readonly Condition?: Record<string, Record<string, PolicyValue | PolicyValue[]>>;
}

export interface RenderedStatement {
  readonly id: string;
  readonly reason: string;
  readonly statement: Statement;
  /** Characters of the statement as IAM counts them (no whitespace), unresolved values at their maximum. */
  readonly size: number;
}

export function sidOf(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const TOKEN = /\{([A-Za-z]+)\}/g;

/** Fill the tokens of one pattern; an expression-valued token makes the result an Fn::Sub. */
export function fill(pattern: string, tokens: Tokens): { value: PolicyValue; maxLength: number } {
  const vars: Record<string, unknown> = {};
  let maxLength = pattern.replace(TOKEN, '').length;
  const text = pattern.replace(TOKEN, (_whole, name: string) => {
    const v: TokenValue | undefined = tokens[name];
    if (v === undefined) throw new Error(`catalog pattern ${pattern} uses unknown token {${name}}`);
    if (typeof v === 'string') {
      maxLength += v.length;
      return v;
    }
    vars[name] = v.expression;
    maxLength += v.maxLength;
    return `\u0000${name}\u0000`;
  });
  if (Object.keys(vars).length === 0) return { value: text, maxLength };
  const whole = /^\u0000([A-Za-z]+)\u0000$/.exec(text);
  if (whole) return { value: vars[whole[1]] as Record<string, unknown>, maxLength };
  // Literal `${` must be escaped as `${!` inside Fn::Sub; placeholders become `${Name}`.
  const sub = text.replace(/\$\{/g, '${!').replace(/\u0000([A-Za-z]+)\u0000/g, '${$1}');
  return { value: { 'Fn::Sub': [sub, vars] }, maxLength };
}

const one = <T>(list: T[]): T | T[] => (list.length === 1 ? list[0] : list);

/** JSON length of a value with each Fn::Sub counted at the length of its longest resolution. */
function jsonSize(value: unknown, sizes: Map<unknown, number>): number {
  if (sizes.has(value)) return (sizes.get(value) ?? 0) + 2; // a string: its characters plus quotes
  if (Array.isArray(value)) return 2 + value.reduce<number>((n, v, i) => n + jsonSize(v, sizes) + (i ? 1 : 0), 0);
  if (value && typeof value === 'object') {
    return 2 + Object.entries(value).reduce((n, [k, v], i) => n + JSON.stringify(k).length + 1 + jsonSize(v, sizes) + (i ? 1 : 0), 0);
  }
  return JSON.stringify(value).length;
}

export function renderEntry(entry: CatalogEntry, tokens: Tokens): RenderedStatement {
  const sizes = new Map<unknown, number>();
  const fillTracked = (p: string): PolicyValue => {
    const { value, maxLength } = fill(p, tokens);
    if (typeof value !== 'string') sizes.set(value, maxLength);
    return value;
  };
  const resources = [...new Set(entry.resources)].map(fillTracked);
  const statement: Statement = {
    Sid: sidOf(entry.id),
    Effect: 'Allow',
    Action: one([...new Set(entry.actions)].sort()),
    Resource: one(resources),
    ...(entry.condition ? { Condition: renderCondition(entry.condition, fillTracked) } : {}),
  };
  return { id: entry.id, reason: entry.reason, statement, size: jsonSize(statement, sizes) };
}

function renderCondition(block: ConditionBlock, f: (p: string) => PolicyValue): Statement['Condition'] {
  const out: Record<string, Record<string, PolicyValue | PolicyValue[]>> = {};
  for (const [op, keys] of Object.entries(block)) {
    out[op] = {};
    for (const [key, v] of Object.entries(keys)) out[op][key] = Array.isArray(v) ? one(v.map(f)) : f(v);
  }
  return out;
}
