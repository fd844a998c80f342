/**
 * Runs an attack against a subject's policies with the proof's evaluator wrapper (test/proof/simulate.ts, over
 * @cloud-copilot/iam-simulate), and matches successes against the open registry (open-attacks.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRINCIPAL, simulate, type PolicyDoc, type SimRequest } from '../../scripts/lib/prove/simulate';
import { ATTACKS, GROUPS, type Attack, type AttackRequest } from './attacks';
import type { Subject, SubjectRole } from './subjects';
import { viaStackAttacks } from './via-stack';

/** Every attack: the hand-written ones and those generated from CloudFormation's handlers. */
export function allAttacks(): Attack[] {
  const list = [...ATTACKS, ...viaStackAttacks()];
  const seen = new Set<string>();
  for (const a of list) {
    if (seen.has(a.id)) throw new Error(`attack id ${a.id} twice`);
    seen.add(a.id);
  }
  return list;
}

export function deniedFor(a: Attack): readonly SubjectRole[] {
  return a.deniedFor ?? GROUPS;
}

/** Does the attack apply to the subject (its `requires`, `!feature` for "not")? */
export function applies(a: Attack, s: Subject): boolean {
  return (a.requires ?? []).every((f) => (f.startsWith('!') ? !s.features.has(f.slice(1)) : s.features.has(f)));
}

export function fillNames(text: string, s: Subject, where: string): string {
  const out = text.replace(/\{([A-Za-z0-9]+)\}/g, (_m, name: string) => {
    const v = s.names[name];
    if (v === undefined)
      throw new Error(
        `${where}: unknown placeholder {${name}}; subjects.ts namesOf defines ${Object.keys(s.names).join(', ')}`,
      );
    return v;
  });
  if (/\{[^}]*\}/.test(out)) throw new Error(`${where}: ${JSON.stringify(out)} keeps an unfilled placeholder`);
  return out;
}

export function requestFor(r: AttackRequest, s: Subject, attackId: string): SimRequest {
  const service = r.action.split(':')[0];
  const base: Record<string, string | string[]> = {
    'aws:RequestedRegion': service === 'iam' || service === 'sts' ? 'us-east-1' : s.config.region,
    'aws:SecureTransport': 'true',
    'aws:PrincipalArn': PRINCIPAL,
    'aws:PrincipalAccount': s.names.Account,
    'aws:ViaAWSService': r.via === 'cloudformation' ? 'true' : 'false',
    ...(r.via === 'cloudformation'
      ? {
          'aws:CalledVia': ['cloudformation.amazonaws.com'],
          'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
          'aws:CalledViaLast': 'cloudformation.amazonaws.com',
        }
      : {}),
  };
  const context: Record<string, string | string[]> = { ...base };
  for (const [k, v] of Object.entries(r.context ?? {})) {
    context[fillNames(k, s, attackId)] = Array.isArray(v)
      ? v.map((x) => fillNames(x, s, attackId))
      : fillNames(v as string, s, attackId);
  }
  return { action: r.action, resource: fillNames(r.resource, s, attackId), context };
}

export interface Outcome {
  /** Every request Allowed. */
  readonly succeeded: boolean;
  /** The Allow statements (Sids) that let each request through, when it succeeded. */
  readonly sids: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------
// Speed: each request is evaluated against the statements that can concern it (relevantPolicies), so subjects whose
// relevant statements are equal share one evaluation; a request no Allow statement can match by action and resource
// (conditions aside) is implicitly denied without asking the evaluator. Every Allowed answer comes from the evaluator. The suite checks the shortcut against the
// evaluator on whole subjects (adversarial.test.ts "the shortcut agrees with the evaluator"), which also validates
// every request's input (action, ARN, context keys) there.

interface Compiled {
  readonly statement: Record<string, unknown>;
  readonly allow: boolean;
  readonly actions?: readonly RegExp[];
  readonly resources?: readonly RegExp[];
}
const compiled = new WeakMap<readonly PolicyDoc[], Compiled[]>();
const glob = (p: string, flags: string) =>
  new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  );
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

function statementsOf(policies: readonly PolicyDoc[]): Compiled[] {
  let out = compiled.get(policies);
  if (!out) {
    out = [];
    for (const p of policies) {
      for (const st of ((p.document as { Statement?: unknown[] }).Statement ?? []) as Record<string, unknown>[]) {
        out.push({
          statement: st,
          allow: st.Effect === 'Allow',
          actions: st.NotAction !== undefined ? undefined : list(st.Action).map((x) => glob(x, 'i')),
          resources: st.NotResource !== undefined ? undefined : list(st.Resource).map((x) => glob(x, '')),
        });
      }
    }
    compiled.set(policies, out);
  }
  return out;
}

const reducedCache = new Map<string, readonly PolicyDoc[]>();

/**
 * The statements that can concern the request: Deny statements, NotAction/NotResource statements, and Allow
 * statements whose Action and Resource match it (conditions aside). Undefined when no Allow statement can match:
 * the request is then implicitly denied. The same content gives the same array, so the evaluator's cache serves
 * every subject whose relevant statements are equal.
 */
export function relevantPolicies(policies: readonly PolicyDoc[], r: SimRequest): readonly PolicyDoc[] | undefined {
  const matches = (st: Compiled) =>
    (!st.actions || st.actions.some((x) => x.test(r.action))) &&
    (!st.resources || r.resource === '*' || st.resources.some((x) => x.test(r.resource)));
  const kept = statementsOf(policies).filter((st) => !st.allow || matches(st));
  if (!kept.some((st) => st.allow)) return undefined;
  const document = { Version: '2012-10-17', Statement: kept.map((st) => st.statement) };
  const key = JSON.stringify(document);
  let docs = reducedCache.get(key);
  if (!docs) {
    docs = [{ name: 'relevant', document }];
    reducedCache.set(key, docs);
  }
  return docs;
}

export async function run(a: Attack, s: Subject, policies: readonly PolicyDoc[], shortcut = true): Promise<Outcome> {
  const sids: string[] = [];
  for (const r of a.requests) {
    const request = requestFor(r, s, a.id);
    const relevant = shortcut ? relevantPolicies(policies, request) : policies;
    if (!relevant) return { succeeded: false, sids: [] };
    const result = await simulate(relevant, request);
    if (result.decision !== 'Allowed') return { succeeded: false, sids: [] };
    sids.push(...(result.allowSids.length ? result.allowSids : [result.unvalidated ? '(unvalidated)' : '?']));
  }
  return { succeeded: true, sids: [...new Set(sids)] };
}

// ---------------------------------------------------------------------------------------------------------
// The open registry

export interface OpenAttack {
  /** An attack id, or a prefix ending in `*` (e.g. `via-stack:AWS::SNS::Topic:*`). */
  readonly attack: string;
  readonly roles: readonly SubjectRole[];
  /** Optional: only subjects whose id contains one of these strings (e.g. `[pattern]`, `example-v4:`). */
  readonly subjects?: readonly string[];
  readonly reason: string;
  /** What closes it: `issue 10`, `issue 11`, ... */
  readonly closedBy: string;
}

export const OPEN_ATTACKS_FILE = join(__dirname, 'open-attacks.json');

export function loadOpenAttacks(): OpenAttack[] {
  const data = JSON.parse(readFileSync(OPEN_ATTACKS_FILE, 'utf8')) as { open: OpenAttack[] };
  return data.open;
}

export function matches(entry: OpenAttack, attackId: string, role: SubjectRole, subjectId: string): boolean {
  const id = entry.attack.endsWith('*') ? attackId.startsWith(entry.attack.slice(0, -1)) : attackId === entry.attack;
  return id && entry.roles.includes(role) && (!entry.subjects || entry.subjects.some((x) => subjectId.includes(x)));
}
