/**
 * Every example template (examples/*.yaml) and every golden input that is not an error case
 * (test/golden/input/*.yaml without the error_ prefix), expanded by the macro's own handler, must:
 *   - lint clean with cfn-lint (one run for all: no Error, no W3037/E3510/I3510),
 *   - deploy on moto to CREATE_COMPLETE, with the bucket resolver of template.yaml available (the default
 *     ResolveDeploymentBucket emits Custom::ServerlessDeploymentBucket, which moto_server_ext.py's Custom::
 *     emulation serves by running the resolver bundle),
 *   - create its groups with exactly the managed policies the expansion attaches, and its outputs and exports.
 * And the SAM template itself: `cfn-lint template.yaml` reports nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { CloudFormationClient, ListExportsCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, GetGroupCommand, IAMClient, ListAttachedGroupPoliciesCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildAll } from '../../scripts/build';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { expandTemplate, MACRO_NAMES, readTemplate, withoutOwnTransform } from '../../scripts/lib/harness';
import {
  buildStackSetTemplate,
  codeKeyFor,
  serverlessFunctions,
  zipFiles,
  type Template,
} from '../../scripts/lib/stackset-template';
import { errorsOf, lintTemplates, type LintFinding } from '../support/cfn-lint';
import { awsClientConfig, deployStack, MotoServer, startMoto } from '../../scripts/lib/moto';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const MACRO_NAME = MACRO_NAMES[0];
const RESOLVER_EXPORT = `${MACRO_NAME}-BucketResolverArn`;
const CODE_BUCKET_PREFIX = 'formidable-code';
const REPO = resolve(__dirname, '..', '..');

// A parsed CloudFormation template: property and output shapes vary by resource type, and the test walks them freely.
/* eslint-disable @typescript-eslint/no-explicit-any -- parsed template data, see above */
type Resource = { Type: string; Condition?: string; Properties?: Record<string, any> };
type Expanded = Template & { Resources: Record<string, Resource>; Outputs?: Record<string, any> };
/* eslint-enable @typescript-eslint/no-explicit-any */

/** examples/*.yaml, then the golden inputs that must expand (error_* cases are the macro's refusals). */
function templateFiles(): { name: string; file: string }[] {
  const list = (dir: string, keep: (f: string) => boolean) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.yaml') && keep(f))
          .sort()
          .map((f) => join(dir, f))
      : [];
  return [
    ...list(join(REPO, 'examples'), () => true).map((file) => ({ name: `examples/${basename(file, '.yaml')}`, file })),
    ...list(join(REPO, 'test', 'golden', 'input'), (f) => !f.startsWith('error_')).map((file) => ({
      name: `golden/${basename(file, '.yaml')}`,
      file,
    })),
  ];
}

/** What CloudFormation deploys: the macro's reply for the template, its other transforms (if any) kept. */
async function expandFile(file: string): Promise<Expanded> {
  const template = readTemplate(file);
  const { rest } = withoutOwnTransform(template);
  if (rest !== undefined)
    throw new Error(`${file}: uses other transforms too (${JSON.stringify(rest)}); moto cannot run them`);
  return (await expandTemplate(template, {
    region: REGION,
    accountId: ACCOUNT,
    requestId: `deploy-examples-${basename(file)}`,
    what: file,
  })) as Expanded;
}

/** template.yaml as `npm run rollout` deploys it (no transform, code zips in S3), built from fresh bundles. */
async function prepareMacroStack(outRoot: string) {
  await buildAll(outRoot);
  const sam = parseTemplate(readFileSync(join(REPO, 'template.yaml'), 'utf8')) as Template;
  const codeKeys: Record<string, string> = {};
  const zips = serverlessFunctions(sam).map(({ functionId, codeUri }) => {
    const dir = join(outRoot, relative('dist', codeUri));
    const zip = zipFiles(readdirSync(dir).map((name) => ({ name, data: readFileSync(join(dir, name)) })));
    codeKeys[functionId] = codeKeyFor(codeUri, zip);
    return { key: codeKeys[functionId], zip };
  });
  return { template: buildStackSetTemplate(sam, { codeKeys }).template, zips };
}

const FILES = templateFiles();

describe('examples and golden inputs: expanded, linted, deployed on moto', () => {
  let moto: MotoServer;
  let cfn: CloudFormationClient;
  let iam: IAMClient;
  let outRoot: string;
  let macroStack: Awaited<ReturnType<typeof prepareMacroStack>>;
  const expanded = new Map<string, Expanded | Error>();
  let findings: Record<string, LintFinding[]> = {};

  beforeAll(async () => {
    outRoot = mkdtempSync(join(tmpdir(), 'examples-dist-'));
    const started = startMoto();
    macroStack = await prepareMacroStack(outRoot);
    for (const { name, file } of FILES) expanded.set(name, await expandFile(file).catch((e: Error) => e));
    const ok = [...expanded].filter((entry): entry is [string, Expanded] => !(entry[1] instanceof Error));
    findings = lintTemplates(Object.fromEntries(ok)); // one cfn-lint run for all of them
    moto = await started;
    cfn = new CloudFormationClient(awsClientConfig(moto.endpoint));
    iam = new IAMClient(awsClientConfig(moto.endpoint));
  });
  afterAll(async () => {
    cfn?.destroy();
    iam?.destroy();
    await moto?.stop();
    if (outRoot) rmSync(outRoot, { recursive: true, force: true });
  });

  it('finds the templates', () => {
    expect(FILES.map((f) => f.name)).toContain('examples/tapir');
  });

  /** A fresh moto holding only the macro stack (the resolver and its export). */
  async function freshMotoWithResolver(): Promise<string> {
    await moto.reset();
    const s3 = new S3Client({ ...awsClientConfig(moto.endpoint), forcePathStyle: true });
    try {
      const Bucket = `${CODE_BUCKET_PREFIX}-${REGION}`;
      await s3.send(new CreateBucketCommand({ Bucket }));
      for (const { key, zip } of macroStack.zips) await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: zip }));
    } finally {
      s3.destroy();
    }
    const { exports } = await deployStack(moto.endpoint, 'formidable-serverless', macroStack.template, {
      CodeBucketPrefix: CODE_BUCKET_PREFIX,
    });
    return exports[RESOLVER_EXPORT];
  }

  /**
   * LambdaRoleName: the macro attaches its run-time policy to a role the service names (provider.iam.role),
   * which exists before the Access stack, as it would on AWS. Created here: every role a managed policy
   * names literally (its own role is a Ref).
   */
  async function createExternalRoles(template: Expanded): Promise<void> {
    const names = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) => (r.Properties!.Roles ?? []) as unknown[])
      .filter((role): role is string => typeof role === 'string');
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    for (const RoleName of new Set(names)) {
      await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    }
  }

  it.each(FILES.map((f) => f.name))('%s', async (name) => {
    const template = expanded.get(name)!;
    if (template instanceof Error) throw template;

    // 1. cfn-lint, from the shared run
    expect(errorsOf(findings[name])).toEqual([]);

    // 2. CREATE_COMPLETE on moto
    const resolverArn = await freshMotoWithResolver();
    await createExternalRoles(template);
    const stackName = `ex-${name.split('/')[1]}`;
    const result = await deployStack(moto.endpoint, stackName, template);
    expect(result.status).toBe('CREATE_COMPLETE');

    const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
    const physical = Object.fromEntries(
      StackResourceSummaries.map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!]),
    );
    const resources = Object.entries(template.Resources);
    // every resource exists (moto skips types it does not model, silently; moto_server_ext.py adds the ones used here)
    expect(
      resources.filter(([id, r]) => !(id in physical) && !r.Condition).map(([id, r]) => `${id} (${r.Type})`),
    ).toEqual([]);

    // 3. every custom resource was served by the resolver and answered a bucket ARN
    for (const [id, r] of resources.filter(([, r]) => r.Type === 'Custom::ServerlessDeploymentBucket')) {
      expect(r.Properties!.ServiceToken).toEqual({ 'Fn::ImportValue': RESOLVER_EXPORT });
      expect(physical[id]).toMatch(/-deployment-bucket$/);
      const output = Object.entries(result.outputs).find(
        ([k]) => k === `${id.replace(/DeploymentBucket$/, '')}DeploymentBucketArn`,
      );
      expect(output?.[1]).toMatch(/^arn:aws:s3:::[a-z0-9.*?-]+$/);
    }
    if (resources.some(([, r]) => r.Type === 'Custom::ServerlessDeploymentBucket'))
      expect(resolverArn).toMatch(/^arn:aws:lambda:/);

    // 4. the groups, each with exactly the managed policies the template attaches to it
    const groups = resources.filter(([, r]) => r.Type === 'AWS::IAM::Group');
    for (const [id, group] of groups) {
      const groupName = physical[id];
      expect(groupName).toBe(group.Properties!.GroupName ?? groupName);
      const { Group } = await iam.send(new GetGroupCommand({ GroupName: groupName }));
      expect(Group?.GroupName).toBe(groupName);
      const refs = (group.Properties!.ManagedPolicyArns ?? []) as unknown[];
      const fromPolicies = resources
        .filter(
          ([, r]) =>
            r.Type === 'AWS::IAM::ManagedPolicy' &&
            (r.Properties!.Groups ?? []).some((g: unknown) => JSON.stringify(g) === JSON.stringify({ Ref: id })),
        )
        .map(([pid]) => ({ Ref: pid }));
      const expected = [...refs, ...fromPolicies].map((ref) => {
        const logical = (ref as { Ref?: string }).Ref;
        return logical ? physical[logical] : (ref as string);
      });
      const { AttachedPolicies = [] } = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName }));
      expect(AttachedPolicies.map((p) => p.PolicyArn).sort()).toEqual([...new Set(expected)].sort());
      expect(expected.length).toBeGreaterThan(0);
    }

    // 5. outputs and exports
    const outputs = Object.entries(template.Outputs ?? {});
    expect(Object.keys(result.outputs).sort()).toEqual(outputs.map(([k]) => k).sort());
    const exported = outputs.filter(([, o]) => o.Export);
    expect(Object.keys(result.exports)).toHaveLength(exported.length);
    for (const [key, o] of exported) {
      const exportName = String(o.Export.Name['Fn::Sub'] ?? o.Export.Name).replace('${AWS::StackName}', stackName);
      expect(result.exports[exportName]).toBe(result.outputs[key]);
    }
    const { Exports = [] } = await cfn.send(new ListExportsCommand({}));
    expect(
      Exports.map((e) => e.Name)
        .filter((n) => n !== RESOLVER_EXPORT)
        .sort(),
    ).toEqual(Object.keys(result.exports).sort());
  });

  it('the SAM template: cfn-lint template.yaml reports nothing', () => {
    const run = spawnSync('cfn-lint', ['--format', 'json', '--include-checks', 'I', '--', 'template.yaml'], {
      cwd: REPO,
      env: process.env,
      encoding: 'utf8',
    });
    expect(run.error).toBeUndefined();
    expect(JSON.parse(run.stdout || '[]')).toEqual([]);
    expect(run.status).toBe(0);
  });
});
