/**
 * Turns a recorded SDK call into the IAM requests AWS authorizes for it, using the data in call-map.json
 * (see its $comment for the placeholder language). Unknown calls are never guessed: they raise
 * UnmappedCallError, which the proof reports as a mismatch.
 */
import callMapJson from './call-map.json';
import type { IamRequest, RecordedCall } from './types';

export interface RequestTemplate {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
  readonly when?: string;
  readonly forEach?: string;
  /** With forEach: the action for an element that carries a VersionId (S3 DeleteObjects). */
  readonly versionAction?: string;
  readonly via?: 'cloudformation';
  readonly note?: string;
}

export interface CallMapEntry {
  readonly requests?: readonly RequestTemplate[];
  /** The call is not authorized by IAM at all; the reason. */
  readonly none?: string;
  /** The CLI goes on when the call is denied; the reason. */
  readonly tolerated?: string;
}

export const CALL_MAP: Readonly<Record<string, CallMapEntry>> = (
  callMapJson as unknown as { calls: Record<string, CallMapEntry> }
).calls;

/** What placeholders resolve against besides the call's input. */
export interface MapEnv {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The stack id (ARN) for a stack name, when the stack existed at some point of the run. */
  readonly stackId: (name: string) => string | undefined;
}

export class UnmappedCallError extends Error {
  override name = 'UnmappedCallError';
}

export class MissingInputError extends Error {
  override name = 'MissingInputError';
}

/** A fixed id for stacks that never existed (IAM matches `stack/<name>/*`, so any id stands for them). */
export const ABSENT_STACK_ID = '00000000-0000-4000-8000-000000000000';

export function callKey(call: Pick<RecordedCall, 'service' | 'op'>): string {
  return `${call.service}.${call.op}`;
}

/** The value at a dotted path of a request or resource properties (undefined when absent). */
export function get(obj: unknown, path: string): unknown {
  if (path === '') return obj;
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
}

export function stackArn(nameOrArn: string, env: MapEnv): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  const known = env.stackId(nameOrArn);
  return (
    known ?? `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${nameOrArn}/${ABSENT_STACK_ID}`
  );
}

/** Lambda accepts a name, a partial ARN (123456789012:function:name) or a full ARN, with or without a qualifier. */
export function functionArn(nameOrArn: string, env: MapEnv, qualifier?: string): string {
  let region = env.region;
  let account = env.account;
  let rest = nameOrArn;
  const full = /^arn:[^:]+:lambda:([^:]+):(\d{12}):function:(.+)$/.exec(nameOrArn);
  const partial = /^(\d{12}):function:(.+)$/.exec(nameOrArn);
  if (full) [, region, account, rest] = full;
  else if (partial) [, account, rest] = partial;
  const [name, inlineQualifier] = rest.split(':');
  const q = qualifier ?? inlineQualifier;
  return `arn:${env.partition}:lambda:${region}:${account}:function:${name}${q ? `:${q}` : ''}`;
}

/** `https://s3.amazonaws.com/<bucket>/<key>` (path style, as the framework writes TemplateURL) or virtual-host style. */
export function s3UrlToArn(url: string, partition: string): string {
  const u = new URL(url);
  const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const virtual = /^(.+)\.s3[.-]/.exec(u.hostname);
  return virtual ? `arn:${partition}:s3:::${virtual[1]}/${path}` : `arn:${partition}:s3:::${path}`;
}

function asString(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new MissingInputError(
    `${what} is ${v === undefined ? 'missing' : `not a string (${JSON.stringify(v)?.slice(0, 80)})`}`,
  );
}

const PLACEHOLDER = /\{([A-Za-z0-9]+)(?::([^}]*))?\}/g;

/** Fill one template string; `item` is the forEach element. */
export function fillTemplate(template: string, input: unknown, env: MapEnv, item?: unknown): string {
  return template.replace(PLACEHOLDER, (_whole, fn: string, arg = '') => {
    switch (fn) {
      case 'Partition':
        return env.partition;
      case 'Region':
        return env.region;
      case 'Account':
        return env.account;
      case 'in':
        return asString(get(input, arg), `input.${arg}`);
      case 'item':
        return asString(get(item, arg), `item${arg ? `.${arg}` : ''}`);
      case 'enc':
        return encodeURIComponent(asString(get(input, arg), `input.${arg}`));
      case 'stack':
        return stackArn(asString(get(input, arg), `input.${arg}`), env);
      case 'fn':
        return functionArn(asString(get(input, arg), `input.${arg}`), env);
      case 'fnq': {
        const q = get(input, 'Qualifier');
        return functionArn(asString(get(input, arg), `input.${arg}`), env, present(q) ? String(q) : undefined);
      }
      case 's3url':
        return s3UrlToArn(asString(get(input, arg), `input.${arg}`), env.partition);
      default:
        throw new Error(`call-map: unknown placeholder {${fn}}`);
    }
  });
}

/**
 * lambda:VpcIds of a CreateFunction or UpdateFunctionConfiguration: Lambda derives the VPC from the subnets (a
 * subnet belongs to one VPC); the call names no VPC, so the proof stands in a fixed id per subnet list. Only its
 * presence matters to the catalog (Null lambda:VpcIds without a network; the subnets themselves with one).
 */
export function derivedVpcId(subnets: unknown): string | undefined {
  if (!Array.isArray(subnets) || subnets.length === 0) return undefined;
  const key = subnets.map(String).sort().join(',');
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `vpc-${h.toString(16).padStart(8, '0')}`;
}

/**
 * The value a PATCH request (`patchOperations`, JSON Patch as API Gateway takes it) sets at `path` with `replace` or
 * `add`; undefined when no operation sets it (a `remove`, or another path), so the context key is left out.
 */
function patchValue(input: unknown, path: string): string | undefined {
  const ops = get(input, 'patchOperations');
  if (!Array.isArray(ops)) return undefined;
  const op = (ops as { op?: string; path?: string; value?: unknown }[]).find(
    (o) => o.path === path && (o.op === 'replace' || o.op === 'add'),
  );
  return op && present(op.value) ? String(op.value) : undefined;
}

/** A context value: a single placeholder whose input is absent leaves the key out (returns undefined). */
function fillContext(template: string, input: unknown, env: MapEnv): string | string[] | undefined {
  const vpcOf = /^\{vpcOf:([^}]*)\}$/.exec(template);
  if (vpcOf) return derivedVpcId(get(input, vpcOf[1]));
  const patch = /^\{patch:([^}]*)\}$/.exec(template);
  if (patch) return patchValue(input, patch[1]);
  const single = /^\{in:([^}]*)\}$/.exec(template);
  if (single) {
    const v = get(input, single[1]);
    if (!present(v)) return undefined;
    if (Array.isArray(v)) return v.map((x) => String(x));
    return String(v);
  }
  return fillTemplate(template, input, env);
}

/** CloudFormation Tags ([{Key, Value}]) as aws:RequestTag/<key> and aws:TagKeys. */
export function requestTagContext(tags: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const list: { Key: string; Value: string }[] = Array.isArray(tags)
    ? (tags as { Key: string; Value: string }[])
    : tags && typeof tags === 'object'
      ? Object.entries(tags as Record<string, string>).map(([Key, Value]) => ({ Key, Value }))
      : [];
  if (!list.length) return out;
  for (const t of list) out[`aws:RequestTag/${t.Key}`] = String(t.Value);
  out['aws:TagKeys'] = list.map((t) => t.Key);
  return out;
}

/** Global keys every request carries; calls CloudFormation makes on the caller's behalf add aws:CalledVia. */
export function globalContext(env: MapEnv, via: 'cli' | 'cloudformation'): Record<string, string | string[]> {
  const base: Record<string, string | string[]> = { 'aws:RequestedRegion': env.region, 'aws:SecureTransport': 'true' };
  if (via === 'cloudformation') {
    return {
      ...base,
      'aws:CalledVia': ['cloudformation.amazonaws.com'],
      'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
      'aws:CalledViaLast': 'cloudformation.amazonaws.com',
      'aws:ViaAWSService': 'true',
    };
  }
  return { ...base, 'aws:ViaAWSService': 'false' };
}

/** Expand one request template against one call. */
export function expandTemplate(
  t: RequestTemplate,
  input: unknown,
  env: MapEnv,
): { action: string; resource: string; context: Record<string, string | string[]> }[] {
  if (t.when && !present(get(input, t.when))) return [];
  const items: unknown[] = t.forEach ? ((get(input, t.forEach) as unknown[] | undefined) ?? []) : [undefined];
  return items.map((item) => {
    const context: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(t.context ?? {})) {
      if (key === '$requestTags') {
        Object.assign(context, requestTagContext(get(input, value)));
        continue;
      }
      const v = fillContext(value, input, env);
      if (v !== undefined) context[key] = v;
    }
    const versioned =
      t.versionAction && item && typeof item === 'object' && present((item as Record<string, unknown>).VersionId);
    return {
      action: versioned ? (t.versionAction as string) : t.action,
      resource: fillTemplate(t.resource, input, env, item),
      context,
    };
  });
}

/** The IAM requests of one recorded SDK call. */
export function mapCall(call: RecordedCall, env: MapEnv): IamRequest[] {
  const key = callKey(call);
  const entry = CALL_MAP[key];
  const origin = `${key} #${call.seq}`;
  if (!entry) throw new UnmappedCallError(`no call-map.json entry for ${key} (recorded call #${call.seq})`);
  if (entry.none) {
    return [{ action: key, resource: '-', context: {}, via: 'cli', origin, mapId: key, noIam: entry.none }];
  }
  const out: IamRequest[] = [];
  for (const t of entry.requests ?? []) {
    const via = t.via === 'cloudformation' ? 'cloudformation' : 'cli';
    for (const r of expandTemplate(t, call.input, env)) {
      out.push({
        action: r.action,
        resource: r.resource,
        context: { ...globalContext(env, via), ...r.context },
        via,
        origin,
        mapId: key,
        ...(entry.tolerated ? { tolerated: entry.tolerated } : {}),
      });
    }
  }
  return out;
}
