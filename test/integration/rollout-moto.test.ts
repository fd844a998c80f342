/**
 * `npm run rollout` against moto_server: an organization with an OU, a service-managed StackSet built
 * from the project's template.yaml, code objects in a bucket of the administrator account, and stack
 * instances whose Lambda functions are created in the member accounts from that bucket.
 *
 * What moto 5.2.1 does not model, and the unit tests (aws-sdk-client-mock) cover instead: AutoDeployment,
 * Capabilities and ManagedExecution are not stored by CreateStackSet; stack instances carry no
 * OrganizationalUnitId and OU-targeted operations list no per-instance results; every operation ends
 * SUCCEEDED at once. So a re-run against moto cannot see that the OU is already covered (it creates the
 * instances again), and there is no failed-instance path to provoke.
 *
 * Organizations, S3, STS and Lambda are called over moto's HTTP API directly: the project installs only
 * the CloudFormation, IAM and SSM clients. moto ignores signatures; the Authorization header only tells it
 * which service and which access key (hence which account) a request is for.
 */
import { CloudFormationClient, DescribeStackSetCommand, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
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
    headers: { 'X-Amz-Target': `AWSOrganizationsV20161128.${action}`, 'Content-Type': 'application/x-amz-json-1.1', Authorization: auth('organizations') },
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

/** Lambda functions of another account (moto maps credentials from AssumeRole to the role's account). */
async function functionsOf(accountId: string): Promise<{ FunctionName: string; CodeSize: number; Description?: string }[]> {
  const form = new URLSearchParams({ Action: 'AssumeRole', RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'check', Version: '2011-06-15' });
  const sts = await (await fetch(`${moto.endpoint}/`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: auth('sts') }, body: form })).text();
  const accessKey = /<AccessKeyId>([^<]+)</.exec(sts)?.[1];
  if (!accessKey) throw new Error(`AssumeRole into ${accountId} failed: ${sts}`);
  const res = await fetch(`${moto.endpoint}/2015-03-31/functions/`, { headers: { Authorization: auth('lambda', accessKey) } });
  return ((await res.json()) as { Functions: { FunctionName: string; CodeSize: number; Description?: string }[] }).Functions;
}

async function rollout(args: string[]) {
  const lines: string[] = [];
  const code = await runRollout(['--regions', REGION, '--code-bucket-prefix', BUCKET_PREFIX, '--poll-seconds', '0', '--region', REGION, ...args], {
    cfn,
    log: (l) => lines.push(l),
    rootDir: root,
  });
  return { code, out: lines.join('\n') };
}

/** Uploads the zips the last rollout run wrote (dist/stackset) to the regional code bucket. */
function uploadCode(): Promise<void[]> {
  const template = JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8'));
  const keys = Object.values(template.Resources as Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }>)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => r.Properties.Code!.S3Key);
  return Promise.all(keys.map((key) => s3Put(`/${BUCKET_PREFIX}-${REGION}/${key}`, readFileSync(join(root, 'dist', 'stackset', key.split('/').pop()!)))));
}

function writeBundles(version: string): void {
  for (const fn of ['macro', 'bucket-resolver']) {
    mkdirSync(join(root, 'dist', fn), { recursive: true });
    writeFileSync(join(root, 'dist', fn, 'index.js'), `exports.handler=async()=>(${JSON.stringify(`${fn} ${version}`)});\n`);
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

test('rolls the translated template.yaml out to the accounts of an OU; new code plans an update', async () => {
  await organizations('CreateOrganization', { FeatureSet: 'ALL' });
  const rootId = (await organizations('ListRoots', {})).Roots[0].Id as string;
  const ou = (await organizations('CreateOrganizationalUnit', { ParentId: rootId, Name: 'workloads' })).OrganizationalUnit.Id as string;
  const accounts: string[] = [];
  for (const name of ['member-a', 'member-b', 'outside']) {
    accounts.push((await organizations('CreateAccount', { AccountName: name, Email: `${name}@example.com` })).CreateAccountStatus.AccountId);
  }
  const [memberA, memberB, outside] = accounts;
  for (const id of [memberA, memberB]) await organizations('MoveAccount', { AccountId: id, SourceParentId: rootId, DestinationParentId: ou });
  await s3Put(`/${BUCKET_PREFIX}-${REGION}`);

  // 1. dry run: only reads; it writes the template and the zips to upload
  const dry = await rollout(['--organizational-unit', ou, '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.out).toMatch(/1\. CreateStackSet formidable-serverless-access/);
  await expect(cfn.send(new DescribeStackSetCommand({ StackSetName: 'formidable-serverless-access' }))).rejects.toThrow();
  await uploadCode();

  // 2. the rollout: StackSet + instances in the OU's accounts, Lambda code read from the administrator's bucket
  const first = await rollout(['--organizational-unit', ou]);
  expect(first.out).toContain('Done.');
  expect(first.code).toBe(0);
  const { StackSet } = await cfn.send(new DescribeStackSetCommand({ StackSetName: 'formidable-serverless-access' }));
  expect(StackSet?.PermissionModel).toBe('SERVICE_MANAGED');
  const template = JSON.parse(StackSet!.TemplateBody!);
  expect(template.Transform).toBeUndefined();
  expect(template.Resources.Macro.Type).toBe('AWS::CloudFormation::Macro');
  const { Summaries = [] } = await cfn.send(new ListStackInstancesCommand({ StackSetName: 'formidable-serverless-access' }));
  expect(Summaries.map((s) => s.Account).sort()).toEqual([memberA, memberB].sort());
  expect(Summaries.every((s) => s.Status === 'CURRENT' && s.Region === REGION)).toBe(true);
  for (const id of [memberA, memberB]) {
    const fns = await functionsOf(id);
    expect(fns.map((f) => f.Description).sort()).toEqual(['Expands Formidable::Serverless::Access resources', 'Resolves the Serverless Framework deployment bucket of a service and stage']);
    expect(fns.every((f) => f.CodeSize > 0)).toBe(true);
  }
  expect(await functionsOf(outside)).toEqual([]);

  // 3. new code: new object keys, so the next run plans an UpdateStackSet (for all its instances). Only a dry
  // run here: moto lists the instances without their OU, so a real re-run would create them a second time.
  writeBundles('v2');
  const second = await rollout(['--organizational-unit', ou, '--dry-run']);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(/1\. UpdateStackSet formidable-serverless-access \(all its stack instances\) - template changed/);
  expect(second.out).toMatch(new RegExp(`${memberA}\\s+us-east-1\\s+-\\s+CURRENT`));
  const newKey = JSON.parse(readFileSync(join(root, 'dist', 'stackset-template.json'), 'utf8')).Resources.MacroFunction.Properties.Code.S3Key;
  expect(newKey).not.toBe(template.Resources.MacroFunction.Properties.Code.S3Key);
});
