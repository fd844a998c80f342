/**
 * `npm run rollout` against moto_server: an organization with an OU, the administration role's stack in the
 * administrator account, the service-managed execution-role StackSet, and the self-managed macro StackSet built
 * from the project's template.yaml, whose Lambda functions are created in the member accounts from a code
 * bucket of the administrator account.
 *
 * What moto 5.2.1 does not model (read in moto/cloudformation/models.py), and the unit tests
 * (aws-sdk-client-mock) cover instead:
 * - StackSets never assume roles: a self-managed operation succeeds whether or not the administration and
 *   execution roles exist, and nothing evaluates their policies. The test checks the roles exist where AWS
 *   needs them, with the trust AWS needs; whether the execution role's policy suffices is not proven here.
 * - CreateStackSet does not store AutoDeployment, Capabilities or ManagedExecution (so every re-run plans an
 *   UpdateStackSet for them), and there is no automatic deployment: an account moved into the OU later gets
 *   nothing until CreateStackInstances names the OU again.
 * - service-managed stack instances carry no OrganizationalUnitId, so a re-run cannot see that an OU is covered
 *   and creates its execution-role instances a second time, which fails on moto with EntityAlreadyExists (the
 *   role exists). So the re-run below targets only a new OU, and the planner's idempotence for OUs is
 *   unit-tested. The self-managed macro StackSet's re-run idempotence (per account and region) is real here.
 * - every operation ends SUCCEEDED at once: no progress to watch, no failed instance to provoke.
 *
 * Organizations, S3, STS and Lambda are called over moto's HTTP API directly: the project installs only
 * the CloudFormation, IAM and SSM clients. moto ignores signatures; the Authorization header only tells it
 * which service and which access key (hence which account) a request is for.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  DescribeStackSetCommand,
  ListStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRollout } from '../../scripts/rollout';
import { awsClientConfig, startMoto, type MotoServer } from '../../scripts/lib/moto';

const PROJECT = join(__dirname, '..', '..');
const BUCKET_PREFIX = 'acme-macro-code';
const REGION = 'us-east-1';

let moto: MotoServer;
let root: string;
let cfn: CloudFormationClient;

const auth = (service: string, accessKey = 'AKIAIOSFODNN7EXAMPLE') =>
  `AWS4-HMAC-SHA256 Credential=${accessKey}/20240101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- moto's JSON answer, read per action by the caller
async function organizations(action: string, body: object): Promise<Record<string, any>> {
  const res = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'X-Amz-Target': `AWSOrganizationsV20161128.${action}`,
      'Content-Type': 'application/x-amz-json-1.1',
      Authorization: auth('organizations'),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Organizations ${action}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

async function s3Put(path: string, body?: Buffer): Promise<void> {
  const res = await fetch(`${moto.endpoint}${path}`, { method: 'PUT', headers: { Authorization: auth('s3') }, body });
  if (!res.ok) throw new Error(`S3 PUT ${path}: HTTP ${res.status} ${await res.text()}`);
}

/** Credentials of another account (moto maps credentials from AssumeRole to the role's account). */
async function assumeInto(accountId: string): Promise<string> {
  const form = new URLSearchParams({
    Action: 'AssumeRole',
    RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
    RoleSessionName: 'check',
    Version: '2011-06-15',
  });
  const sts = await (
    await fetch(`${moto.endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: auth('sts') },
      body: form,
    })
  ).text();
  const accessKey = /<AccessKeyId>([^<]+)</.exec(sts)?.[1];
  if (!accessKey) throw new Error(`AssumeRole into ${accountId} failed: ${sts}`);
  return accessKey;
}

/** An IAM role of another account, or undefined. */
async function roleIn(accountId: string | undefined, roleName: string) {
  const config = awsClientConfig(moto.endpoint);
  const iam = new IAMClient(
    accountId ? { ...config, credentials: { accessKeyId: await assumeInto(accountId), secretAccessKey: 'x' } } : config,
  );
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  } catch (e) {
    if ((e as Error).name === 'NoSuchEntityException' || (e as Error).name === 'NoSuchEntity') return undefined;
    throw e;
  } finally {
    iam.destroy();
  }
}

/** Lambda functions of another account. */
async function functionsOf(
  accountId: string,
): Promise<{ FunctionName: string; CodeSize: number; Description?: string }[]> {
  const accessKey = await assumeInto(accountId);
  const res = await fetch(`${moto.endpoint}/2015-03-31/functions/`, {
    headers: { Authorization: auth('lambda', accessKey) },
  });
  return ((await res.json()) as { Functions: { FunctionName: string; CodeSize: number; Description?: string }[] })
    .Functions;
}

async function rollout(args: string[]) {
  const lines: string[] = [];
  const code = await runRollout(
    ['--regions', REGION, '--code-bucket-prefix', BUCKET_PREFIX, '--poll-seconds', '0', '--region', REGION, ...args],
    {
      cfn,
      log: (l) => lines.push(l),
      rootDir: root,
    },
  );
  return { code, out: lines.join('\n') };
}

/** Uploads the zips the last rollout run wrote (dist/stackset) to the regional code bucket. */
function uploadCode(): Promise<void[]> {
  const template = JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8'));
  const keys = Object.values(
    template.Resources as Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }>,
  )
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => r.Properties.Code!.S3Key);
  return Promise.all(
    keys.map((key) =>
      s3Put(`/${BUCKET_PREFIX}-${REGION}/${key}`, readFileSync(join(root, 'dist', 'stackset', key.split('/').pop()!))),
    ),
  );
}

function writeBundles(version: string): void {
  for (const fn of ['macro', 'bucket-resolver']) {
    mkdirSync(join(root, 'dist', fn), { recursive: true });
    writeFileSync(
      join(root, 'dist', fn, 'index.js'),
      `exports.handler=async()=>(${JSON.stringify(`${fn} ${version}`)});\n`,
    );
  }
}

beforeAll(async () => {
  moto = await startMoto();
  cfn = new CloudFormationClient(awsClientConfig(moto.endpoint));
  root = mkdtempSync(join(tmpdir(), 'rollout-moto-'));
  copyFileSync(join(PROJECT, 'template.yaml'), join(root, 'template.yaml'));
  writeBundles('v1');
});

afterAll(async () => {
  cfn?.destroy();
  await moto?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const NAME = 'formidable-serverless-access';

test('rolls out the administration role, the execution role to the OU, and the macro as a self-managed StackSet', async () => {
  await organizations('CreateOrganization', { FeatureSet: 'ALL' });
  const rootId = (await organizations('ListRoots', {})).Roots[0].Id as string;
  const ou = (await organizations('CreateOrganizationalUnit', { ParentId: rootId, Name: 'workloads' }))
    .OrganizationalUnit.Id as string;
  const accounts: string[] = [];
  for (const name of ['member-a', 'member-b', 'outside']) {
    accounts.push(
      (await organizations('CreateAccount', { AccountName: name, Email: `${name}@example.com` })).CreateAccountStatus
        .AccountId,
    );
  }
  const [memberA, memberB, outside] = accounts;
  for (const id of [memberA, memberB])
    await organizations('MoveAccount', { AccountId: id, SourceParentId: rootId, DestinationParentId: ou });
  await s3Put(`/${BUCKET_PREFIX}-${REGION}`);

  // 1. dry run: only reads; it plans all three parts and writes the template and the zips to upload
  const dry = await rollout(['--organizational-unit', ou, '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.out).toMatch(
    /1\. CreateStack formidable-serverless-access-stackset-admin \(AWSCloudFormationStackSetAdministrationRole/,
  );
  expect(dry.out).toMatch(
    /1\. CreateStackSet formidable-serverless-access-execution-role \(SERVICE_MANAGED, auto-deployment on/,
  );
  expect(dry.out).toMatch(
    /1\. CreateStackSet formidable-serverless-access \(SELF_MANAGED, administration role arn:aws:iam::<this account>:role\/AWSCloudFormationStackSetAdministrationRole, execution role AWSCloudFormationStackSetExecutionRole/,
  );
  expect(dry.out).toContain('+ the accounts that step 2 gives AWSCloudFormationStackSetExecutionRole');
  expect(dry.out).toContain('Dry run: no change was made.');
  await expect(cfn.send(new DescribeStackSetCommand({ StackSetName: NAME }))).rejects.toThrow();
  await expect(cfn.send(new DescribeStackSetCommand({ StackSetName: `${NAME}-execution-role` }))).rejects.toThrow();
  await expect(cfn.send(new DescribeStacksCommand({ StackName: `${NAME}-stackset-admin` }))).rejects.toThrow(
    /does not exist/,
  );
  expect(await roleIn(undefined, 'AWSCloudFormationStackSetAdministrationRole')).toBeUndefined();
  await uploadCode();

  // 2. the rollout
  const first = await rollout(['--organizational-unit', ou]);
  expect(first.out).toContain('Done.');
  expect(first.code).toBe(0);

  // part 1: the administration role in this account, trusted by CloudFormation of this account only
  const admin = await roleIn(undefined, 'AWSCloudFormationStackSetAdministrationRole');
  expect(admin).toBeDefined();
  const adminTrust = JSON.parse(decodeURIComponent(admin!.AssumeRolePolicyDocument!));
  expect(adminTrust.Statement).toEqual([
    expect.objectContaining({
      Principal: { Service: 'cloudformation.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/^\d{12}$/) } },
    }),
  ]);

  // part 2: the execution role in the OU's accounts (not outside), trusting exactly that administration role
  const roles = await cfn.send(new DescribeStackSetCommand({ StackSetName: `${NAME}-execution-role` }));
  expect(roles.StackSet?.PermissionModel).toBe('SERVICE_MANAGED');
  const rolesInstances =
    (await cfn.send(new ListStackInstancesCommand({ StackSetName: `${NAME}-execution-role` }))).Summaries ?? [];
  expect(rolesInstances.map((s) => s.Account).sort()).toEqual([memberA, memberB].sort());
  for (const id of [memberA, memberB]) {
    const exec = await roleIn(id, 'AWSCloudFormationStackSetExecutionRole');
    expect(exec).toBeDefined();
    const trust = JSON.parse(decodeURIComponent(exec!.AssumeRolePolicyDocument!));
    expect(trust.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { AWS: admin!.Arn }, Action: 'sts:AssumeRole' }),
    ]);
  }
  expect(await roleIn(outside, 'AWSCloudFormationStackSetExecutionRole')).toBeUndefined();

  // part 3: the macro, self-managed, in the accounts that hold the execution role
  const { StackSet } = await cfn.send(new DescribeStackSetCommand({ StackSetName: NAME }));
  expect(StackSet?.PermissionModel).toBe('SELF_MANAGED');
  expect(StackSet?.AdministrationRoleARN).toBe(admin!.Arn);
  expect(StackSet?.ExecutionRoleName).toBe('AWSCloudFormationStackSetExecutionRole');
  const template = JSON.parse(StackSet!.TemplateBody!);
  expect(template.Transform).toBeUndefined();
  expect(template.Resources.Macro.Type).toBe('AWS::CloudFormation::Macro');
  const { Summaries = [] } = await cfn.send(new ListStackInstancesCommand({ StackSetName: NAME }));
  expect(Summaries.map((s) => s.Account).sort()).toEqual([memberA, memberB].sort());
  expect(Summaries.every((s) => s.Status === 'CURRENT' && s.Region === REGION)).toBe(true);
  for (const id of [memberA, memberB]) {
    const fns = await functionsOf(id);
    expect(fns.map((f) => f.Description).sort()).toEqual([
      'Expands Formidable::Serverless::Access resources',
      'Resolves the Serverless Framework deployment bucket of a service and stage',
    ]);
    expect(fns.every((f) => f.CodeSize > 0)).toBe(true);
    // the explicit names of template.yaml, the only ones the execution role may write (not StackSet-*)
    expect(fns.map((f) => f.FunctionName).sort()).toEqual([
      'FormidableServerless-bucket-resolver',
      'FormidableServerless-macro',
    ]);
    // with the boundary the execution-role StackSet created in the account (the rollout sets RolePermissionsBoundary)
    for (const role of [`FormidableServerless-macro-${REGION}`, `FormidableServerless-bucket-resolver-${REGION}`]) {
      const got = await roleIn(id, role);
      expect(got?.RoleName).toBe(role);
      expect(got?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(
        `arn:aws:iam::${id}:policy/FormidableServerless-macro-boundary`,
      );
    }
  }
  expect(await functionsOf(outside)).toEqual([]);

  // 3. a re-run (dry) finds the administration stack and the macro instances as wanted; the macro StackSet's
  // template, parameters and roles compare equal, and the only differences it reports are the two fields
  // moto does not store (Capabilities, ManagedExecution)
  const again = await rollout(['--organizational-unit', ou, '--dry-run']);
  expect(again.code).toBe(0);
  expect(again.out).toContain(`stack ${NAME}-stackset-admin: AWSCloudFormationStackSetAdministrationRole unchanged`);
  expect(again.out).toContain(
    `1. UpdateStackSet ${NAME} (all its stack instances) - capabilities (none) -> CAPABILITY_NAMED_IAM; managed execution off -> on\n`,
  );
  expect(again.out).not.toMatch(/CreateStackInstances formidable-serverless-access: accounts/);
  expect(again.out).toContain(`accounts ${[memberA, memberB].sort().join(', ')}: stack instances in ${REGION}`);

  // 4. an account that arrives later, for real: in AWS an account moved into the OU gets the execution role by
  // automatic deployment, which moto lacks; here it arrives in a second OU that this run targets (re-targeting
  // the first OU would make moto create its instances again, see above). The macro StackSet then gets exactly
  // that account: the accounts it already has are not deployed again.
  const ou2 = (await organizations('CreateOrganizationalUnit', { ParentId: rootId, Name: 'later' })).OrganizationalUnit
    .Id as string;
  await organizations('MoveAccount', { AccountId: outside, SourceParentId: rootId, DestinationParentId: ou2 });
  const later = await rollout(['--organizational-unit', ou2]);
  expect(later.out).toContain('Done.');
  expect(later.code).toBe(0);
  expect(later.out).toContain(`CreateStackInstances ${NAME}: accounts ${outside} x regions ${REGION}`);
  expect(later.out).not.toMatch(new RegExp(`CreateStackInstances ${NAME}: accounts [^\\n]*(${memberA}|${memberB})`));
  expect((await roleIn(outside, 'AWSCloudFormationStackSetExecutionRole'))?.RoleName).toBe(
    'AWSCloudFormationStackSetExecutionRole',
  );
  const afterJoin = (await cfn.send(new ListStackInstancesCommand({ StackSetName: NAME }))).Summaries ?? [];
  expect(afterJoin.map((s) => s.Account).sort()).toEqual([memberA, memberB, outside].sort());
  expect((await functionsOf(outside)).map((f) => f.Description).sort()).toEqual([
    'Expands Formidable::Serverless::Access resources',
    'Resolves the Serverless Framework deployment bucket of a service and stage',
  ]);
  for (const id of [memberA, memberB]) expect(await functionsOf(id)).toHaveLength(2);

  // 5. new code: new object keys, so the next run plans an UpdateStackSet of the macro StackSet only
  writeBundles('v2');
  const second = await rollout(['--organizational-unit', ou, '--dry-run']);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(
    new RegExp(
      `3\\. The macro[^\\n]*\\n  1\\. UpdateStackSet ${NAME} \\(all its stack instances\\) - template changed`,
    ),
  );
  const newKey = JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8')).Resources.MacroFunction
    .Properties.Code.S3Key;
  expect(newKey).not.toBe(template.Resources.MacroFunction.Properties.Code.S3Key);
});
