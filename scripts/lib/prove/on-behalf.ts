/**
 * The calls CloudFormation makes with the caller's credentials (no stack service role): derived from the
 * difference between the stack's template before and after a step, per resource type, with the table in
 * cfn-on-behalf.json. Every request carries aws:CalledVia = cloudformation.amazonaws.com.
 */
import table from './cfn-on-behalf.json';
import { derivedVpcId, functionArn, get, globalContext, requestTagContext, type MapEnv } from './call-map';
import { getAtt, resolvedProperties, type EvalEnv } from './template';
import { patternSources } from '../../../functions/core/event-access-properties';
import type { CfnTemplate, IamRequest, StackState } from './types';

export type Handler = 'create' | 'update' | 'delete';

export interface OnBehalfTemplate {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
  readonly when?: string;
  readonly forEach?: string;
  /** Update handlers: only when one of these top-level properties changed. */
  readonly changed?: readonly string[];
  /** Update handlers: only when a top-level property other than these changed. */
  readonly changedOther?: readonly string[];
  /** Not in the registry's handler list; why CloudFormation still needs it from the caller. */
  readonly extra?: string;
}

export interface OnBehalfType {
  readonly arn: string;
  readonly create?: readonly OnBehalfTemplate[];
  readonly update?: readonly OnBehalfTemplate[];
  readonly delete?: readonly OnBehalfTemplate[];
}

export const ON_BEHALF: Readonly<Record<string, OnBehalfType>> = (
  table as unknown as { types: Record<string, OnBehalfType> }
).types;

export function tableKey(type: string): string {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' ? 'Custom::*' : type;
}

export interface StackEnv {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

function str(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`${what} is ${v === undefined ? 'missing' : `not a string: ${JSON.stringify(v).slice(0, 80)}`}`);
}

function sqsArn(url: string, env: StackEnv): string {
  if (url.startsWith('arn:')) return url;
  const m = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d{12})\/(.+)$/.exec(url);
  if (!m) throw new Error(`not a queue URL: ${url}`);
  return `arn:${env.partition}:sqs:${m[1]}:${m[2]}:${m[3]}`;
}

interface FillCtx {
  readonly logicalId: string;
  readonly props: Record<string, unknown>;
  readonly evalEnv: EvalEnv;
  readonly env: StackEnv;
  readonly arn?: string;
}

function fill(template: string, c: FillCtx, item?: unknown): string {
  const mapEnv: MapEnv = {
    partition: c.env.partition,
    region: c.env.region,
    account: c.env.account,
    stackId: () => undefined,
  };
  return template.replace(/\{([A-Za-z0-9]+)(?::([^}]*))?\}/g, (_w, fn: string, arg = '') => {
    switch (fn) {
      case 'Partition':
        return c.env.partition;
      case 'Region':
        return c.env.region;
      case 'Account':
        return c.env.account;
      case 'StackName':
        return c.env.stackName;
      case 'ref':
        return c.evalEnv.physical[c.logicalId];
      case 'arn':
        if (!c.arn) throw new Error('{arn} used in the arn template itself');
        return c.arn;
      case 'att':
        return getAtt(c.logicalId, arg, c.evalEnv);
      case 'p':
        return str(get(c.props, arg), `property ${arg}`);
      case 'fnarn':
        return functionArn(str(get(c.props, arg), `property ${arg}`), mapEnv);
      case 'sqsarn':
        return sqsArn(str(get(item, arg), `queue ${arg}`), c.env);
      case 'item':
        return str(get(item, arg), `item${arg ? `.${arg}` : ''}`);
      default:
        throw new Error(`cfn-on-behalf: unknown placeholder {${fn}}`);
    }
  });
}

function contextOf(t: OnBehalfTemplate, c: FillCtx, item: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(t.context ?? {})) {
    if (key === '$requestTags') {
      Object.assign(out, requestTagContext(get(c.props, value)));
      continue;
    }
    if (key === '$eventSources') {
      // PutRule: events:source holds the literal sources of the rule's EventPattern (an object or its JSON text);
      // none for a schedule or a pattern without source.
      const sources = patternSources(get(c.props, value));
      if (sources.length) out['events:source'] = sources;
      continue;
    }
    const vpcOf = /^\{vpcOf:([^}]*)\}$/.exec(value);
    if (vpcOf) {
      const vpc = derivedVpcId(get(c.props, vpcOf[1]));
      if (vpc) out[key] = vpc;
      continue;
    }
    const single = /^\{p:([^}]*)\}$/.exec(value);
    if (single) {
      const v = get(c.props, single[1]);
      if (!present(v)) continue;
      out[key] = Array.isArray(v) ? v.map(String) : String(v);
      continue;
    }
    out[key] = fill(value, c, item);
  }
  return out;
}

/** The requests of one resource's handler (`previous`: the state before an update, to see what changed). */
export function handlerRequests(
  logicalId: string,
  handler: Handler,
  state: StackState,
  env: StackEnv,
  previous?: StackState,
): IamRequest[] {
  const resource = state.template.Resources?.[logicalId];
  if (!resource) return [];
  const entry = ON_BEHALF[tableKey(resource.Type)];
  const origin = `${resource.Type} ${logicalId} (${handler})`;
  if (!entry) {
    return [
      {
        action: '?',
        resource: '?',
        context: {},
        via: 'cloudformation',
        origin,
        mapId: `cfn:${resource.Type}`,
        noIam: `UNMAPPED: no cfn-on-behalf.json entry for ${resource.Type}`,
      },
    ];
  }
  const evalEnv: EvalEnv = { ...env, stackId: state.stackId, template: state.template, physical: state.physical };
  const props = resolvedProperties(logicalId, evalEnv);
  const base: FillCtx = { logicalId, props, evalEnv, env };
  const ctx: FillCtx = { ...base, arn: entry.arn === '-' ? undefined : fill(entry.arn, base) };
  const before = previous
    ? resolvedProperties(logicalId, {
        ...env,
        stackId: previous.stackId,
        template: previous.template,
        physical: previous.physical,
      })
    : undefined;
  const changedKeys = before
    ? [...new Set([...Object.keys(before), ...Object.keys(props)])].filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(props[k]),
      )
    : undefined;
  const out: IamRequest[] = [];
  for (const t of entry[handler] ?? []) {
    if (t.when && !present(get(props, t.when))) continue;
    if (changedKeys && t.changed && !t.changed.some((k) => changedKeys.includes(k))) continue;
    if (changedKeys && t.changedOther && !changedKeys.some((k) => !t.changedOther?.includes(k))) continue;
    const items: unknown[] = t.forEach ? ((get(props, t.forEach) as unknown[] | undefined) ?? []) : [undefined];
    for (const item of items) {
      out.push({
        action: t.action,
        resource: fill(t.resource, ctx, item),
        context: {
          ...globalContext({ ...env, stackId: () => undefined }, 'cloudformation'),
          ...contextOf(t, ctx, item),
        },
        via: 'cloudformation',
        origin,
        mapId: `cfn:${tableKey(resource.Type)}.${handler}`,
      });
    }
  }
  return out;
}

function retained(template: CfnTemplate, logicalId: string): boolean {
  const r = template.Resources?.[logicalId];
  return r?.DeletionPolicy === 'Retain' || r?.DeletionPolicy === 'RetainExceptOnCreate';
}

/** Which resources a stack change creates, updates and deletes. */
export function diffStacks(
  before: StackState | undefined,
  after: StackState | undefined,
  env: StackEnv,
): { logicalId: string; handler: Handler; state: StackState; previous?: StackState }[] {
  const out: { logicalId: string; handler: Handler; state: StackState; previous?: StackState }[] = [];
  const b = before?.template.Resources ?? {};
  const a = after?.template.Resources ?? {};
  for (const id of Object.keys(a)) {
    if (!(id in b) || b[id].Type !== a[id].Type)
      out.push({ logicalId: id, handler: 'create', state: after as StackState });
  }
  for (const id of Object.keys(a)) {
    if (!(id in b) || b[id].Type !== a[id].Type) continue;
    const evalOf = (s: StackState): EvalEnv => ({
      ...env,
      stackId: s.stackId,
      template: s.template,
      physical: s.physical,
    });
    const pb = JSON.stringify(resolvedProperties(id, evalOf(before as StackState)));
    const pa = JSON.stringify(resolvedProperties(id, evalOf(after as StackState)));
    if (pb !== pa) out.push({ logicalId: id, handler: 'update', state: after as StackState, previous: before });
  }
  for (const id of Object.keys(b)) {
    if ((!(id in a) || a[id].Type !== b[id].Type) && !retained(before!.template, id)) {
      out.push({ logicalId: id, handler: 'delete', state: before as StackState });
    }
  }
  return out;
}

/** Every on-behalf request of a stack change. */
export function onBehalfRequests(
  before: StackState | undefined,
  after: StackState | undefined,
  env: StackEnv,
): IamRequest[] {
  return diffStacks(before, after, env).flatMap(({ logicalId, handler, state, previous }) =>
    handlerRequests(logicalId, handler, state, env, previous),
  );
}
