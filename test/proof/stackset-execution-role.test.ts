/**
 * The StackSet execution role of `npm run rollout` (scripts/lib/stackset-template.ts executionRoleTemplate), with
 * the real evaluator (iam-simulate) on its policy:
 * - everything CloudFormation does for the macro StackSet's stacks is allowed: the create, update and delete
 *   handlers' calls (scripts/lib/prove/cfn-on-behalf.json, from the registry schemas) for every resource of the
 *   project's template.yaml, translated as the rollout deploys it, in every region rolled out to, named as
 *   template.yaml names them (read from the template, not from the code under test);
 * - nothing of another StackSet (`StackSet-*` is the prefix every StackSet of the organization shares: Control
 *   Tower's baseline roles and functions, security tooling), no other role, function or log group, and none of
 *   the IAM calls that would turn the macro's own roles into something else (trust, managed policies,
 *   boundaries) is allowed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { globalContext } from '../../scripts/lib/prove/call-map';
import { ON_BEHALF, handlerRequests, tableKey, type Handler } from '../../scripts/lib/prove/on-behalf';
import { ACCOUNT_ID, simulate, type PolicyDoc, type SimRequest } from '../../scripts/lib/prove/simulate';
import { physicalIds } from '../../scripts/lib/prove/template';
import type { CfnTemplate, IamRequest } from '../../scripts/lib/prove/types';
import {
  boundaryPolicyName,
  buildStackSetTemplate,
  codeKeyFor,
  executionRoleTemplate,
  serverlessFunctions,
  type ExecutionRoleOptions,
  type Template,
} from '../../scripts/lib/stackset-template';

const REPO = join(__dirname, '..', '..');
const PARTITION = 'aws';
const STACK_SET = 'formidable-serverless-access';
const REGIONS = ['us-east-1', 'eu-west-1'];
const PARAMETERS = {
  MacroStackSetName: STACK_SET,
  MacroName: 'FormidableServerless',
  CodeBucketPrefix: 'acme-macro-code',
  CodeKeyPrefix: 'formidable-serverless-access',
};
const stackName = (region: string) => `StackSet-${STACK_SET}-6f1e1f3c-0000-4000-8000-0000${region.length}000abcd`;

type Json = unknown;

/** Template parameters and pseudo parameters in a template (Ref, Fn::Sub, Fn::If on Fn::Equals), strictly. */
function applyParameters(value: Json, values: Record<string, string>, conditions: Record<string, boolean>): Json {
  if (Array.isArray(value)) return value.map((v) => applyParameters(v, values, conditions));
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, Json>;
  const [key] = Object.keys(o);
  if (Object.keys(o).length === 1 && key === 'Ref' && typeof o.Ref === 'string' && o.Ref in values)
    return values[o.Ref];
  if (Object.keys(o).length === 1 && key === 'Fn::Sub' && typeof o['Fn::Sub'] === 'string') {
    const text = (o['Fn::Sub'] as string).replace(/\$\{([A-Za-z0-9:]+)\}/g, (whole, name: string) =>
      name in values ? values[name] : whole,
    );
    return /\$\{/.test(text) ? { 'Fn::Sub': text } : text;
  }
  if (Object.keys(o).length === 1 && key === 'Fn::If') {
    const [name, yes, no] = o['Fn::If'] as [string, Json, Json];
    if (!(name in conditions)) throw new Error(`unknown condition ${name}`);
    return applyParameters(conditions[name] ? yes : no, values, conditions);
  }
  const isNoValue = (v: Json) => JSON.stringify(v) === '{"Ref":"AWS::NoValue"}';
  return Object.fromEntries(
    Object.entries(o)
      .map(([k, v]) => [k, applyParameters(v, values, conditions)] as const)
      .filter(([, v]) => !isNoValue(v)),
  );
}

function conditionsOf(t: Template, values: Record<string, string>): Record<string, boolean> {
  return Object.fromEntries(
    Object.entries((t.Conditions ?? {}) as Record<string, Json>).map(([name, c]) => {
      const evaluate = (x: Json): boolean => {
        const o = x as Record<string, Json[]>;
        if (o['Fn::Not']) return !evaluate(o['Fn::Not'][0]);
        const [a, b] = (o['Fn::Equals'] ?? []).map((v) => applyParameters(v, values, {}));
        if (typeof a !== 'string' || typeof b !== 'string') throw new Error(`condition ${name}: ${JSON.stringify(x)}`);
        return a === b;
      };
      return [name, evaluate(c)];
    }),
  );
}

/** The execution role's policy as IAM stores it in a member account. */
function executionPolicy(options: ExecutionRoleOptions, parameters = PARAMETERS): PolicyDoc[] {
  const t = executionRoleTemplate(options);
  const values = { ...parameters, 'AWS::Partition': PARTITION, 'AWS::AccountId': ACCOUNT_ID };
  const role = applyParameters(t.Resources!.ExecutionRole, values, {}) as {
    Properties: { Policies: { PolicyName: string; PolicyDocument: unknown }[] };
  };
  const text = JSON.stringify(role.Properties.Policies);
  if (/Fn::|"Ref"/.test(text)) throw new Error(`unresolved intrinsic in the execution role: ${text}`);
  return role.Properties.Policies.map((p) => ({ name: p.PolicyName, document: p.PolicyDocument }));
}

/** The macro roles' permissions boundary (a managed policy of the execution-role StackSet) as IAM stores it. */
function boundaryPolicy(): PolicyDoc[] {
  const t = executionRoleTemplate({ regions: REGIONS });
  const values = { ...PARAMETERS, 'AWS::Partition': PARTITION, 'AWS::AccountId': ACCOUNT_ID };
  const p = applyParameters(t.Resources!.MacroRoleBoundary, values, {}) as {
    Properties: { ManagedPolicyName: string; PolicyDocument: unknown };
  };
  expect(p.Properties.ManagedPolicyName).toBe('FormidableServerless-macro-boundary');
  return [{ name: p.Properties.ManagedPolicyName, document: p.Properties.PolicyDocument }];
}

/** template.yaml as the rollout deploys it (translated, code in the regional buckets), for one region. */
function macroStack(region: string, codeVersion: string, overrides: Record<string, string> = {}) {
  const sam = parseTemplate(readFileSync(join(REPO, 'template.yaml'), 'utf8')) as Template;
  const codeKeys = Object.fromEntries(
    serverlessFunctions(sam).map(({ functionId, codeUri }) => [
      functionId,
      codeKeyFor(codeUri, Buffer.from(`${functionId} ${codeVersion}`), PARAMETERS.CodeKeyPrefix),
    ]),
  );
  const translated = buildStackSetTemplate(sam, { codeKeys }).template;
  const defaults = Object.fromEntries(
    Object.entries(translated.Parameters ?? {})
      .filter(([, p]) => p.Default !== undefined)
      .map(([k, p]) => [k, String(p.Default)]),
  );
  const values: Record<string, string> = {
    ...defaults,
    MacroName: PARAMETERS.MacroName,
    CodeBucketPrefix: PARAMETERS.CodeBucketPrefix,
    // as the rollout sets it: the boundary the execution-role StackSet creates
    RolePermissionsBoundary: boundaryPolicyName(PARAMETERS.MacroName),
    ...overrides,
    'AWS::Partition': PARTITION,
    'AWS::Region': region,
    'AWS::AccountId': ACCOUNT_ID,
    'AWS::StackName': stackName(region),
  };
  const template = applyParameters(translated, values, conditionsOf(translated, values)) as CfnTemplate;
  delete template.Conditions;
  const stackId = `arn:${PARTITION}:cloudformation:${region}:${ACCOUNT_ID}:stack/${stackName(region)}/6f1e1f3c`;
  const base = { partition: PARTITION, region, account: ACCOUNT_ID, stackName: stackName(region), stackId };
  return { template, physical: physicalIds(template, base, {}), stackId, env: base };
}

/** Every call the handlers make for a rollout (create), a code/configuration update, and a removal. */
function handlerCalls(region: string, overrides: Record<string, string> = {}): IamRequest[] {
  const v1 = macroStack(region, 'v1', overrides);
  const v2 = macroStack(region, 'v2', { LogRetentionInDays: '90', ...overrides });
  // the update also changes each function's configuration and each role's inline policy, as a new version may
  for (const [id, r] of Object.entries(v2.template.Resources ?? {})) {
    if (r.Type === 'AWS::Lambda::Function') r.Properties = { ...r.Properties, MemorySize: 1024 };
    if (r.Type === 'AWS::IAM::Role') r.Properties = { ...r.Properties, Policies: [{ PolicyName: `${id}-v2` }] };
  }
  const out: IamRequest[] = [];
  for (const [id, r] of Object.entries(v1.template.Resources ?? {})) {
    if (!ON_BEHALF[tableKey(r.Type)]) continue;
    const steps: [Handler, typeof v1, typeof v1 | undefined][] = [
      ['create', v1, undefined],
      ['update', v2, v1],
      ['delete', v2, undefined],
    ];
    for (const [handler, state, previous] of steps) out.push(...handlerRequests(id, handler, state, v1.env, previous));
  }
  return out;
}

/** The context of a call CloudFormation makes with the execution role's session (us-east-1). */
const VIA_CFN = globalContext(
  { partition: PARTITION, region: 'us-east-1', account: ACCOUNT_ID, stackId: () => undefined },
  'cloudformation',
);
const asRequest = (r: IamRequest): SimRequest => ({ action: r.action, resource: r.resource, context: r.context });

describe('the StackSet execution role: what CloudFormation does for the macro StackSet', () => {
  it('every resource type of the translated template.yaml has handler calls, except the Macro (CloudFormation’s own)', () => {
    const types = new Set(Object.values(macroStack('us-east-1', 'v1').template.Resources ?? {}).map((r) => r.Type));
    expect([...types].filter((t) => !ON_BEHALF[tableKey(t)])).toEqual(['AWS::CloudFormation::Macro']);
    expect([...types].sort()).toEqual([
      'AWS::CloudFormation::Macro',
      'AWS::IAM::Role',
      'AWS::Lambda::Function',
      'AWS::Logs::LogGroup',
    ]);
  });

  it.each(REGIONS)(
    'create, update and delete in %s: every handler call is allowed, on the names template.yaml gives',
    async (region) => {
      const policies = executionPolicy({ regions: REGIONS });
      const calls = handlerCalls(region);
      const actions = new Set(calls.map((c) => c.action));
      for (const a of [
        'iam:CreateRole',
        'iam:PutRolePolicy',
        'iam:DeleteRole',
        'iam:PassRole',
        'lambda:CreateFunction',
      ]) {
        expect(actions).toContain(a);
      }
      for (const a of ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'logs:PutRetentionPolicy']) {
        expect(actions).toContain(a);
      }
      // the names are the explicit ones: nothing generated, nothing under StackSet-
      const resources = [...new Set(calls.map((c) => c.resource))].filter((r) => r !== '*').sort();
      expect(resources).toEqual(
        [
          `arn:aws:iam::${ACCOUNT_ID}:role/FormidableServerless-bucket-resolver-${region}`,
          `arn:aws:iam::${ACCOUNT_ID}:role/FormidableServerless-macro-${region}`,
          `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:FormidableServerless-bucket-resolver`,
          `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:FormidableServerless-macro`,
          `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:/aws/lambda/FormidableServerless-bucket-resolver`,
          `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:/aws/lambda/FormidableServerless-macro`,
          ...calls
            .filter((c) => c.action === 's3:GetObject')
            .map((c) => c.resource)
            .filter((v, i, all) => all.indexOf(v) === i),
        ].sort(),
      );
      const denied: string[] = [];
      for (const c of calls) {
        const result = await simulate(policies, asRequest(c));
        if (result.decision !== 'Allowed') denied.push(`${c.origin}: ${c.action} ${c.resource}`);
      }
      expect(denied).toEqual([]);
    },
  );

  it.each(REGIONS)('the macro StackSet’s own stack in %s: created, updated, described and deleted', async (region) => {
    const policies = executionPolicy({ regions: REGIONS });
    const stack = `arn:aws:cloudformation:${region}:${ACCOUNT_ID}:stack/${stackName(region)}/6f1e1f3c`;
    expect(stackName(region)).toMatch(
      /^StackSet-formidable-serverless-access-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/,
    );
    const context = { 'aws:RequestedRegion': region, 'aws:SecureTransport': 'true' };
    for (const action of ['CreateStack', 'UpdateStack', 'DeleteStack', 'DescribeStacks', 'GetTemplate'])
      expect([
        action,
        (await simulate(policies, { action: `cloudformation:${action}`, resource: stack, context })).decision,
      ]).toEqual([action, 'Allowed']);
  });

  it('ResolverFunctionName=generated (upgrades): the resolver keeps the name CloudFormation generated, and the role reaches it', async () => {
    const policies = executionPolicy({ regions: REGIONS, resolverFunctionName: 'generated', stackSetName: STACK_SET });
    const calls = handlerCalls('eu-west-1', { ResolverFunctionName: 'generated' });
    const resolver = calls.filter((c) => c.action === 'lambda:CreateFunction' && /BucketResolver/.test(c.resource));
    expect(resolver.map((c) => c.resource)).toEqual([
      expect.stringMatching(/:function:StackSet-formidable-serv[^:]*-BucketResolverFunction-[A-Z0-9]+$/),
    ]);
    const denied: string[] = [];
    for (const c of calls) {
      if ((await simulate(policies, asRequest(c))).decision !== 'Allowed') denied.push(`${c.action} ${c.resource}`);
    }
    expect(denied).toEqual([]);
  });
});

describe('upgrading a macro StackSet deployed with generated names', () => {
  /** The stack as deployed before explicit names: roles, macro function and log groups named by CloudFormation. */
  function legacyStack(region: string) {
    const stack = macroStack(region, 'v0', { ResolverFunctionName: 'generated', RolePermissionsBoundary: '' });
    const resources = structuredClone(stack.template.Resources ?? {});
    for (const id of ['MacroRole', 'BucketResolverRole']) delete resources[id].Properties!.RoleName;
    delete resources.MacroFunction.Properties!.FunctionName;
    resources.MacroLogGroup.Properties!.LogGroupName = `/aws/lambda/${stackName(region)}-macro`;
    resources.BucketResolverLogGroup.Properties!.LogGroupName = `/aws/lambda/${stackName(region)}-bucket-resolver`;
    const template = { ...stack.template, Resources: resources };
    return { ...stack, template, physical: physicalIds(template, { ...stack.env }, {}) };
  }
  const options = { regions: REGIONS, resolverFunctionName: 'generated' as const, stackSetName: STACK_SET };

  it('the update deletes the old roles, macro function and log groups: allowed only while the rollout grants their removal', async () => {
    const old = legacyStack('us-east-1');
    const replaced = ['MacroRole', 'BucketResolverRole', 'MacroFunction', 'MacroLogGroup', 'BucketResolverLogGroup'];
    const calls = replaced.flatMap((id) => handlerRequests(id, 'delete', old, old.env));
    expect(calls.map((c) => c.resource).join(' ')).toMatch(/role\/StackSet-formidable-serv\w*-MacroRole-/);
    const upgrading = executionPolicy({ ...options, removeGeneratedNames: true });
    const after = executionPolicy(options);
    const refused: string[] = [];
    const stillAllowed: string[] = [];
    for (const c of calls) {
      if ((await simulate(upgrading, asRequest(c))).decision !== 'Allowed') refused.push(`${c.action} ${c.resource}`);
      if (c.resource !== '*' && (await simulate(after, asRequest(c))).decision === 'Allowed')
        stillAllowed.push(`${c.action} ${c.resource}`);
    }
    expect(refused).toEqual([]);
    expect(stillAllowed.filter((c) => !/BucketResolverFunction/.test(c))).toEqual([]);
  });

  it('the removal grant creates, changes or passes nothing, and deletes nothing of another StackSet', async () => {
    const upgrading = executionPolicy({ ...options, removeGeneratedNames: true });
    const ctx = VIA_CFN;
    const oldRole = `arn:aws:iam::${ACCOUNT_ID}:role/StackSet-formidable-serve-MacroRole-1A2B3C4D5E6F`;
    const oldFn = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:StackSet-formidable-serve-MacroFunction-1A2B3C4D5E6F`;
    const cases: SimRequest[] = [
      { action: 'iam:PutRolePolicy', resource: oldRole, context: ctx },
      { action: 'iam:CreateRole', resource: oldRole, context: ctx },
      { action: 'iam:PassRole', resource: oldRole, context: { ...ctx, 'iam:PassedToService': 'lambda.amazonaws.com' } },
      { action: 'lambda:UpdateFunctionCode', resource: oldFn, context: ctx },
      {
        action: 'iam:DeleteRole',
        resource: `arn:aws:iam::${ACCOUNT_ID}:role/StackSet-AWSControlTowerBP-BASELINE-ROLES-1A2B3C`,
        context: ctx,
      },
      {
        action: 'lambda:DeleteFunction',
        resource: `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:StackSet-AWSControlTowerBP-BASELINE-CLOUDWATCH-Fn-1A2B3C`,
        context: ctx,
      },
    ];
    for (const c of cases) expect([c.action, (await simulate(upgrading, c)).decision]).toEqual([c.action, 'Denied']);
  });
});

describe('the StackSet execution role: nothing of another StackSet, nothing beyond the macro', () => {
  const iam = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:role/${name}`;
  const fn = (name: string, region = 'us-east-1') => `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
  const logGroup = (name: string) => `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:${name}`;
  const viaCfn = VIA_CFN;
  const toLambda = { ...viaCfn, 'iam:PassedToService': 'lambda.amazonaws.com' };
  const CONTROL_TOWER_ROLE = 'StackSet-AWSControlTowerBP-BASELINE-ROLES-1A2B3C';
  const CONTROL_TOWER_FN = 'StackSet-AWSControlTowerBP-BASELINE-CLOUDWATCH-Fn-1A2B3C';
  const OWN_ROLE = 'FormidableServerless-macro-us-east-1';
  const OWN_FN = 'FormidableServerless-macro';

  const cases: [string, SimRequest][] = [
    ...['StackSet-escape', CONTROL_TOWER_ROLE, `StackSet-${STACK_SET}-MacroRole-1A2B3C4D5E6F`].flatMap(
      (role): [string, SimRequest][] => [
        [`create ${role}`, { action: 'iam:CreateRole', resource: iam(role), context: viaCfn }],
        [`inline policy on ${role}`, { action: 'iam:PutRolePolicy', resource: iam(role), context: viaCfn }],
        [`delete ${role}`, { action: 'iam:DeleteRole', resource: iam(role), context: viaCfn }],
        [`pass ${role} to Lambda`, { action: 'iam:PassRole', resource: iam(role), context: toLambda }],
      ],
    ),
    // names that only start like the macro's, or the macro's in a region it is not rolled out to
    ...[
      'FormidableServerless-macro-escape',
      'FormidableServerless-macro-us-east-1x',
      'FormidableServerless-macro-ap-south-1',
    ].map((role): [string, SimRequest] => [
      `create ${role}`,
      { action: 'iam:CreateRole', resource: iam(role), context: viaCfn },
    ]),
    // the macro's own roles: no other trust, no managed policy, no boundary change, no other service
    ['new trust on the own role', { action: 'iam:UpdateAssumeRolePolicy', resource: iam(OWN_ROLE), context: viaCfn }],
    [
      'managed policy on the own role',
      {
        action: 'iam:AttachRolePolicy',
        resource: iam(OWN_ROLE),
        context: { ...viaCfn, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      },
    ],
    [
      'boundary removed from the own role',
      { action: 'iam:DeleteRolePermissionsBoundary', resource: iam(OWN_ROLE), context: viaCfn },
    ],
    [
      'own role passed to EC2',
      {
        action: 'iam:PassRole',
        resource: iam(OWN_ROLE),
        context: { ...viaCfn, 'iam:PassedToService': 'ec2.amazonaws.com' },
      },
    ],
    [
      'an access key',
      { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${ACCOUNT_ID}:user/admin`, context: viaCfn },
    ],
    ...['StackSet-escape', CONTROL_TOWER_FN, `StackSet-${STACK_SET}-MacroFunction-1A2B3C4D5E6F`].flatMap(
      (name): [string, SimRequest][] => [
        [`code of ${name}`, { action: 'lambda:UpdateFunctionCode', resource: fn(name), context: viaCfn }],
        [
          `configuration of ${name}`,
          { action: 'lambda:UpdateFunctionConfiguration', resource: fn(name), context: viaCfn },
        ],
        [`create ${name}`, { action: 'lambda:CreateFunction', resource: fn(name), context: viaCfn }],
        [`delete ${name}`, { action: 'lambda:DeleteFunction', resource: fn(name), context: viaCfn }],
      ],
    ),
    [
      'a function named like the macro’s',
      { action: 'lambda:CreateFunction', resource: fn(`${OWN_FN}-escape`), context: viaCfn },
    ],
    ['invoke the own function', { action: 'lambda:InvokeFunction', resource: fn(OWN_FN), context: viaCfn }],
    [
      'open the own function to another account',
      { action: 'lambda:AddPermission', resource: fn(OWN_FN), context: viaCfn },
    ],
    [
      'a function URL on the own function',
      { action: 'lambda:CreateFunctionUrlConfig', resource: fn(OWN_FN), context: viaCfn },
    ],
    ...[
      `/aws/lambda/${CONTROL_TOWER_FN}`,
      `/aws/lambda/StackSet-${STACK_SET}-6f1e1f3c-macro`,
      'aws-controltower/CloudTrailLogs',
    ].flatMap((name): [string, SimRequest][] => [
      [`delete log group ${name}`, { action: 'logs:DeleteLogGroup', resource: logGroup(name), context: viaCfn }],
      [`retention of ${name}`, { action: 'logs:PutRetentionPolicy', resource: logGroup(name), context: viaCfn }],
    ]),
    [
      'the execution-role StackSet’s own stack (its name only starts like the macro StackSet’s)',
      {
        action: 'cloudformation:DeleteStack',
        resource: `arn:aws:cloudformation:us-east-1:${ACCOUNT_ID}:stack/StackSet-${STACK_SET}-execution-role-6f1e1f3c-0000-4000-8000-00000000abcd/6f1e1f3c`,
        context: viaCfn,
      },
    ],
    [
      'another StackSet’s stack',
      {
        action: 'cloudformation:UpdateStack',
        resource: `arn:aws:cloudformation:us-east-1:${ACCOUNT_ID}:stack/StackSet-AWSControlTowerBP-BASELINE-ROLES-1a2b/6f1e1f3c`,
        context: viaCfn,
      },
    ],
  ];

  it.each(cases)('denied: %s', async (_what, request) => {
    const result = await simulate(executionPolicy({ regions: REGIONS }), request);
    expect(result.decision).toBe('Denied');
  });

  it('in generated mode the resolver pattern reaches no other StackSet’s function', async () => {
    const policies = executionPolicy({ regions: REGIONS, resolverFunctionName: 'generated', stackSetName: STACK_SET });
    for (const name of [
      CONTROL_TOWER_FN,
      'StackSet-escape',
      `StackSet-other-stack-set-BucketResolverFunction-1A2B3C`,
    ]) {
      expect(
        (await simulate(policies, { action: 'lambda:UpdateFunctionCode', resource: fn(name), context: viaCfn }))
          .decision,
      ).toBe('Denied');
    }
  });
});

describe("the macro roles' permissions boundary: what the execution role can give the roles it creates", () => {
  const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/FormidableServerless-macro-boundary`;
  const own = `arn:aws:iam::${ACCOUNT_ID}:role/FormidableServerless-macro-us-east-1`;
  const viaCfn = VIA_CFN;

  it('the roles are created and given inline policies only with that boundary', async () => {
    const policies = executionPolicy({ regions: REGIONS });
    const decide = async (action: string, context: Record<string, string | string[]>) =>
      (await simulate(policies, { action, resource: own, context })).decision;
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy']) {
      expect(await decide(action, { ...viaCfn, 'iam:PermissionsBoundary': BOUNDARY })).toBe('Allowed');
      expect(await decide(action, viaCfn)).toBe('Denied');
      expect(
        await decide(action, { ...viaCfn, 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      ).toBe('Denied');
    }
    expect(await decide('iam:PutRolePermissionsBoundary', { ...viaCfn, 'iam:PermissionsBoundary': BOUNDARY })).toBe(
      'Denied',
    );
  });

  it('template.yaml gives both roles that boundary when the rollout sets it', () => {
    const roles = Object.values(macroStack('eu-west-1', 'v1').template.Resources ?? {}).filter(
      (r) => r.Type === 'AWS::IAM::Role',
    );
    expect(roles.map((r) => r.Properties?.PermissionsBoundary)).toEqual([BOUNDARY, BOUNDARY]);
  });

  it("holds every statement of both roles' own policies (in every region), so the macro keeps working", async () => {
    const boundary = boundaryPolicy();
    const missing: string[] = [];
    let checked = 0;
    for (const region of REGIONS) {
      const { template, physical } = macroStack(region, 'v1');
      for (const [id, r] of Object.entries(template.Resources ?? {})) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        const docs = (r.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Record<string, Json>[] } }[];
        for (const st of docs.flatMap((d) => d.PolicyDocument.Statement)) {
          for (const action of ([] as string[]).concat(st.Action as string | string[])) {
            // the log group ARNs are Fn::Sub of <LogGroup>.Arn: the named group's ARN with :*
            const raw = st.Resource as string | { 'Fn::Sub': string };
            const text = typeof raw === 'string' ? raw : raw['Fn::Sub'];
            const resource = text
              .replace(
                /\$\{(\w+)\.Arn\}/,
                (_w, lg: string) => `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${physical[lg]}:*`,
              )
              .replace('cloudformation:*:', `cloudformation:${region}:`)
              .replace('ssm:*:', `ssm:${region}:`)
              .replace('stack/*/*', 'stack/orders-dev/6f1e1f3c')
              .replace(/:\*$/, ':log-stream:2026/12/06/abc');
            checked++;
            const context = { 'aws:RequestedRegion': region, 'aws:SecureTransport': 'true' };
            if ((await simulate(boundary, { action, resource, context })).decision !== 'Allowed')
              missing.push(`${id}: ${action} ${resource}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2 * 5);
    expect(missing).toEqual([]);
  });

  it.each([
    ['IAM of any kind', 'iam:CreateRole', `arn:aws:iam::${ACCOUNT_ID}:role/escape`],
    ['an access key', 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT_ID}:user/admin`],
    [
      "another function's code",
      'lambda:UpdateFunctionCode',
      `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:StackSet-escape`,
    ],
    ['data in S3', 's3:GetObject', 'arn:aws:s3:::payroll/2026.csv'],
    [
      'another log group',
      'logs:PutLogEvents',
      `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:aws-controltower/CloudTrailLogs:log-stream:x`,
    ],
    [
      'a stack change',
      'cloudformation:UpdateStack',
      `arn:aws:cloudformation:us-east-1:${ACCOUNT_ID}:stack/orders-dev/6f1e1f3c`,
    ],
    ['another SSM parameter', 'ssm:GetParameter', `arn:aws:ssm:us-east-1:${ACCOUNT_ID}:parameter/prod/db-password`],
  ])('caps whatever inline policy the roles get: %s is outside it', async (_what, action, resource) => {
    const context = { 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'true' };
    expect((await simulate(boundaryPolicy(), { action, resource, context })).decision).toBe('Denied');
  });
});
