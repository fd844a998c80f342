/**
 * The template transform (functions/core/transform.ts, through the macro handler): what it must leave alone,
 * what it rewrites, and the invariants of what it emits (determinism, policy sizes, quotas, Sids, Metadata).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_CATALOG } from '../../functions/catalog';
import type { CatalogEntry } from '../../functions/catalog/types';
import { parseAccess } from '../../functions/core/config';
import { BOUNDARY_CATALOG, BOUNDARY_MERGED } from '../../functions/core/boundary';
import { GROUP_POLICY_QUOTA, MANAGED_POLICY_QUOTA } from '../../functions/core/iam/pack';
import { transformTemplate } from '../../functions/core/transform';
import { handler } from '../../functions/handlers/macro';
import { SUBMODULES } from '../../functions/submodules';
import { parameterValues } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { goldenFeatures, INPUT_DIR, isErrorCase } from '../../scripts/update-golden';

type Template = Record<string, unknown> & {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Record<string, unknown>>;
};
type Resource = Record<string, unknown> & {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
};
interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const ACCESS = 'Formidable::Serverless::Access';
const ctx = { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} };
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const transform = (t: unknown, values: Record<string, unknown> = {}) =>
  transformTemplate(clone(t), { ...ctx, templateParameterValues: values }) as Template;
const access = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  Type: ACCESS,
  ...extra,
  Properties: properties,
});

async function viaHandler(fragment: unknown, templateParameterValues: Record<string, unknown> = {}) {
  return handler({
    region: 'us-east-1',
    accountId: '123456789012',
    fragment,
    transformId: '123456789012::FormidableServerless',
    params: {},
    requestId: 'transform-test',
    templateParameterValues,
  });
}

// ---------------------------------------------------------------------------------------------------------

/** A template using every short-form tag scripts/lib/cfn-yaml.ts reads, around one Access resource. */
const SHORT_FORMS = `
AWSTemplateFormatVersion: '2010-09-09'
Description: everything but the Access resource must come back as it was
Metadata:
  AWS::CloudFormation::Interface:
    ParameterGroups: [{Label: {default: Service}, Parameters: [Stage]}]
Parameters:
  Stage: {Type: String, Default: dev}
  Subnets: {Type: CommaDelimitedList, Default: 'a,b'}
Mappings:
  Regions:
    us-east-1: {Short: use1}
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  NotDev: !Not [!Condition IsDev]
  Either: !Or [!Condition IsDev, !Condition NotDev]
  Both: !And [!Condition IsDev, !Condition Either]
Resources:
  First:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Join ['-', [!Ref Stage, !FindInMap [Regions, !Ref 'AWS::Region', Short], !Select [0, !GetAZs '']]]
      Description: !Base64 {'Fn::Sub': 'zone \${AWS::Region}'}
      Tags: {a: !Select [1, !Split [',', 'x,y']], b: !ImportValue shared-export, c: !Sub ['\${A}-\${!Literal}', {A: !Ref Stage}]}
  TapirAccess:
    Type: Formidable::Serverless::Access
    Properties:
      ServiceName: tapir
      Stage: !Ref Stage
  Network:
    Type: AWS::EC2::VPC
    Condition: IsDev
    Properties:
      CidrBlock: !Select [0, !Cidr ['10.0.0.0/16', 2, 8]]
      Tags:
        - {Key: json, Value: !ToJsonString {a: 1}}
        - {Key: length, Value: !Length [1, 2]}
        - {Key: arn, Value: !GetAtt First.Value}
        - {Key: list, Value: !GetAtt [First, Type]}
        - {Key: maybe, Value: !If [IsDev, yes-dev, !Ref 'AWS::NoValue']}
  Last:
    Type: AWS::SNS::Topic
    Metadata: {Transformed: !Transform {Name: AWS::Include, Parameters: {Location: s3://bucket/x.yaml}}}
Outputs:
  Value:
    Value: !GetAtt First.Value
    Condition: Both
  Zone:
    Value: !Sub '\${AWS::Region}-zone'
    Export: {Name: !Sub '\${AWS::StackName}-zone'}
`;

describe('everything but the Access resources is returned unchanged', () => {
  const input = parseTemplate(SHORT_FORMS) as Template;
  const output = transform(input, { Stage: 'dev', Subnets: ['a', 'b'] });

  test('the short forms were read as their long forms', () => {
    const first = input.Resources.First.Properties as Record<string, unknown>;
    expect(first.Value).toEqual({
      'Fn::Join': [
        '-',
        [
          { Ref: 'Stage' },
          { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Short'] },
          { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
        ],
      ],
    });
    expect((input.Conditions as Record<string, unknown>).NotDev).toEqual({ 'Fn::Not': [{ Condition: 'IsDev' }] });
    expect((input.Resources.Network.Properties as { Tags: unknown[] }).Tags[2]).toEqual({
      Key: 'arn',
      Value: { 'Fn::GetAtt': ['First', 'Value'] },
    });
  });

  test.each(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Mappings', 'Conditions'])(
    'section %s: deep-equal, same key order',
    (key) => {
      expect(output[key]).toEqual(input[key]);
      expect(JSON.stringify(output[key])).toBe(JSON.stringify(input[key]));
    },
  );

  test.each(['First', 'Network', 'Last'])('resource %s: deep-equal, same key order', (id) => {
    expect(JSON.stringify(output.Resources[id])).toBe(JSON.stringify(input.Resources[id]));
  });

  test('the template keeps its section order; the Access resource is replaced in place', () => {
    expect(Object.keys(output)).toEqual(Object.keys(input));
    const ids = Object.keys(output.Resources);
    expect(ids[0]).toBe('First');
    expect(ids.slice(-2)).toEqual(['Network', 'Last']);
    expect(ids.slice(1, -2).every((id) => id.startsWith('TapirAccess'))).toBe(true);
    expect(ids).not.toContain('TapirAccess');
  });

  test('existing outputs keep their place and value; the expansion adds its own after them', () => {
    const keys = Object.keys(output.Outputs ?? {});
    expect(keys.slice(0, 2)).toEqual(['Value', 'Zone']);
    expect(JSON.stringify(output.Outputs?.Value)).toBe(JSON.stringify(input.Outputs?.Value));
    expect(JSON.stringify(output.Outputs?.Zone)).toBe(JSON.stringify(input.Outputs?.Zone));
    expect(keys.slice(2).every((k) => k.startsWith('TapirAccess'))).toBe(true);
  });

  test('the input object is not modified', () => {
    const before = JSON.stringify(input);
    transformTemplate(input, { ...ctx, templateParameterValues: { Stage: 'dev' } });
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe('templates without Access resources come back identical', () => {
  const plain: Array<[string, unknown]> = [
    ['an empty template', {}],
    ['no Resources section', { AWSTemplateFormatVersion: '2010-09-09', Outputs: { A: { Value: 'a' } } }],
    [
      'only other resources',
      {
        Resources: {
          Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${AWS::StackName}-t' } } },
        },
        Outputs: { T: { Value: { Ref: 'Topic' } } },
      },
    ],
    [
      'a resource named like an expansion',
      { Resources: { TapirAccessAdminGroup: { Type: 'AWS::IAM::Group' }, TapirAccess: { Type: 'AWS::SNS::Topic' } } },
    ],
    [
      'a Ref to a resource called Access',
      {
        Resources: {
          Access: { Type: 'AWS::SNS::Topic' },
          Sub: { Type: 'AWS::SNS::Subscription', DependsOn: 'Access', Properties: { TopicArn: { Ref: 'Access' } } },
        },
      },
    ],
    [
      'the short-form template without its Access resource',
      (() => {
        const t = parseTemplate(SHORT_FORMS) as Template;
        delete t.Resources.TapirAccess;
        return t;
      })(),
    ],
  ];

  test.each(plain)('%s', async (_name, template) => {
    const response = await viaHandler(clone(template));
    expect(response.status).toBe('success');
    expect(JSON.stringify(response.fragment)).toBe(JSON.stringify(template));
  });

  test('the very object is returned when there is nothing to do', () => {
    const t = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
    expect(transformTemplate(t, ctx)).toBe(t);
  });
});

describe('several Access resources', () => {
  const output = transform({
    Resources: {
      DevAccess: access({ ServiceName: 'tapir', Stage: 'dev' }),
      Middle: { Type: 'AWS::SNS::Topic' },
      ProdAccess: access({ ServiceName: 'tapir', Stage: 'prod', DeploymentBucket: 'acme-deployments' }),
    },
  });

  test('each expands under its own logical id, in template order', () => {
    const ids = Object.keys(output.Resources);
    const middle = ids.indexOf('Middle');
    expect(ids.slice(0, middle).every((id) => id.startsWith('DevAccess'))).toBe(true);
    expect(ids.slice(middle + 1).every((id) => id.startsWith('ProdAccess'))).toBe(true);
    expect(ids).toEqual(
      expect.arrayContaining([
        'DevAccessAdminGroup',
        'ProdAccessAdminGroup',
        'DevAccessLambdaRole',
        'ProdAccessLambdaRole',
      ]),
    );
  });

  test('their names differ by stage and their settings stay their own', () => {
    const groups = Object.values(output.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Group')
      .map((r) => r.Properties?.GroupName);
    expect(groups).toEqual([
      'cf-tapir-dev-admin',
      'cf-tapir-dev-developer',
      'cf-tapir-dev-ci',
      'cf-tapir-prod-admin',
      'cf-tapir-prod-developer',
      'cf-tapir-prod-ci',
    ]);
    const text = (prefix: string) =>
      JSON.stringify(Object.entries(output.Resources).filter(([id]) => id.startsWith(prefix)));
    expect(text('ProdAccess')).toContain('arn:*:s3:::acme-deployments');
    expect(text('DevAccess')).not.toContain('acme-deployments');
    expect(text('DevAccess')).not.toContain('sls-tapir-prod');
    expect(text('ProdAccess')).not.toContain('sls-tapir-dev');
  });
});

describe('Ref, Fn::GetAtt, Fn::Sub and DependsOn that point at an Access resource', () => {
  const rewrite = (value: unknown, properties: Record<string, unknown> = { ServiceName: 'tapir', Stage: 'dev' }) =>
    transform({ Resources: { TapirAccess: access(properties) }, Outputs: { Out: { Value: value } } }).Outputs?.Out
      .Value;

  test.each([
    ['Ref gives the developer group', { Ref: 'TapirAccess' }, { Ref: 'TapirAccessDeveloperGroup' }],
    ['GetAtt AdminGroupName', { 'Fn::GetAtt': ['TapirAccess', 'AdminGroupName'] }, { Ref: 'TapirAccessAdminGroup' }],
    [
      'GetAtt DeveloperGroupName',
      { 'Fn::GetAtt': ['TapirAccess', 'DeveloperGroupName'] },
      { Ref: 'TapirAccessDeveloperGroup' },
    ],
    ['GetAtt CiGroupName', { 'Fn::GetAtt': ['TapirAccess', 'CiGroupName'] }, { Ref: 'TapirAccessCiGroup' }],
    [
      'GetAtt AdminGroupArn',
      { 'Fn::GetAtt': ['TapirAccess', 'AdminGroupArn'] },
      { 'Fn::GetAtt': ['TapirAccessAdminGroup', 'Arn'] },
    ],
    [
      'GetAtt CiGroupArn (dotted string form)',
      { 'Fn::GetAtt': 'TapirAccess.CiGroupArn' },
      { 'Fn::GetAtt': ['TapirAccessCiGroup', 'Arn'] },
    ],
    [
      'GetAtt LambdaRoleArn',
      { 'Fn::GetAtt': ['TapirAccess', 'LambdaRoleArn'] },
      { 'Fn::GetAtt': ['TapirAccessLambdaRole', 'Arn'] },
    ],
    ['GetAtt LambdaRoleName', { 'Fn::GetAtt': ['TapirAccess', 'LambdaRoleName'] }, { Ref: 'TapirAccessLambdaRole' }],
    ['${X} in Fn::Sub', { 'Fn::Sub': 'group ${TapirAccess}' }, { 'Fn::Sub': 'group ${TapirAccessDeveloperGroup}' }],
    [
      '${X.Attribute} in Fn::Sub',
      { 'Fn::Sub': '${TapirAccess.AdminGroupArn} ${TapirAccess.LambdaRoleName}' },
      { 'Fn::Sub': '${TapirAccessAdminGroup.Arn} ${TapirAccessLambdaRole}' },
    ],
    [
      '${!X} stays literal',
      { 'Fn::Sub': '${!TapirAccess} ${AWS::Region}' },
      { 'Fn::Sub': '${!TapirAccess} ${AWS::Region}' },
    ],
    [
      'Fn::Sub list form: text and variables',
      { 'Fn::Sub': ['${TapirAccess}-${V}', { V: { Ref: 'TapirAccess' } }] },
      { 'Fn::Sub': ['${TapirAccessDeveloperGroup}-${V}', { V: { Ref: 'TapirAccessDeveloperGroup' } }] },
    ],
    [
      'nested in other intrinsics',
      { 'Fn::Join': [',', [{ Ref: 'TapirAccess' }, { 'Fn::GetAtt': ['TapirAccess', 'CiGroupName'] }]] },
      { 'Fn::Join': [',', [{ Ref: 'TapirAccessDeveloperGroup' }, { Ref: 'TapirAccessCiGroup' }]] },
    ],
    ['a Ref to something else is untouched', { Ref: 'AWS::StackName' }, { Ref: 'AWS::StackName' }],
  ])('%s', (_name, value, expected) => {
    expect(rewrite(value)).toEqual(expected);
  });

  test('with a custom LambdaRoleName the role attributes are the name and its ARN', () => {
    const props = { ServiceName: 'tapir', Stage: 'dev', LambdaRoleName: 'tapir-runtime' };
    expect(rewrite({ 'Fn::GetAtt': ['TapirAccess', 'LambdaRoleName'] }, props)).toBe('tapir-runtime');
    expect(rewrite({ 'Fn::GetAtt': ['TapirAccess', 'LambdaRoleArn'] }, props)).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/tapir-runtime',
    });
    expect(
      rewrite({ 'Fn::Sub': 'role ${TapirAccess.LambdaRoleArn} named ${TapirAccess.LambdaRoleName}' }, props),
    ).toEqual({
      'Fn::Sub': 'role arn:${AWS::Partition}:iam::${AWS::AccountId}:role/tapir-runtime named tapir-runtime',
    });
  });

  test('DependsOn the Access resource waits for everything it expands into', () => {
    const out = transform({
      Resources: {
        TapirAccess: access({ ServiceName: 'tapir', Stage: 'dev', DeploymentBucket: 'acme-deployments' }),
        Single: { Type: 'AWS::SNS::Topic', DependsOn: 'TapirAccess' },
        Listed: { Type: 'AWS::SNS::Topic', DependsOn: ['Single', 'TapirAccess', 'Single'] },
        Unrelated: { Type: 'AWS::SNS::Topic', DependsOn: 'Single' },
      },
    });
    const expanded = Object.keys(out.Resources).filter((id) => id.startsWith('TapirAccess'));
    expect(out.Resources.Single.DependsOn).toEqual(expanded);
    expect(out.Resources.Listed.DependsOn).toEqual(['Single', ...expanded]);
    expect(out.Resources.Unrelated.DependsOn).toBe('Single');
  });

  test('Condition, DependsOn and Metadata of the Access resource carry over', () => {
    const out = transform({
      Conditions: { On: { 'Fn::Equals': ['a', 'a'] } },
      Resources: {
        Marker: { Type: 'AWS::SNS::Topic' },
        TapirAccess: access(
          { ServiceName: 'tapir', Stage: 'dev' },
          { Condition: 'On', DependsOn: 'Marker', Metadata: { Owner: 'platform' } },
        ),
      },
    });
    const expanded = Object.entries(out.Resources).filter(([id]) => id.startsWith('TapirAccess'));
    expect(expanded.length).toBeGreaterThan(5);
    for (const [, r] of expanded) {
      expect(r.Condition).toBe('On');
      expect(r.DependsOn).toBe('Marker');
      expect(r.Metadata).toMatchObject({ Owner: 'platform' });
    }
    for (const o of Object.values(out.Outputs ?? {})) expect(o.Condition).toBe('On');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Invariants of every expansion: the golden inputs plus a few combinations of their own.

const MAX_BUCKET_ARN = 'arn:aws-iso-b:s3:::'.length + 63; // the longest partition and S3's longest name
const BUDGET = Math.floor(MANAGED_POLICY_QUOTA * 0.8);

/** The policy as IAM will count it: each expression at the longest value it can take. */
function worstCase(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(worstCase);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'Ref') {
    if (o.Ref === 'AWS::StackName') return 'x'.repeat(128); // CloudFormation's longest stack name
    if (String(o.Ref).endsWith('Vpc')) return `vpc-${'0'.repeat(17)}`; // the Vpc submodule's VPC (Mode: create)
    // the private subnets and the security group the Vpc submodule creates (Mode: create)
    if (/VpcPrivateSubnet[AB]$/.test(String(o.Ref))) return `subnet-${'0'.repeat(17)}`;
    if (String(o.Ref).endsWith('VpcSecurityGroup')) return `sg-${'0'.repeat(17)}`;
    throw new Error(`no worst case known for Ref ${String(o.Ref)} in a policy`);
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [, attribute] = o['Fn::GetAtt'] as [string, string];
    if (attribute === 'BucketArn') return 'x'.repeat(MAX_BUCKET_ARN);
    throw new Error(`no worst case known for Fn::GetAtt .${attribute} in a policy`);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Sub') {
    const arg = o['Fn::Sub'];
    const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
    return text.replace(/\$\{([^}]*)\}/g, (_w, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name === 'AWS::Partition') return 'aws-iso-b'; // the longest partition
      if (name === 'AWS::AccountId') return '123456789012';
      if (!(name in vars)) throw new Error(`no worst case known for \${${name}} in a policy`);
      return worstCase(vars[name]) as string;
    });
  }
  return Object.fromEntries(keys.map((k) => [k, worstCase(o[k])]));
}

const EXTRA: Array<[string, Template, Record<string, unknown>]> = [
  [
    'kitchen sink: shared bucket, ManyLambdas, wildcard stage, literal partition',
    {
      Resources: {
        KitchenAccess: access({
          ServiceName: 'kitchen',
          Stage: 'preview',
          IamStage: 'pr-*',
          ManyLambdas: true,
          DeploymentBucket: { Shared: true },
          IamPartition: 'aws',
          IamRegion: 'eu-west-1',
          Tags: { team: 'a' },
        }),
      },
    },
    {},
  ],
  [
    'longest names IAM allows',
    {
      Resources: {
        LongAccess: access({
          ServiceName: `s${'e'.repeat(99)}`,
          Stage: 'a'.repeat(30),
          ResourcePrefix: 'p'.repeat(40),
          LambdaRoleName: 'r'.repeat(64),
          ManyLambdas: true,
          StackName: `k${'s'.repeat(127)}`,
        }),
      },
    },
    {},
  ],
  [
    'no resolver (ResolveDeploymentBucket: false)',
    {
      Resources: { PlainAccess: access({ ServiceName: 'plain', Stage: 'dev', ResolveDeploymentBucket: false }) },
    },
    {},
  ],
];

const GOLDEN: Array<[string, Template, Record<string, unknown>]> = goldenFeatures()
  .filter((f) => !isErrorCase(f))
  .map((f) => {
    const t = parseTemplate(readFileSync(join(INPUT_DIR, `${f}.yaml`), 'utf8')) as Template;
    const { Transform: _ignored, ...fragment } = t;
    return [`golden ${f}`, fragment as Template, parameterValues(t, {})];
  });

const CASES = [...GOLDEN, ...EXTRA];

/** The entries the submodules of a template's Access resources add (their reasons appear in the Metadata too). */
function submoduleEntries(template: Template, values: Record<string, unknown>): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== ACCESS) continue;
    const config = parseAccess(
      id,
      r,
      { ...ctx, templateParameterValues: values },
      SUBMODULES.map((m) => m.property),
    );
    for (const m of SUBMODULES) {
      const v = config.submoduleProperties[m.property];
      if (v === undefined || v === false || v === 'false') continue;
      const options = m.parse(v, () => undefined, config);
      if (options !== undefined) out.push(...m.entries(options, config));
    }
  }
  return out;
}

describe.each(CASES)('%s', (_name, template, values) => {
  let output: Template;
  beforeAll(() => {
    output = transform(template, values);
  });
  const policies = () => Object.entries(output.Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');

  test('the same input twice gives byte-identical JSON', async () => {
    const a = await viaHandler(clone(template), values);
    const b = await viaHandler(clone(template), values);
    expect(a.status).toBe('success');
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(a.fragment)).toBe(JSON.stringify(output));
  });

  test(`every managed policy fits 80% of ${MANAGED_POLICY_QUOTA} characters (JSON without whitespace, expressions at their longest), fuller only beside a group near the 10-policy quota`, () => {
    expect(policies().length).toBeGreaterThan(0);
    // The packer fills past 80% only when 80% would give a group or role more than 10 policies (iam/pack.ts
    // PACK_BUDGETS; the exact choice is tested in pack.test.ts): then some group carries at least 8.
    const mostPerGroup = Math.max(
      0,
      ...Object.values(output.Resources)
        .filter((x) => x.Type === 'AWS::IAM::Group')
        .map((x) => (x.Properties?.ManagedPolicyArns as unknown[]).length),
    );
    for (const [id, r] of policies()) {
      const size = JSON.stringify(worstCase(r.Properties?.PolicyDocument)).length;
      // The boundary is one policy by nature (a role carries one): it may use the whole quota.
      const limit = id.endsWith('Boundary') || mostPerGroup >= 8 ? MANAGED_POLICY_QUOTA : BUDGET;
      expect({ id, size, fits: size <= limit }).toEqual({ id, size, fits: true });
      const described = /\((\d+) statements, (\d+) characters\)/.exec(String(r.Properties?.Description));
      if (described) expect({ id, characters: Number(described[2]) }).toEqual({ id, characters: size });
    }
  });

  test(`no group has more than ${GROUP_POLICY_QUOTA} managed policies, and each attached one exists`, () => {
    for (const r of Object.values(output.Resources).filter((x) => x.Type === 'AWS::IAM::Group')) {
      const arns = r.Properties?.ManagedPolicyArns as Array<{ Ref: string }>;
      expect(arns.length).toBeLessThanOrEqual(GROUP_POLICY_QUOTA);
      for (const a of arns) expect(output.Resources[a.Ref]?.Type).toBe('AWS::IAM::ManagedPolicy');
    }
  });

  test('statement Sids are unique within each policy', () => {
    for (const [id, r] of policies()) {
      const sids = (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.map((s) => s.Sid);
      expect({ id, duplicates: sids.filter((s, i) => sids.indexOf(s) !== i) }).toEqual({ id, duplicates: [] });
      for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
    }
  });

  test("each statement's Sid is its catalog id in PascalCase, and no reason travels in the template", () => {
    const ids = [...CORE_CATALOG, ...BOUNDARY_CATALOG, ...BOUNDARY_MERGED, ...submoduleEntries(template, values)].map(
      (e) => e.id,
    );
    for (let i = 0; i < 20; i++) ids.push(`boundary.declared-${i + 1}`);
    const sids = new Set(
      ids.map((id) =>
        id
          .split(/[^A-Za-z0-9]+/)
          .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
          .join(''),
      ),
    );
    for (const [id, r] of policies()) {
      const statements = (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
      for (const s of statements)
        expect({ id, sid: s.Sid, known: sids.has(s.Sid) }).toEqual({ id, sid: s.Sid, known: true });
      expect(r.Metadata?.[ACCESS]).toBeUndefined();
    }
  });

  test("statements are in canonical form: the catalog entry's effect, sorted unique actions, Version 2012-10-17", () => {
    // A statement's Sid is its catalog id in PascalCase; its Effect is the entry's (Allow unless a Deny guard rail).
    const pascalId = (id: string) =>
      id
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('');
    // Every source of statements: the catalog, the boundary's fixed and merged statements (always Allow), the
    // declared BoundaryStatements (Allow, their Sid BoundaryDeclared<n>) and the submodules' entries.
    const sources: Array<{ id: string; effect?: string }> = [
      ...CORE_CATALOG,
      ...BOUNDARY_CATALOG,
      ...BOUNDARY_MERGED,
      ...submoduleEntries(template, values),
    ];
    for (let i = 0; i < 20; i++) sources.push({ id: `boundary.declared-${i + 1}` });
    const effects = new Map(sources.map((e) => [pascalId(e.id), e.effect ?? 'Allow']));
    for (const [, r] of policies()) {
      const doc = r.Properties?.PolicyDocument as { Version: string; Statement: Array<Statement & { Effect: string }> };
      expect(doc.Version).toBe('2012-10-17');
      for (const s of doc.Statement) {
        expect({ sid: s.Sid, effect: s.Effect }).toEqual({ sid: s.Sid, effect: effects.get(s.Sid) });
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        expect([...new Set(actions)].sort()).toEqual(actions);
        if (Array.isArray(s.Action)) expect(s.Action.length).toBeGreaterThan(1);
      }
    }
  });

  test('no Access resource is left, and every expanded logical id is alphanumeric', () => {
    for (const [id, r] of Object.entries(output.Resources)) {
      expect(r?.Type).not.toBe(ACCESS);
      expect(id).toMatch(/^[A-Za-z0-9]+$/);
    }
  });
});
