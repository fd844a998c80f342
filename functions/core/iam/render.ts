/**
 * Turns catalog entries into IAM statements: fills the `{Token}`s, gives each statement a Sid derived
 * from its catalog id (so a deployed statement traces back to its reason), and keeps lists sorted.
 * Hot path of the macro: patterns are compiled once per process and sizes come from native JSON.
 */
import type { CatalogEntry, ConditionBlock } from '../../catalog/types';
import { pascalName, type TokenValue, type Tokens } from '../naming';

/** A literal, or a CloudFormation expression (Fn::Sub, or a bare Fn::GetAtt when the value is one token). */
export type PolicyValue = string | Record<string, unknown>;

export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
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
  /** Length of the statement's compact JSON as it stands (expressions as JSON), for the template's size. */
  readonly jsonSize: number;
}

/** A statement's Sid: its catalog id in PascalCase. */
export function sidOf(id: string): string {
  return pascalName(id);
}

/** A pattern split once into literal text (even indexes) and token names (odd indexes). */
const compiled = new Map<string, readonly string[]>();
function compile(pattern: string): readonly string[] {
  let parts = compiled.get(pattern);
  if (!parts) {
    parts = pattern.split(/\{([A-Za-z]+)\}/);
    compiled.set(pattern, parts);
  }
  return parts;
}

/** Fill the tokens of one pattern; an expression-valued token makes the result an Fn::Sub. */
export function fill(pattern: string, tokens: Tokens): { value: PolicyValue; maxLength: number } {
  const parts = compile(pattern);
  let text = parts[0];
  let maxLength = parts[0].length;
  let vars: Record<string, unknown> | undefined;
  for (let i = 1; i < parts.length; i += 2) {
    const v: TokenValue | undefined = tokens[parts[i]];
    if (v === undefined) throw new Error(`catalog pattern ${pattern} uses unknown token {${parts[i]}}`);
    if (isList(v)) throw new Error(`list token {${parts[i]}} must be expanded before fill (${pattern})`);
    if (typeof v === 'string') {
      text += v;
      maxLength += v.length;
    } else {
      (vars ??= {})[parts[i]] = v.expression;
      text += `\u0000${parts[i]}\u0000`;
      maxLength += v.maxLength;
    }
    text += parts[i + 1];
    maxLength += parts[i + 1].length;
  }
  if (!vars) return { value: text, maxLength };
  if (parts.length === 3 && parts[0] === '' && parts[2] === '')
    return { value: vars[parts[1]] as Record<string, unknown>, maxLength };
  // Literal `${` must be escaped as `${!` inside Fn::Sub; placeholders become `${Name}`.
  // eslint-disable-next-line no-control-regex -- NUL delimits placeholders: it cannot occur in template text
  const sub = text.replace(/\$\{/g, '${!').replace(/\u0000([A-Za-z]+)\u0000/g, '${$1}');
  return { value: { 'Fn::Sub': [sub, vars] }, maxLength };
}

const one = <T>(list: T[]): T | T[] => (list.length === 1 ? list[0] : list);

const isList = (v: TokenValue): v is readonly string[] => Array.isArray(v);

/** A pattern with a list token becomes one pattern per item (none for an empty list). */
function expandLists(pattern: string, tokens: Tokens): string[] {
  const parts = compile(pattern);
  for (let i = 1; i < parts.length; i += 2) {
    const v = tokens[parts[i]];
    if (v !== undefined && isList(v)) {
      const head = parts
        .slice(0, i)
        .map((p, j) => (j % 2 ? `{${p}}` : p))
        .join('');
      const tail = parts
        .slice(i + 1)
        .map((p, j) => (j % 2 ? `{${p}}` : p))
        .join('');
      return v.flatMap((item) => expandLists(`${head}${item}${tail}`, tokens));
    }
  }
  return [pattern];
}
const hasListToken = (pattern: string, tokens: Tokens) =>
  compile(pattern).some((p, i) => i % 2 === 1 && isList(tokens[p] ?? ''));

interface Prepared {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly action: string | string[];
  readonly resources: readonly string[];
  readonly condition?: ConditionBlock;
  /** Every token name the entry's patterns use (to tell, per expansion, whether its lists are empty). */
  readonly tokenNames: readonly string[];
  /** JSON length of the statement with every pattern as an empty string: filled values add their length. */
  readonly baseSize: number;
}

function build(entry: CatalogEntry, resources: readonly string[], condition: ConditionBlock | undefined): Prepared {
  const sid = sidOf(entry.id);
  const effect = entry.effect ?? 'Allow';
  const action = one([...new Set(entry.actions)].sort());
  const empty = (): PolicyValue => '';
  const shape: Statement = {
    Sid: sid,
    Effect: effect,
    Action: action,
    Resource: one(resources.map(empty)),
    ...(condition ? { Condition: renderConditionLists(condition, (ps) => ps.map(empty)) } : {}),
  };
  const patterns = [
    ...entry.resources,
    ...Object.values(entry.condition ?? {}).flatMap((keys) => Object.values(keys).flat()),
  ];
  const tokenNames = [...new Set(patterns.flatMap((x) => compile(x).filter((_, i) => i % 2 === 1)))];
  return { sid, effect, action, resources, condition, tokenNames, baseSize: JSON.stringify(shape).length };
}

/**
 * Per entry, computed once: its Sid, sorted actions and the size of everything but the filled values.
 * Filled values never need JSON escaping (names are validated to ARN-safe characters), so a statement's size
 * is this base plus the length of each value. A second form leaves out the patterns of list tokens, for the
 * usual expansion where those lists (FunctionNames, LayerNames, ...) are empty.
 */
const prepared = new WeakMap<CatalogEntry, Prepared>();
const preparedWithoutLists = new WeakMap<CatalogEntry, Prepared>();
function prepare(entry: CatalogEntry): Prepared {
  let p = prepared.get(entry);
  if (!p) {
    p = build(entry, [...new Set(entry.resources)], entry.condition);
    prepared.set(entry, p);
  }
  return p;
}
/**
 * The entry with its empty lists dropped. A condition key whose values were all empty lists goes too (an IfExists
 * key so becomes no constraint: `{DeploymentBucketAccount}` of a named bucket), except under `ForAllValues:`, where
 * an empty set of allowed values means the request may carry none: `Null` key `true` (never silently wider).
 */
function prepareWithoutLists(entry: CatalogEntry, tokens: Tokens): Prepared {
  let p = preparedWithoutLists.get(entry);
  if (!p) {
    const keep = (x: string) => !hasListToken(x, tokens);
    let condition: ConditionBlock | undefined;
    for (const [op, keys] of Object.entries(entry.condition ?? {})) {
      for (const [key, v] of Object.entries(keys)) {
        const kept = Array.isArray(v) ? v.filter(keep) : keep(v as string) ? [v as string] : [];
        if (kept.length) ((condition ??= {})[op] ??= {})[key] = Array.isArray(v) ? kept : kept[0];
        else if (op.startsWith('ForAllValues:')) ((condition ??= {}).Null ??= {})[key] = 'true';
      }
    }
    p = build(entry, [...new Set(entry.resources)].filter(keep), condition);
    preparedWithoutLists.set(entry, p);
  }
  return p;
}

export function renderEntry(entry: CatalogEntry, tokens: Tokens): RenderedStatement {
  let p = prepare(entry);
  const lists = p.tokenNames.map((n) => tokens[n]).filter((v): v is readonly string[] => v !== undefined && isList(v));
  if (lists.some((l) => l.length > 0)) return renderWithLists(entry, p, tokens);
  if (lists.length) p = prepareWithoutLists(entry, tokens);
  if (p.resources.length === 0)
    throw new Error(`catalog entry ${entry.id} has no resource left once its empty lists are dropped`);
  // Each filled value adds its length; an expression counts at its longest resolution.
  let size = p.baseSize;
  let jsonSize = p.baseSize;
  let dropped = false;
  const kept: Filled[] = [];
  const fillSized = (pattern: string): Filled => {
    const filled = fill(pattern, tokens);
    size += filled.maxLength;
    // the shape held "" for the value: a string adds its length (never escaped), an expression its JSON less ""
    jsonSize += typeof filled.value === 'string' ? filled.value.length : JSON.stringify(filled.value).length - 2;
    return filled;
  };
  const fillUnique = (patterns: readonly string[]): PolicyValue[] => {
    const all = patterns.map(fillSized);
    const unique = uniqueFilled(all);
    if (unique.length < all.length) dropped = true;
    kept.push(...unique);
    return unique.map((f) => f.value);
  };
  const statement: Statement = {
    Sid: p.sid,
    Effect: p.effect,
    Action: p.action,
    Resource: one(fillUnique(p.resources)),
    ...(p.condition ? { Condition: renderConditionLists(p.condition, fillUnique) } : {}),
  };
  // The base shape held one "" per pattern: when two patterns filled to one value, measure what is left.
  if (dropped) return { id: entry.id, reason: entry.reason, statement, ...measure(statement, kept) };
  return { id: entry.id, reason: entry.reason, statement, size, jsonSize };
}

/** The slower path for entries with list tokens: the shape varies with the lists, so size it from JSON. */
function renderWithLists(entry: CatalogEntry, p: Prepared, tokens: Tokens): RenderedStatement {
  const kept: Filled[] = [];
  const fillAll = (patterns: readonly string[]): PolicyValue[] => {
    const unique = uniqueFilled(
      [...new Set(patterns.flatMap((x) => expandLists(x, tokens)))].map((x) => fill(x, tokens)),
    );
    kept.push(...unique);
    return unique.map((f) => f.value);
  };
  const resources = fillAll(p.resources);
  if (resources.length === 0)
    throw new Error(`catalog entry ${entry.id} has no resource left once its lists are expanded`);
  const condition = entry.condition ? renderConditionLists(entry.condition, fillAll) : undefined;
  const statement: Statement = {
    Sid: p.sid,
    Effect: p.effect,
    Action: p.action,
    Resource: one(resources),
    ...(condition ? { Condition: condition } : {}),
  };
  return { id: entry.id, reason: entry.reason, statement, ...measure(statement, kept) };
}

/** A filled pattern: its value and that value's longest resolution. */
type Filled = ReturnType<typeof fill>;

/**
 * A filled value's identity: a literal by its text, an expression by its structure (object keys in sorted
 * order, array order kept), so `{"Fn::Sub": [s, {A, B}]}` and `{"Fn::Sub": [s, {B, A}]}` are one value.
 */
export function valueKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${valueKey(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The filled values without repeats, first occurrence kept (so the order is the catalog's): two patterns may
 * fill to the same ARN or expression ({GeneratedNameHeads} and {Service}-{Stage} for a default stack name).
 * A list in a Resource or condition value is a set to IAM, so a repeat changes nothing but the size.
 */
function uniqueFilled(filled: readonly Filled[]): Filled[] {
  if (filled.length < 2) return [...filled];
  const seen = new Set<string>();
  return filled.filter((f) => {
    const key = typeof f.value === 'string' ? f.value : valueKey(f.value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Size of a statement from its JSON: every expression counted at its longest resolution, as a string of that
 * length would be (its quotes and characters); `kept` holds one entry per value occurrence in the statement.
 */
function measure(statement: Statement, kept: readonly Filled[]): { size: number; jsonSize: number } {
  const expressions = new Set<unknown>();
  let extra = 0;
  for (const f of kept) {
    if (typeof f.value === 'string') continue;
    expressions.add(f.value);
    extra += f.maxLength;
  }
  const json = JSON.stringify(statement, (_k, v: unknown) => (expressions.has(v) ? '' : v)).length;
  return { size: json + extra, jsonSize: JSON.stringify(statement).length };
}

/** A condition block with each key's patterns turned into values by `f` (a single value stays a scalar). */
function renderConditionLists(
  block: ConditionBlock,
  f: (ps: readonly string[]) => PolicyValue[],
): Statement['Condition'] {
  const out: Record<string, Record<string, PolicyValue | PolicyValue[]>> = {};
  for (const op in block) {
    const rendered: Record<string, PolicyValue | PolicyValue[]> = {};
    for (const key in block[op]) {
      const v = block[op][key];
      const values = f(Array.isArray(v) ? v : [v as string]);
      if (values.length === 0 && op.startsWith('ForAllValues:')) (out.Null ??= {})[key] = 'true';
      else rendered[key] = one(values);
    }
    if (Object.keys(rendered).length) out[op] = rendered;
  }
  return out;
}
