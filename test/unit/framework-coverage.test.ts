/**
 * Every event type and resource type the installed Serverless Framework can compile is covered (issue 12):
 * both lists are derived from the framework's own source in node_modules (osls 4 and osls3), so an upgrade
 * that adds a type fails here until functions/catalog/framework-coverage.json, the catalog and the proof's
 * on-behalf table (scripts/lib/prove/cfn-on-behalf.json) cover it. A listed entry counts as granting an on-behalf
 * request only when its action, role, resource (where the ARN names random ids only) and condition keys fit it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative } from 'path';
import { parse } from 'yaml';
import { CORE_CATALOG } from '../../functions/catalog';
import coverage from '../../functions/catalog/framework-coverage.json';
import { ON_BEHALF, tableKey, type OnBehalfTemplate } from '../../scripts/lib/prove/on-behalf';
import { globalContext } from '../../scripts/lib/prove/call-map';
import { withStackTags } from '../../scripts/lib/prove/resource-tags';
import type { CatalogEntry } from '../../functions/catalog/types';
import type { StackState } from '../../scripts/lib/prove/types';

const ROOT = join(__dirname, '..', '..');
const FRAMEWORKS = ['osls', 'osls3'] as const;
const EVENTS_DIR = 'lib/plugins/aws/package/compile/events';

interface Coverage {
  eventTypes: Record<string, { resourceTypes: string[]; service: string }>;
  resourceTypes: Record<
    string,
    { create?: string[]; update?: string[]; delete?: string[]; updateAdminOnly?: Record<string, string> }
  >;
}
const COVERAGE = coverage as unknown as Coverage;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.js') || p.endsWith('.json') ? [p] : [];
  });
}

/** `Type: 'AWS::X::Y'` and `"Type": "AWS::X::Y"` (the framework's compiled resources), not schema `const`s. */
function emittedTypes(files: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(
      /["']?Type["']?\s*:\s*["']((?:AWS|Custom)::[A-Za-z0-9]+(?:::[A-Za-z0-9]+)?)["']/g,
    ))
      out.add(m[1]);
  }
  return out;
}

const frameworkDir = (fw: string) => join(ROOT, 'node_modules', fw);

/** event name -> the source file or folder that compiles it (the folder when the file sits in its own folder). */
function eventSources(fw: string): Map<string, string[]> {
  const base = join(frameworkDir(fw), EVENTS_DIR);
  const out = new Map<string, string[]>();
  for (const f of walk(base)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/defineFunctionEvent\(\s*'aws',\s*'([A-Za-z0-9]+)'/g)) {
      const folder = dirname(f) === base ? f : join(base, relative(base, f).split('/')[0]);
      out.set(m[1], statSync(folder).isDirectory() ? walk(folder) : [folder]);
    }
  }
  return out;
}

describe.each(FRAMEWORKS)('%s: event and resource types of the installed framework', (fw) => {
  const installed = existsSync(join(frameworkDir(fw), 'package.json'));
  test('is installed', () => expect(installed).toBe(true));
  if (!installed) return;
  const events = eventSources(fw);
  const types = emittedTypes(walk(join(frameworkDir(fw), 'lib')));

  test('the source still defines events and emits resources the way this test reads them', () => {
    expect(events.size).toBeGreaterThanOrEqual(22);
    expect(types.size).toBeGreaterThanOrEqual(45);
  });

  test('every event type it compiles is in framework-coverage.json', () => {
    expect([...events.keys()].filter((e) => !COVERAGE.eventTypes[e]).sort()).toEqual([]);
  });

  test.each([...events.keys()].sort())('%s: every resource type its compiler emits is listed for it', (event) => {
    const listed = COVERAGE.eventTypes[event]?.resourceTypes ?? [];
    expect([...emittedTypes(events.get(event) ?? [])].filter((t) => !listed.includes(t)).sort()).toEqual([]);
  });

  test('every resource type it emits has an on-behalf entry and a coverage entry', () => {
    const problems: string[] = [];
    for (const t of [...types].sort()) {
      if (!ON_BEHALF[tableKey(t)]) problems.push(`${t}: no cfn-on-behalf.json entry`);
      if (!COVERAGE.resourceTypes[tableKey(t)]) problems.push(`${t}: no framework-coverage.json resourceTypes entry`);
    }
    expect(problems).toEqual([]);
  });
});

/** A catalog resource pattern (placeholders are wildcards) as a regular expression. */
const pattern = (r: string) =>
  new RegExp(
    `^${r
      .replace(/\{[A-Za-z]+\}/g, '*')
      .replace(/[.+?^$()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
/** Sample physical id: shaped like the framework's names (<service>-<stage>-<name>), so name patterns match. */
const ID = 'svc-dev-x1y2';
const sampleArn = (t: string) =>
  t
    .replace(/\{Partition\}/g, 'aws')
    .replace(/\{Region\}/g, 'us-east-1')
    .replace(/\{Account\}/g, '123456789012')
    .replace(/\{[A-Za-z]+(:[^}]*)?\}/g, ID);
/**
 * Whether a request ARN template names only random ids (API Gateway ids: its {ref} and *Id properties): a sample id then stands for any
 * real one. Names chosen by the service (log groups, buckets, functions) follow patterns a sample cannot honour.
 */
const idsOnly = (t: string) =>
  [...t.matchAll(/\{([^}]*)\}/g)].every(
    (m) =>
      /^(Partition|Region|Account|p:[A-Za-z]*(Id|HttpMethod|StageName))$/.test(m[1]) ||
      (m[1] === 'ref' && t.includes(':apigateway:')),
  );
/** A stack holding the tagged API Gateway resources under the sample id: the harness's stack-tag step sees them as own. */
const OWN_STACK: StackState = {
  stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/svc-dev/1',
  template: {
    Resources: {
      A: { Type: 'AWS::ApiGateway::RestApi' },
      H: { Type: 'AWS::ApiGatewayV2::Api' },
      D: { Type: 'AWS::CloudFront::Distribution' },
      P: { Type: 'AWS::Cognito::UserPool' },
      K: { Type: 'AWS::ApiGateway::ApiKey' },
      U: { Type: 'AWS::ApiGateway::UsagePlan' },
    },
  },
  physical: { A: ID, H: ID, D: ID, P: ID, K: ID, U: ID },
} as unknown as StackState;

/** The context keys the proof's request for this template can carry (the same builders the proof uses). */
function requestKeys(t: OnBehalfTemplate, resource: string): Set<string> {
  const keys = new Set(
    Object.keys(
      globalContext(
        { partition: 'aws', region: 'us-east-1', account: '123456789012', stackId: () => undefined },
        'cloudformation',
      ),
    ),
  );
  for (const k of Object.keys(t.context ?? {}))
    keys.add(k === '$requestTags' ? 'aws:RequestTag/*' : k === '$eventSources' ? 'events:source' : k);
  if ('$requestTags' in (t.context ?? {})) keys.add('aws:TagKeys');
  const [tagged] = withStackTags(
    [{ action: t.action, resource, context: {}, via: 'cloudformation', origin: '', mapId: '' }],
    'svc-dev',
    [OWN_STACK],
  );
  for (const k of Object.keys(tagged.context)) keys.add(k);
  return keys;
}

/** Why this entry cannot grant the request (its resources or a condition key the request never carries), or ''. */
function mismatch(e: CatalogEntry, t: OnBehalfTemplate, resource: string, checkResource: boolean): string {
  if (checkResource && !e.resources.some((r) => pattern(r).test(resource))) return `${e.id} names no ${resource}`;
  const keys = requestKeys(t, resource);
  for (const [op, block] of Object.entries(e.condition ?? {})) {
    if (op.endsWith('IfExists') || op === 'Null') continue;
    for (const k of Object.keys(block)) {
      const carried = keys.has(k) || (k.startsWith('aws:RequestTag/') && keys.has('aws:RequestTag/*'));
      if (!carried) return `${e.id} needs ${k}, which the request never carries`;
    }
  }
  return '';
}

describe('framework-coverage.json', () => {
  const byId = new Map(CORE_CATALOG.map((e) => [e.id, e]));

  test.each(Object.keys(COVERAGE.resourceTypes).sort())(
    '%s: its catalog entries grant every on-behalf action to the roles that run it',
    (type) => {
      const cov = COVERAGE.resourceTypes[type];
      const entry = ON_BEHALF[type];
      const problems: string[] = [];
      if (!entry) problems.push('no cfn-on-behalf.json entry');
      for (const handler of ['create', 'update', 'delete'] as const) {
        const ids = cov[handler] ?? [];
        for (const id of ids) if (!byId.has(id)) problems.push(`${handler}: ${id} is no catalog entry`);
        for (const t of entry?.[handler] ?? []) {
          const adminOnly = handler !== 'update' || !!cov.updateAdminOnly?.[t.action];
          const raw = t.resource.replace('{arn}', entry?.arn ?? '');
          const resource = sampleArn(raw);
          const checkResource = raw.startsWith('arn:') && idsOnly(raw);
          for (const role of adminOnly ? (['admin'] as const) : (['admin', 'developer', 'ci'] as const)) {
            const why: string[] = [];
            const granted = ids.some((id) => {
              const e = byId.get(id);
              if (!e || !e.actions.includes(t.action) || !e.roles.includes(role)) return false;
              const m = mismatch(e, t, resource, checkResource);
              if (m) why.push(m);
              return !m;
            });
            if (!granted)
              problems.push(
                `${handler}: ${t.action} on ${resource} for ${role} is granted by none of [${ids.join(', ')}]${why.length ? ` (${why.join('; ')})` : ''}`,
              );
          }
        }
        // Listed entries must each grant at least one of the handler's actions (no stale ids).
        for (const id of ids) {
          const e = byId.get(id);
          if (e && !(entry?.[handler] ?? []).some((t) => e.actions.includes(t.action)))
            problems.push(`${handler}: ${id} grants none of its actions`);
        }
      }
      for (const action of Object.keys(cov.updateAdminOnly ?? {})) {
        if (!(entry?.update ?? []).some((t) => t.action === action))
          problems.push(`updateAdminOnly: ${action} is no update action of ${type}`);
      }
      expect(problems).toEqual([]);
    },
  );

  test.each(Object.entries(COVERAGE.eventTypes).sort())(
    '%s: its generated service uses it, and its resource types are covered',
    (event, e) => {
      const file = join(ROOT, e.service, 'serverless.yml');
      expect(existsSync(file)).toBe(true);
      const service = parse(readFileSync(file, 'utf8')) as {
        functions?: Record<string, { events?: Record<string, unknown>[] }>;
      };
      const used = new Set(
        Object.values(service.functions ?? {}).flatMap((f) => (f.events ?? []).flatMap((ev) => Object.keys(ev))),
      );
      expect(used.has(event)).toBe(true);
      expect(e.resourceTypes.filter((t) => !COVERAGE.resourceTypes[tableKey(t)])).toEqual([]);
    },
  );
});
