/**
 * Proof of the `Roles` property: each generated role's trust policy, taken from the macro's real output, allows
 * exactly the intended principals and tokens and denies the attacks (another repository, a fork, a look-alike
 * name, another branch, a pull-request or tag token, a wrong audience, a recycled name, another permission set,
 * the same permission set in another account, an IAM user or a role outside /aws-reserved/ named like an SSO
 * role, no MFA where required). Token requests are judged by our own evaluator (test/support/trust-evaluator.ts,
 * self-tested in test/unit/trust-evaluator.test.ts): iam-simulate ignores the token keys. Principal requests
 * are judged by both, and both must agree. Then each role carries exactly its group's managed policies, so the
 * allow/deny and escalation proofs of the groups hold for the roles.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { handler } from '../../functions/handlers/macro';
import { GROUP_ROLES } from '../../functions/catalog/types';
import { evaluateTrust, type TrustRequest } from '../support/trust-evaluator';
import { ACCESS_LOGICAL_ID, policiesFor, type ProofPolicies } from '../../scripts/lib/prove/policies';
import { PRINCIPAL, simulate, type SimRequest } from '../../scripts/lib/prove/simulate';

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '444455556666';
const GH = 'token.actions.githubusercontent.com';
const SSO = (account: string, set: string, suffix = '0123456789abcdef', region = 'eu-west-1/') =>
  `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${region}AWSReservedSSO_${set}_${suffix}`;

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed template data: shapes vary by resource type */
type Resource = { Type: string; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource>; Outputs: Record<string, any> };
/* eslint-enable @typescript-eslint/no-explicit-any */

beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

async function expand(properties: Record<string, unknown>): Promise<Template> {
  const response = await handler({
    region: 'us-east-1',
    accountId: ACCOUNT,
    transformId: `${ACCOUNT}::FormidableServerless`,
    params: {},
    requestId: 'roles-proof',
    templateParameterValues: {},
    fragment: {
      Resources: {
        TapirAccess: {
          Type: 'Formidable::Serverless::Access',
          Properties: { ServiceName: 'tapir', Stage: 'dev', ...properties },
        },
      },
    },
  });
  if (response.status !== 'success') throw new Error(response.errorMessage);
  return response.fragment as Template;
}

/** The intrinsics a trust policy holds, resolved as CloudFormation would in ACCOUNT (partition aws). */
function resolve(value: unknown, template: Template): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, template));
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if (typeof o['Fn::Sub'] === 'string')
    return o['Fn::Sub'].replace('${AWS::Partition}', 'aws').replace('${AWS::AccountId}', ACCOUNT);
  if (typeof o.Ref === 'string') {
    const target = template.Resources[o.Ref];
    if (target?.Type !== 'AWS::IAM::OIDCProvider') throw new Error(`unexpected Ref ${o.Ref}`);
    return `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(target.Properties.Url).replace(/^https:\/\//, '')}`;
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v, template)]));
}

function trustOf(template: Template, role: 'Admin' | 'Developer' | 'Ci'): unknown {
  const r = template.Resources[`TapirAccess${role}Role`];
  if (!r) throw new Error(`no ${role} role`);
  return resolve(r.Properties.AssumeRolePolicyDocument, template);
}

const provider = (host: string, account = ACCOUNT) => `arn:aws:iam::${account}:oidc-provider/${host}`;
const token = (host: string, claims: Record<string, string>, account = ACCOUNT): TrustRequest => ({
  action: 'sts:AssumeRoleWithWebIdentity',
  principal: { federated: provider(host, account) },
  context: Object.fromEntries(Object.entries(claims).map(([k, v]) => [`${host}:${k}`, v])),
});
const caller = (arn: string, mfa?: boolean): TrustRequest => ({
  action: 'sts:AssumeRole',
  principal: { aws: arn },
  context: { 'aws:PrincipalArn': arn, ...(mfa === undefined ? {} : { 'aws:MultiFactorAuthPresent': String(mfa) }) },
});

/** iam-simulate's answer for an AssumeRole by `arn` (whose own identity policy allows sts:AssumeRole). */
async function simulateAssumeRole(trust: unknown, request: TrustRequest): Promise<'Allowed' | 'Denied'> {
  const principal = (request.principal as { aws: string }).aws;
  const response = await runSimulation(
    {
      request: {
        principal,
        action: 'sts:AssumeRole',
        resource: { resource: `arn:aws:iam::${ACCOUNT}:role/cf-tapir-dev-role`, accountId: ACCOUNT },
        contextVariables: request.context as Record<string, string>,
      },
      identityPolicies: [
        {
          name: 'caller',
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust as never,
    },
    {},
  );
  if (response.resultType !== 'single') throw new Error(`iam-simulate: ${JSON.stringify(response)}`);
  if (response.result.ignoredContextKeys?.length)
    throw new Error(`iam-simulate ignored ${response.result.ignoredContextKeys.join(', ')}`);
  return response.overallResult === 'Allowed' ? 'Allowed' : 'Denied';
}

type Case = [name: string, request: TrustRequest, expected: 'Allowed' | 'Denied'];

describe('GitHub Actions (names subject, existing repository)', () => {
  let trust: unknown;
  beforeAll(async () => {
    trust = trustOf(
      await expand({
        Roles: { Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main', 'release/*'], Environments: ['dev'] } } },
      }),
      'Ci',
    );
  });
  const gh = (sub: string, extra: Record<string, string> = {}, account = ACCOUNT) =>
    token(GH, { aud: 'sts.amazonaws.com', sub, ...extra }, account);
  const cases: Case[] = [
    ['a push to main', gh('repo:acme/tapir:ref:refs/heads/main'), 'Allowed'],
    ['a job deploying to the dev environment', gh('repo:acme/tapir:environment:dev'), 'Allowed'],
    ['a branch matching the written pattern release/*', gh('repo:acme/tapir:ref:refs/heads/release/1.4'), 'Allowed'],
    ['another branch', gh('repo:acme/tapir:ref:refs/heads/feature'), 'Denied'],
    ['a branch that only starts like main', gh('repo:acme/tapir:ref:refs/heads/main-x'), 'Denied'],
    ['a branch that only starts like release/', gh('repo:acme/tapir:ref:refs/heads/releases/1.4'), 'Denied'],
    ['another environment', gh('repo:acme/tapir:environment:prod'), 'Denied'],
    ['a pull-request token', gh('repo:acme/tapir:pull_request'), 'Denied'],
    ['a tag token', gh('repo:acme/tapir:ref:refs/tags/v1.0'), 'Denied'],
    ['a tag named like the branch', gh('repo:acme/tapir:ref:refs/tags/main'), 'Denied'],
    ['another repository of the owner', gh('repo:acme/koala:ref:refs/heads/main'), 'Denied'],
    ['a fork', gh('repo:mallory/tapir:ref:refs/heads/main'), 'Denied'],
    ['a repository whose name only starts like it', gh('repo:acme/tapir-fork:ref:refs/heads/main'), 'Denied'],
    ['an owner whose name only starts like it', gh('repo:acme-evil/tapir:ref:refs/heads/main'), 'Denied'],
    [
      'a wrong audience (the default https://github.com/<owner>)',
      token(GH, { aud: 'https://github.com/acme', sub: 'repo:acme/tapir:ref:refs/heads/main' }),
      'Denied',
    ],
    ['no audience', token(GH, { sub: 'repo:acme/tapir:ref:refs/heads/main' }), 'Denied'],
    ['the provider of another account', gh('repo:acme/tapir:ref:refs/heads/main', {}, OTHER_ACCOUNT), 'Denied'],
    [
      'another OIDC provider with the same claims',
      { ...gh('repo:acme/tapir:ref:refs/heads/main'), principal: { federated: provider('gitlab.com') } },
      'Denied',
    ],
    ['an IAM user of the account calling AssumeRole', caller(`arn:aws:iam::${ACCOUNT}:user/alice`, true), 'Denied'],
  ];
  test.each(cases)('%s: %s', (_name, request, expected) => {
    expect(evaluateTrust(trust, request).decision).toBe(expected);
  });
});

describe('GitHub Actions (immutable subject: a repository created today)', () => {
  let trust: unknown;
  beforeAll(async () => {
    trust = trustOf(
      await expand({
        Roles: {
          Ci: {
            GitHub: {
              Repository: 'acme/tapir',
              OwnerId: '1234',
              RepositoryId: '5678',
              Branches: ['main'],
              CreateProvider: true,
            },
          },
        },
      }),
      'Ci',
    );
  });
  const gh = (sub: string, repositoryId = '5678') =>
    token(GH, { aud: 'sts.amazonaws.com', sub, repository_id: repositoryId });
  const cases: Case[] = [
    ['a push to main', gh('repo:acme@1234/tapir@5678:ref:refs/heads/main'), 'Allowed'],
    [
      'the name recycled by a new owner (other ids)',
      gh('repo:acme@9999/tapir@7777:ref:refs/heads/main', '7777'),
      'Denied',
    ],
    [
      'the same name, recreated repository (other repository id)',
      gh('repo:acme@1234/tapir@7777:ref:refs/heads/main', '7777'),
      'Denied',
    ],
    ['a name-only subject of a recycled repository', gh('repo:acme/tapir:ref:refs/heads/main', '7777'), 'Denied'],
    ['a pull-request token', gh('repo:acme@1234/tapir@5678:pull_request'), 'Denied'],
    ['a tag token', gh('repo:acme@1234/tapir@5678:ref:refs/tags/v1'), 'Denied'],
    [
      'a token without repository_id',
      token(GH, { aud: 'sts.amazonaws.com', sub: 'repo:acme@1234/tapir@5678:ref:refs/heads/main' }),
      'Denied',
    ],
  ];
  test.each(cases)('%s: %s', (_name, request, expected) => {
    expect(evaluateTrust(trust, request).decision).toBe(expected);
  });
});

describe('GitHub Actions pinned to workflow files (job_workflow_ref)', () => {
  let trust: unknown;
  beforeAll(async () => {
    trust = trustOf(
      await expand({
        Roles: {
          Ci: {
            GitHub: {
              Repository: 'acme/tapir',
              Branches: ['main'],
              Environments: ['prod'],
              Workflows: ['.github/workflows/deploy.yml', 'acme/shared/.github/workflows/serverless.yml@refs/tags/v2'],
            },
          },
        },
      }),
      'Ci',
    );
  });
  const gh = (sub: string, workflow?: string) =>
    token(GH, { aud: 'sts.amazonaws.com', sub, ...(workflow ? { job_workflow_ref: workflow } : {}) });
  const cases: Case[] = [
    [
      'the deploy workflow on main',
      gh('repo:acme/tapir:ref:refs/heads/main', 'acme/tapir/.github/workflows/deploy.yml@refs/heads/main'),
      'Allowed',
    ],
    [
      'the deploy workflow deploying to prod from a release branch',
      gh('repo:acme/tapir:environment:prod', 'acme/tapir/.github/workflows/deploy.yml@refs/heads/release'),
      'Allowed',
    ],
    [
      'the pinned reusable workflow',
      gh('repo:acme/tapir:ref:refs/heads/main', 'acme/shared/.github/workflows/serverless.yml@refs/tags/v2'),
      'Allowed',
    ],
    [
      'another workflow on main (e.g. a pull_request_target job)',
      gh('repo:acme/tapir:ref:refs/heads/main', 'acme/tapir/.github/workflows/pr-comment.yml@refs/heads/main'),
      'Denied',
    ],
    [
      'a workflow file named like it',
      gh('repo:acme/tapir:ref:refs/heads/main', 'acme/tapir/.github/workflows/deploy.yml.evil.yml@refs/heads/main'),
      'Denied',
    ],
    [
      'the reusable workflow at another ref',
      gh('repo:acme/tapir:ref:refs/heads/main', 'acme/shared/.github/workflows/serverless.yml@refs/heads/main'),
      'Denied',
    ],
    [
      'the same file in a fork',
      gh('repo:acme/tapir:ref:refs/heads/main', 'mallory/tapir/.github/workflows/deploy.yml@refs/heads/main'),
      'Denied',
    ],
    ['a token without job_workflow_ref', gh('repo:acme/tapir:ref:refs/heads/main'), 'Denied'],
  ];
  test.each(cases)('%s: %s', (_name, request, expected) => {
    expect(evaluateTrust(trust, request).decision).toBe(expected);
  });
});

describe('GitLab', () => {
  let trust: unknown;
  let selfManaged: unknown;
  beforeAll(async () => {
    trust = trustOf(await expand({ Roles: { Ci: { GitLab: { Project: 'acme/tapir', Branches: ['main'] } } } }), 'Ci');
    selfManaged = trustOf(
      await expand({
        Roles: {
          Ci: {
            GitLab: {
              Project: 'platform/acme/tapir',
              Branches: ['main'],
              Host: 'gitlab.example.com',
              CreateProvider: true,
            },
          },
        },
      }),
      'Ci',
    );
  });
  const gl = (sub: string, aud = 'https://gitlab.com', host = 'gitlab.com') => token(host, { aud, sub });
  const cases: Case[] = [
    ['a pipeline on main', gl('project_path:acme/tapir:ref_type:branch:ref:main'), 'Allowed'],
    ['a pipeline on another branch', gl('project_path:acme/tapir:ref_type:branch:ref:feature'), 'Denied'],
    ['a tag pipeline named like the branch', gl('project_path:acme/tapir:ref_type:tag:ref:main'), 'Denied'],
    ['a fork in another namespace', gl('project_path:mallory/tapir:ref_type:branch:ref:main'), 'Denied'],
    ['a project whose path only starts like it', gl('project_path:acme/tapir-x:ref_type:branch:ref:main'), 'Denied'],
    ['a project in a subgroup named like it', gl('project_path:acme/tapir/x:ref_type:branch:ref:main'), 'Denied'],
    ['a wrong audience', gl('project_path:acme/tapir:ref_type:branch:ref:main', 'sts.amazonaws.com'), 'Denied'],
    [
      'a self-managed instance with the same claims',
      gl('project_path:acme/tapir:ref_type:branch:ref:main', 'https://gitlab.com', 'gitlab.example.com'),
      'Denied',
    ],
  ];
  test.each(cases)('%s: %s', (_name, request, expected) => {
    expect(evaluateTrust(trust, request).decision).toBe(expected);
  });
  test('a self-managed instance: its own provider, audience and subject', () => {
    const sub = 'project_path:platform/acme/tapir:ref_type:branch:ref:main';
    expect(evaluateTrust(selfManaged, gl(sub, 'https://gitlab.example.com', 'gitlab.example.com')).decision).toBe(
      'Allowed',
    );
    expect(evaluateTrust(selfManaged, gl(sub, 'https://gitlab.com', 'gitlab.example.com')).decision).toBe('Denied');
    expect(evaluateTrust(selfManaged, gl(sub, 'https://gitlab.example.com', 'gitlab.com')).decision).toBe('Denied');
  });
});

describe('people: IAM Identity Center permission sets and IAM users', () => {
  let developer: unknown;
  let admin: unknown;
  beforeAll(async () => {
    const t = await expand({
      Roles: {
        Developer: {
          Principals: [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_TapirDeveloper_*`],
        },
        Admin: {
          Principals: [`arn:aws:iam::${ACCOUNT}:user/ops/oncall-*`],
          RequireMfa: true,
          MaxSessionDuration: 7200,
        },
      },
    });
    developer = trustOf(t, 'Developer');
    admin = trustOf(t, 'Admin');
  });
  const developerCases: Case[] = [
    ['the permission set, Identity Center in eu-west-1', caller(SSO(ACCOUNT, 'TapirDeveloper')), 'Allowed'],
    ['another permission set', caller(SSO(ACCOUNT, 'PlatformAdmin')), 'Denied'],
    ['a permission set whose name only starts like it', caller(SSO(ACCOUNT, 'TapirDeveloper_Extra')), 'Denied'],
    ['the same permission set in another account', caller(SSO(OTHER_ACCOUNT, 'TapirDeveloper')), 'Denied'],
    [
      'an IAM user named like the SSO role',
      caller(`arn:aws:iam::${ACCOUNT}:user/AWSReservedSSO_TapirDeveloper_0123456789abcdef`),
      'Denied',
    ],
    [
      'a role outside /aws-reserved/ named like the SSO role',
      caller(`arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_TapirDeveloper_0123456789abcdef`),
      'Denied',
    ],
    [
      'a role under a look-alike path',
      caller(
        `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com.evil/x/AWSReservedSSO_TapirDeveloper_0123456789abcdef`,
      ),
      'Denied',
    ],
    ['another role of the account', caller(`arn:aws:iam::${ACCOUNT}:role/cf-tapir-dev-ci`), 'Denied'],
    [
      "the execution role the service's code runs as",
      caller(`arn:aws:iam::${ACCOUNT}:role/cf-tapir-dev-lambda-execution`),
      'Denied',
    ],
    [
      "the framework's execution role",
      caller(`arn:aws:iam::${ACCOUNT}:role/sls-tapir-dev-us-east-1-lambdaRole`),
      'Denied',
    ],
  ];
  test.each(developerCases)('developer, %s: %s', async (_name, request, expected) => {
    expect(evaluateTrust(developer, request).decision).toBe(expected);
    expect(await simulateAssumeRole(developer, request)).toBe(expected);
  });
  test('developer: a GitHub token is refused', () => {
    expect(
      evaluateTrust(developer, token(GH, { aud: 'sts.amazonaws.com', sub: 'repo:acme/tapir:ref:refs/heads/main' }))
        .decision,
    ).toBe('Denied');
  });

  const adminCases: Case[] = [
    ['an on-call IAM user with MFA', caller(`arn:aws:iam::${ACCOUNT}:user/ops/oncall-alice`, true), 'Allowed'],
    ['the same user without MFA', caller(`arn:aws:iam::${ACCOUNT}:user/ops/oncall-alice`, false), 'Denied'],
    [
      'the same user with long-term keys (no MFA key at all)',
      caller(`arn:aws:iam::${ACCOUNT}:user/ops/oncall-alice`),
      'Denied',
    ],
    ['another user with MFA', caller(`arn:aws:iam::${ACCOUNT}:user/ops/dev-bob`, true), 'Denied'],
    [
      'the same user name in another account',
      caller(`arn:aws:iam::${OTHER_ACCOUNT}:user/ops/oncall-alice`, true),
      'Denied',
    ],
    ['a role named like the user', caller(`arn:aws:iam::${ACCOUNT}:role/ops/oncall-alice`, true), 'Denied'],
  ];
  test.each(adminCases)('admin, %s: %s', async (_name, request, expected) => {
    expect(evaluateTrust(admin, request).decision).toBe(expected);
    expect(await simulateAssumeRole(admin, request)).toBe(expected);
  });
});

describe("the roles carry exactly the groups' policies", () => {
  const ROLES = {
    Admin: { Principals: [SSO(ACCOUNT, 'PlatformAdmin', '*', '*/')] },
    Developer: { Principals: [SSO(ACCOUNT, 'TapirDeveloper', '*', '*/')] },
    Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'] } },
  };
  test.each([
    ['core', {}],
    ['with submodules and ManyLambdas', { Xray: true, Kms: true, ManyLambdas: true }],
  ])('%s', async (_name, extra) => {
    const t = await expand({ Roles: ROLES, ...extra });
    for (const role of ['Admin', 'Developer', 'Ci']) {
      const group = t.Resources[`TapirAccess${role}Group`].Properties.ManagedPolicyArns;
      expect(t.Resources[`TapirAccess${role}Role`].Properties.ManagedPolicyArns).toEqual(group);
      expect(group.length).toBeGreaterThan(0);
      expect(t.Resources[`TapirAccess${role}Role`].Properties.RoleName).toBe(
        t.Resources[`TapirAccess${role}Group`].Properties.GroupName,
      );
    }
  });
  test('with DisableGroups, the roles alone carry them (the policies every group would have)', async () => {
    const withGroups = await expand({ Roles: ROLES });
    const rolesOnly = await expand({ Roles: ROLES, DisableGroups: true });
    expect(Object.values(rolesOnly.Resources).filter((r) => r.Type === 'AWS::IAM::Group')).toEqual([]);
    for (const role of ['Admin', 'Developer', 'Ci']) {
      expect(rolesOnly.Resources[`TapirAccess${role}Role`].Properties.ManagedPolicyArns).toEqual(
        withGroups.Resources[`TapirAccess${role}Group`].Properties.ManagedPolicyArns,
      );
    }
  });
  test('a role is created only for the access levels Roles lists', async () => {
    const t = await expand({ Roles: { Ci: ROLES.Ci } });
    expect(Object.keys(t.Resources).filter((id) => /(Admin|Developer|Ci)Role$/.test(id))).toEqual([
      'TapirAccessCiRole',
    ]);
  });
});

describe("no access level can change, pass or widen the access roles (iam-simulate on the groups' policies)", () => {
  const cli = {
    'aws:RequestedRegion': 'us-east-1',
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
    'aws:PrincipalArn': PRINCIPAL,
    'aws:PrincipalAccount': ACCOUNT,
  };
  const viaCfn = {
    ...cli,
    'aws:ViaAWSService': 'true',
    'aws:CalledVia': ['cloudformation.amazonaws.com'],
    'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
    'aws:CalledViaLast': 'cloudformation.amazonaws.com',
  };
  const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
  let proof: ProofPolicies;
  let roleArns: string[];
  beforeAll(async () => {
    proof = await policiesFor({
      serviceName: 'tapir',
      stage: 'dev',
      extraProperties: {
        Roles: {
          Admin: { Principals: [SSO(ACCOUNT, 'PlatformAdmin', '*', '*/')] },
          Developer: { Principals: [SSO(ACCOUNT, 'TapirDeveloper', '*', '*/')] },
          Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'] } },
        },
      },
    });
    const r = proof.fragment.Resources as Record<string, { Properties: { RoleName: string } }>;
    roleArns = ['Admin', 'Developer', 'Ci'].map(
      (x) => `arn:aws:iam::${ACCOUNT}:role/${r[`${ACCESS_LOGICAL_ID}${x}Role`].Properties.RoleName}`,
    );
  });
  const requests = (arn: string): SimRequest[] =>
    [cli, viaCfn].flatMap((ctx): SimRequest[] => [
      { action: 'iam:UpdateAssumeRolePolicy', resource: arn, context: ctx },
      { action: 'iam:AttachRolePolicy', resource: arn, context: { ...ctx, 'iam:PolicyARN': ADMIN_POLICY } },
      { action: 'iam:PutRolePolicy', resource: arn, context: ctx },
      { action: 'iam:DeleteRolePolicy', resource: arn, context: ctx },
      { action: 'iam:DetachRolePolicy', resource: arn, context: { ...ctx, 'iam:PolicyARN': ADMIN_POLICY } },
      { action: 'iam:DeleteRole', resource: arn, context: ctx },
      { action: 'iam:UpdateRole', resource: arn, context: ctx },
      { action: 'iam:TagRole', resource: arn, context: ctx },
      { action: 'iam:PassRole', resource: arn, context: { ...ctx, 'iam:PassedToService': 'lambda.amazonaws.com' } },
      {
        action: 'iam:PassRole',
        resource: arn,
        context: { ...ctx, 'iam:PassedToService': 'cloudformation.amazonaws.com' },
      },
      { action: 'sts:AssumeRole', resource: arn, context: ctx },
    ]);
  test.each(GROUP_ROLES)('%s: every write, pass and assume on the three roles is denied', async (group) => {
    const allowed: string[] = [];
    for (const arn of roleArns) {
      for (const request of requests(arn)) {
        const result = await simulate(proof.groups[group], request);
        if (result.decision !== 'Denied')
          allowed.push(
            `${request.action} ${arn} ${request.context['aws:ViaAWSService'] === 'true' ? 'via CloudFormation' : 'directly'} (${result.allowSids.join(', ')})`,
          );
      }
    }
    expect(allowed).toEqual([]);
  });
  test("control: the same harness sees admin's IAM grants on the framework's own role through the stack", async () => {
    const frameworkRole = `arn:aws:iam::${ACCOUNT}:role/tapir-dev-us-east-1-lambdaRole`;
    // The framework's roles carry the macro's boundary (README, "The permissions boundary"): admin writes them with it.
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/cf-tapir-dev-boundary`;
    expect(
      (
        await simulate(proof.groups.admin, {
          action: 'iam:PutRolePolicy',
          resource: frameworkRole,
          context: { ...viaCfn, 'iam:PermissionsBoundary': boundary },
        })
      ).decision,
    ).toBe('Allowed');
    expect(
      (
        await simulate(proof.groups.developer, {
          action: 'iam:PassRole',
          resource: frameworkRole,
          context: { ...cli, 'iam:PassedToService': 'lambda.amazonaws.com' },
        })
      ).decision,
    ).toBe('Allowed');
  });
});
