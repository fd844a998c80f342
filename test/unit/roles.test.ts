/**
 * functions/core/roles.ts and its wiring: the parsed forms, the subjects, the providers, the outputs and
 * attributes, PolicyPath, and the SSO example that must name the policies the roles example creates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handler } from '../../functions/handlers/macro';
import {
  gitHubSubjects,
  parsePrincipal,
  parseRoles,
  trustPolicy,
  existingProviderArn,
  ROLES_SCHEMA,
  type RolesConfig,
} from '../../functions/core/roles';
import { expandTemplate, readTemplate } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';

const REPO = join(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-explicit-any -- parsed template data: shapes vary by resource type */
type Template = {
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, any> }>;
  Outputs: Record<string, any>;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

function parse(value: unknown): { roles: RolesConfig; errors: string[] } {
  const errors: string[] = [];
  const roles = parseRoles(value, (path, detail) => errors.push(`${path}: ${detail}`));
  return { roles, errors };
}

async function expandFile(file: string): Promise<Template> {
  return (await expandTemplate(readTemplate(join(REPO, file)), { what: file })) as Template;
}

describe('parsePrincipal', () => {
  const one = (p: string) => {
    const errors: string[] = [];
    return { parsed: parsePrincipal('P', p, (_k, d) => errors.push(d)), errors };
  };
  test('an SSO `_*` suffix is narrowed to the 16 characters Identity Center appends', () => {
    expect(one('arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Dev_*').parsed).toEqual({
      pattern: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Dev_????????????????',
      written: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Dev_*',
      partition: 'aws',
      account: '123456789012',
      kind: 'sso',
    });
  });
  test('an exact SSO role ARN stays as written', () => {
    const arn = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123456789abcdef';
    expect(one(arn).parsed?.pattern).toBe(arn);
  });
  test('roles and users keep their pattern; other partitions are kept', () => {
    expect(one('arn:aws-us-gov:iam::123456789012:role/deploy/ci-runner-*').parsed).toEqual({
      pattern: 'arn:aws-us-gov:iam::123456789012:role/deploy/ci-runner-*',
      written: 'arn:aws-us-gov:iam::123456789012:role/deploy/ci-runner-*',
      partition: 'aws-us-gov',
      account: '123456789012',
      kind: 'role',
    });
    expect(one('arn:aws:iam::123456789012:user/alice').parsed?.kind).toBe('user');
  });
  test.each([
    'arn:aws:iam::123456789012:role/ab*',
    'arn:aws:iam::123456789012:role/team/*',
    'arn:aws:iam::123456789012:user/?lice',
    'arn:aws:iam::12345678901:role/deployer',
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_*_*',
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_abc',
    'arn:aws:iam::123456789012:user/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_*',
  ])('%s is refused', (p) => {
    const { parsed, errors } = one(p);
    expect(parsed).toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});

describe('GitHub subjects', () => {
  test('names, ids, exact and written wildcards', () => {
    const { roles, errors } = parse({
      Ci: {
        GitHub: {
          Repository: 'acme/tapir',
          OwnerId: 1,
          RepositoryId: '2',
          Branches: ['main', 'release/*'],
          Environments: ['prod'],
        },
      },
    });
    expect(errors).toEqual([]);
    expect(gitHubSubjects(roles.ci!.gitHub!)).toEqual({
      exact: ['repo:acme@1/tapir@2:ref:refs/heads/main', 'repo:acme@1/tapir@2:environment:prod'],
      patterns: ['repo:acme@1/tapir@2:ref:refs/heads/release/*'],
    });
    const names = parse({ Ci: { GitHub: { Repository: 'acme/tapir', RepositoryId: 2, Branches: ['main'] } } });
    expect(names.errors).toEqual([]);
    expect(names.roles.ci!.gitHub!.subjectFormat).toBe('names');
    const doc = trustPolicy(names.roles.ci!, (_k, host) => existingProviderArn(host));
    expect(doc.Statement).toEqual([
      {
        Sid: 'GitHubActions',
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: {
          Federated: {
            'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com',
          },
        },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:repository_id': '2',
            'token.actions.githubusercontent.com:sub': 'repo:acme/tapir:ref:refs/heads/main',
          },
        },
      },
    ]);
  });
  test('parameters arrive as strings: CommaDelimitedList branches, boolean and number strings', () => {
    const { roles, errors } = parse({
      Ci: {
        GitHub: { Repository: 'acme/tapir', Branches: 'main, develop', CreateProvider: 'true' },
        MaxSessionDuration: '7200',
      },
    });
    expect(errors).toEqual([]);
    expect(roles.ci).toMatchObject({
      maxSessionDuration: 7200,
      gitHub: { branches: ['main', 'develop'], createProvider: true },
    });
  });
});

describe('expansion', () => {
  test('outputs, attributes, providers and PolicyPath', async () => {
    const response = await handler({
      region: 'us-east-1',
      accountId: '123456789012',
      transformId: '123456789012::FormidableServerless',
      params: {},
      requestId: 'r',
      templateParameterValues: {},
      fragment: {
        Resources: {
          A: {
            Type: 'Formidable::Serverless::Access',
            Properties: {
              ServiceName: 'tapir',
              Stage: 'dev',
              PolicyPath: '/formidable/',
              Roles: {
                Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'], CreateProvider: true } },
                Developer: { GitLab: { Project: 'acme/tapir', Branches: ['main'], CreateProvider: true } },
              },
            },
          },
        },
        Outputs: {
          Ci: { Value: { 'Fn::GetAtt': ['A', 'CiRoleArn'] } },
          Dev: { Value: { 'Fn::Sub': '${A.DeveloperRoleName}' } },
        },
      },
    });
    expect(response.status).toBe('success');
    const t = response.fragment as Template;
    expect(t.Outputs.Ci.Value).toEqual({ 'Fn::GetAtt': ['ACiRole', 'Arn'] });
    expect(t.Outputs.Dev.Value).toEqual({ 'Fn::Sub': '${ADeveloperRole}' });
    expect(t.Outputs.ACiRoleArn.Value).toEqual({ 'Fn::GetAtt': ['ACiRole', 'Arn'] });
    expect(t.Resources.AGitHubProvider.Properties).toMatchObject({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    expect(t.Resources.AGitLabProvider.Properties).toMatchObject({
      Url: 'https://gitlab.com',
      ClientIdList: ['https://gitlab.com'],
    });
    expect(t.Resources.ACiRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Federated: { Ref: 'AGitHubProvider' },
    });
    expect(t.Resources.ADeveloperRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Federated: { Ref: 'AGitLabProvider' },
    });
    expect(t.Resources.AAdminRole).toBeUndefined();
    const paths = Object.values(t.Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .map((r) => [r.Properties.ManagedPolicyName, r.Properties.Path]);
    // The execution role's policy and the permissions boundary are attached to roles, not to groups or permission sets.
    expect(
      paths
        .filter(([name]) => !String(name).endsWith('lambda-execution') && !String(name).endsWith('-boundary'))
        .every(([, path]) => path === '/formidable/'),
    ).toBe(true);
  });

  test('without Roles and PolicyPath, nothing changes: no role, no provider, path /', async () => {
    const t = await expandFile('examples/tapir.yaml');
    expect(Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::OIDCProvider')).toEqual([]);
    expect(Object.keys(t.Resources).filter((id) => /(Admin|Developer|Ci)Role$/.test(id))).toEqual([]);
    expect(
      Object.values(t.Resources)
        .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
        .every((r) => r.Properties.Path === '/'),
    ).toBe(true);
  });

  test('examples/sso-permission-set.yaml references exactly the developer policies examples/roles.yaml creates', async () => {
    const access = await expandFile('examples/roles.yaml');
    const byRef = (ref: { Ref: string }) => access.Resources[ref.Ref].Properties;
    const developer = (access.Resources.TapirAccessDeveloperRole.Properties.ManagedPolicyArns as { Ref: string }[])
      .map(byRef)
      .map((p) => ({ Name: p.ManagedPolicyName, Path: p.Path }));
    const sso = parseTemplate(readFileSync(join(REPO, 'examples', 'sso-permission-set.yaml'), 'utf8')) as Template;
    expect(sso.Resources.TapirDeveloper.Properties.CustomerManagedPolicyReferences).toEqual(developer);
    // and the permission set's SSO role is the one Roles.Developer trusts
    const trusted =
      access.Resources.TapirAccessDeveloperRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnLike[
        'aws:PrincipalArn'
      ];
    expect(trusted).toContain(`AWSReservedSSO_${sso.Resources.TapirDeveloper.Properties.Name}_`);
  });
});

test('ROLES_SCHEMA names exactly the keys parseRoles knows', () => {
  const props = (o: unknown) => Object.keys((o as { properties: Record<string, unknown> }).properties);
  const role = (ROLES_SCHEMA.properties as Record<string, unknown>).Ci;
  const roleProps = (role as { properties: Record<string, unknown> }).properties;
  expect(props(ROLES_SCHEMA)).toEqual(['Admin', 'Developer', 'Ci']);
  const unknownKey = (path: string, keys: string[], value: (k: string) => unknown) =>
    keys.filter((k) =>
      parse({
        Ci:
          path === 'role'
            ? { [k]: value(k), ...(k === 'Principals' ? {} : { Principals: ['arn:aws:iam::123456789012:user/alice'] }) }
            : { [path]: { [k]: value(k) } },
      }).errors.some((e) => e.includes(`.${k}: is not known`)),
    );
  expect(unknownKey('role', props(role), () => undefined)).toEqual([]);
  expect(unknownKey('GitHub', props(roleProps.GitHub), () => 'x')).toEqual([]);
  expect(unknownKey('GitLab', props(roleProps.GitLab), () => 'x')).toEqual([]);
  // and a key the schema lacks is refused by the parser
  expect(
    parse({ Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'], Workflow: 'x' } } }).errors.join(' '),
  ).toMatch(/GitHub\.Workflow: is not known/);
});

test("long names: the role is fitted to IAM's 64 characters (readable head, hash, level), the group keeps its longer name", async () => {
  const response = await handler({
    region: 'us-east-1',
    accountId: '123456789012',
    transformId: '123456789012::FormidableServerless',
    params: {},
    requestId: 'r',
    templateParameterValues: {},
    fragment: {
      Resources: {
        A: {
          Type: 'Formidable::Serverless::Access',
          Properties: {
            ServiceName: 'tapir',
            Stage: 'integration-testing-for-the-payments-team',
            ResourcePrefix: 'cf-hippopotamus-migration',
            Roles: { Developer: { GitHub: { Repository: 'acme/tapir', Branches: ['main'] } } },
          },
        },
      },
    },
  });
  expect(response.status).toBe('success');
  const r = (response.fragment as Template).Resources;
  const role = r.ADeveloperRole.Properties.RoleName as string;
  expect(r.ADeveloperGroup.Properties.GroupName).toBe(
    'cf-hippopotamus-migration-integration-testing-for-the-payments-team-developer',
  );
  expect(role.length).toBeLessThanOrEqual(64);
  expect(role).toMatch(/^cf-hippopotamus-migration-integration-testing-[0-9a-f]{8}-developer$/);
});
