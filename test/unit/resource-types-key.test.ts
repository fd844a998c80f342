/**
 * Why the groups' stack writes carry no `cloudformation:ResourceTypes` allow-list (red-team finding F3: "anyone who
 * may update their stack can add any resource type to it").
 *
 * The Service Authorization Reference lists `cloudformation:ResourceTypes` for CreateStack, UpdateStack and
 * CreateChangeSet (ExecuteChangeSet carries only ChangeSetName). Its value is NOT read off the template: it is the
 * request's own optional `ResourceTypes` parameter. The API model shipped with the SDK
 * (node_modules/@aws-sdk/client-cloudformation, CreateStackInput/UpdateStackInput/CreateChangeSetInput.ResourceTypes)
 * says: "If the list of resource types doesn't include a resource type that you're updating, the stack update
 * fails. By default, CloudFormation grants permissions to all resource types. IAM uses this parameter for condition
 * keys in IAM policies", and "Only one of the Capabilities and ResourceType parameters can be specified".
 *
 * So the key is present only when the caller chooses to send it. An attacker sends no ResourceTypes: a
 * `ForAllValues:` allow-list is then vacuously true and a `ForAnyValue:` Deny never matches (both pinned below with
 * the real evaluator). The only enforceable form requires the key (`Null: false`), and the Serverless Framework never
 * sends it (pinned below from osls and osls3; it always sends Capabilities, which the API model says excludes
 * ResourceTypes): that form denies every framework deploy. Hence the rule this file enforces: no statement the macro
 * renders may condition on cloudformation:ResourceTypes without also requiring it. The types an attacker can add
 * are closed (or listed open) where their handlers act: test/adversarial (attacks `*-via-stack`, open-attacks.json).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { simulate, type PolicyDoc } from '../../scripts/lib/prove/simulate';

const ROOT = join(__dirname, '..', '..');
const KEY = 'cloudformation:ResourceTypes';
const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/svc-dev/11111111-2222-3333-4444-555555555555';
const WRITES = ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:CreateChangeSet'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.js') ? [p] : [];
  });
}

describe.each(['osls', 'osls3'])('%s: stack writes', (fw) => {
  const lib = join(ROOT, 'node_modules', fw, 'lib');
  const params = join(lib, 'plugins', 'aws', 'lib', 'get-shared-stack-action-params.js');

  test('build their parameters in one place that always sends Capabilities', () => {
    expect(existsSync(params)).toBe(true);
    expect(readFileSync(params, 'utf8')).toMatch(
      /Capabilities:\s*\[\s*'CAPABILITY_IAM',\s*'CAPABILITY_NAMED_IAM'\s*\]/,
    );
  });

  test('never send ResourceTypes, so their requests carry no cloudformation:ResourceTypes', () => {
    const senders = walk(lib).filter((f) => /\bResourceTypes\b/.test(readFileSync(f, 'utf8')));
    expect(senders.map((f) => f.slice(ROOT.length + 1))).toEqual([]);
  });
});

describe('the evaluator: cloudformation:ResourceTypes guards only requests that declare it', () => {
  const allowList: PolicyDoc = {
    name: 'allow-list',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'StackWrites',
          Effect: 'Allow',
          Action: WRITES,
          Resource: 'arn:aws:cloudformation:us-east-1:123456789012:stack/svc-dev/*',
          Condition: { 'ForAllValues:StringEquals': { [KEY]: ['AWS::Lambda::Function', 'AWS::Logs::LogGroup'] } },
        },
        {
          Sid: 'NoPolicyTypes',
          Effect: 'Deny',
          Action: WRITES,
          Resource: '*',
          Condition: { 'ForAnyValue:StringLike': { [KEY]: ['AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy'] } },
        },
      ],
    },
  };
  const request = (action: string, types?: string[]) => ({
    action,
    resource: STACK,
    context: { 'aws:RequestedRegion': 'us-east-1', ...(types ? { [KEY]: types } : {}) },
  });

  test.each(WRITES)('%s declaring a TopicPolicy is denied', async (action) => {
    const r = await simulate([allowList], request(action, ['AWS::Lambda::Function', 'AWS::SNS::TopicPolicy']));
    expect(r.decision).toBe('Denied');
  });

  test.each(WRITES)('%s declaring nothing (what the attacker and the framework send) is allowed', async (action) => {
    const r = await simulate([allowList], request(action));
    expect(r).toMatchObject({ decision: 'Allowed', allowSids: ['StackWrites'], denySids: [] });
  });

  test('requiring the key (Null false) is the only enforceable form, and it refuses the framework', async () => {
    const required: PolicyDoc = {
      name: 'required',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'cloudformation:UpdateStack',
            Resource: STACK,
            Condition: {
              'ForAllValues:StringEquals': { [KEY]: ['AWS::Lambda::Function'] },
              Null: { [KEY]: 'false' },
            },
          },
        ],
      },
    };
    expect((await simulate([required], request('cloudformation:UpdateStack'))).decision).toBe('Denied');
    expect(
      (await simulate([required], request('cloudformation:UpdateStack', ['AWS::Lambda::Function']))).decision,
    ).toBe('Allowed');
  });
});

type Statement = { Sid?: string; Condition?: Record<string, Record<string, unknown>> };

/** Every IAM statement anywhere in a rendered template (group policies, roles, boundary). */
function collectStatements(doc: unknown, out: Statement[] = []): Statement[] {
  if (Array.isArray(doc)) for (const x of doc) collectStatements(x, out);
  else if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    if (typeof o.Effect === 'string' && (o.Action !== undefined || o.NotAction !== undefined)) out.push(o);
    for (const v of Object.values(o)) collectStatements(v, out);
  }
  return out;
}

test('no rendered statement relies on cloudformation:ResourceTypes without requiring it (Null false)', () => {
  const dir = join(ROOT, 'test', 'golden', 'output');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(10);
  const problems: string[] = [];
  let conditioned = 0;
  for (const f of files) {
    for (const st of collectStatements(JSON.parse(readFileSync(join(dir, f), 'utf8')))) {
      const c = st.Condition ?? {};
      if (st.Condition) conditioned++;
      const uses = Object.entries(c).some(([op, block]) => op !== 'Null' && KEY in block);
      if (uses && c.Null?.[KEY] !== 'false') problems.push(`${f} ${st.Sid ?? '(no Sid)'}`);
    }
  }
  expect(problems).toEqual([]);
  // The walk reaches the conditioned statements (a broken walk would pass vacuously).
  expect(conditioned).toBeGreaterThan(100);
});
