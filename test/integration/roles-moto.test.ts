/**
 * The Roles property deployed on moto's CloudFormation and IAM: examples/roles.yaml and the golden roles inputs,
 * expanded by the macro's own handler, reach CREATE_COMPLETE; each role exists with the trust policy, session
 * duration and exactly the managed policies the expansion gives it (the same as its group's, when there is one);
 * the OIDC provider exists when CreateProvider asks for it, and a second stack asking for the same provider fails
 * as on AWS (one provider per URL). examples/sso-permission-set.yaml deploys too (AWS::SSO::PermissionSet with
 * CustomerManagedPolicyReferences, moto_server_ext.py).
 * The bucket resolver is proven by deploy-examples.test.ts; here every Access resource gets
 * ResolveDeploymentBucket: false so the stacks need no macro stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListStackResourcesCommand, CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  GetGroupCommand,
  ListAttachedGroupPoliciesCommand,
} from '@aws-sdk/client-iam';
import { expandTemplate, readTemplate } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { awsClientConfig, deployStack, startMoto, type StartedMoto } from '../../scripts/lib/moto';

const ACCOUNT = '123456789012';
const REPO = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed template data: shapes vary by resource type
type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown> };

async function expand(file: string): Promise<Template> {
  const template = readTemplate(join(REPO, file)) as Template & Record<string, unknown>;
  for (const r of Object.values(template.Resources)) {
    if (r.Type === 'Formidable::Serverless::Access') r.Properties.ResolveDeploymentBucket = false;
  }
  return (await expandTemplate(template, { what: file })) as Template;
}

/** The trust policy as CloudFormation resolves it in ACCOUNT (Fn::Sub of the provider ARN, Ref of a created one). */
function resolved(value: unknown, physical: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolved(v, physical));
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if (typeof o['Fn::Sub'] === 'string')
    return o['Fn::Sub'].replace('${AWS::Partition}', 'aws').replace('${AWS::AccountId}', ACCOUNT);
  if (typeof o.Ref === 'string') return physical[o.Ref];
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolved(v, physical)]));
}

const FILES = [
  'examples/roles.yaml',
  'test/golden/input/roles-sso-github.yaml',
  'test/golden/input/roles-only-immutable-subject.yaml',
  'test/golden/input/roles-gitlab.yaml',
];

describe('Roles on moto', () => {
  let moto: StartedMoto;
  let iam: IAMClient;
  let cfn: CloudFormationClient;
  beforeAll(async () => {
    moto = await startMoto();
    iam = new IAMClient(awsClientConfig(moto.endpoint));
    cfn = new CloudFormationClient(awsClientConfig(moto.endpoint));
  });
  afterAll(async () => {
    iam?.destroy();
    cfn?.destroy();
    await moto?.stop();
  });

  test.each(FILES)('%s', async (file) => {
    await moto.reset();
    const template = await expand(file);
    const stackName = `roles-${file.replace(/.*\//, '').replace(/\.yaml$/, '')}`;
    const result = await deployStack(moto.endpoint, stackName, template);
    expect(result.status).toBe('CREATE_COMPLETE');
    const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
    const physical = Object.fromEntries(
      StackResourceSummaries.map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!]),
    );

    const roles = Object.entries(template.Resources).filter(
      ([id, r]) => r.Type === 'AWS::IAM::Role' && /(Admin|Developer|Ci)Role$/.test(id),
    );
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, r] of roles) {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: r.Properties.RoleName }));
      expect(Role?.RoleName).toBe(physical[id]);
      expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(
        resolved(r.Properties.AssumeRolePolicyDocument, physical),
      );
      expect(Role?.MaxSessionDuration).toBe(r.Properties.MaxSessionDuration ?? 3600);
      const { AttachedPolicies = [] } = await iam.send(
        new ListAttachedRolePoliciesCommand({ RoleName: r.Properties.RoleName }),
      );
      const expected = (r.Properties.ManagedPolicyArns as { Ref: string }[]).map((ref) => physical[ref.Ref]).sort();
      expect(AttachedPolicies.map((p) => p.PolicyArn).sort()).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
      const groupId = id.replace(/Role$/, 'Group');
      if (template.Resources[groupId]) {
        const { Group } = await iam.send(new GetGroupCommand({ GroupName: physical[groupId] }));
        expect(Group?.GroupName).toBe(r.Properties.RoleName);
        const group = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: physical[groupId] }));
        expect((group.AttachedPolicies ?? []).map((p) => p.PolicyArn).sort()).toEqual(expected);
      }
    }

    const providers = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::OIDCProvider');
    const { OpenIDConnectProviderList = [] } = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(OpenIDConnectProviderList.map((p) => p.Arn).sort()).toEqual(
      providers
        .map(([, r]) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(r.Properties.Url).replace('https://', '')}`)
        .sort(),
    );
    for (const [id] of providers) expect(result.outputs[`${id}Arn`]).toBe(physical[id]);
  });

  test('a second stack creating the same OIDC provider fails, as IAM allows one per URL', async () => {
    await moto.reset();
    const template = await expand('test/golden/input/roles-only-immutable-subject.yaml');
    await deployStack(moto.endpoint, 'first', template);
    const second = JSON.parse(JSON.stringify(template).replace(/cf-tapir-prod-/g, 'cf-tapir-prod2-')) as Template;
    second.Outputs = {};
    await expect(deployStack(moto.endpoint, 'second', second)).rejects.toThrow(
      /EntityAlreadyExists|already exists|Unknown/i,
    );
  });

  test('examples/sso-permission-set.yaml: the permission set with its customer managed policy references', async () => {
    await moto.reset();
    const template = parseTemplate(readFileSync(join(REPO, 'examples', 'sso-permission-set.yaml'), 'utf8')) as Template;
    const result = await deployStack(moto.endpoint, 'sso', template);
    expect(result.status).toBe('CREATE_COMPLETE');
    // AWS spells it arn:aws:sso:::permissionSet/ssoins-.../ps-...; moto 5.2.1 writes instance/ instead of permissionSet/
    expect(result.outputs.PermissionSetArn).toMatch(
      /^arn:aws:sso:::(permissionSet|instance)\/ssoins-0123456789abcdef\/ps-[0-9a-z]+$/,
    );
  });
});
