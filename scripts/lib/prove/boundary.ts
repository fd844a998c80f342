/**
 * The permissions boundary in `npm run prove` (issue 11): each service is wired as the README says for the macro's
 * boundary (PermissionsBoundary omitted), and after every deploy every IAM role of the framework stack is read back
 * from moto and must carry the boundary. A service that names its own boundary (provider.iam.role.permissionsBoundary)
 * or runs as an existing role (provider.iam.role: <ARN>) is left as it is.
 *
 * The README's lines, written into the copy of serverless.yml:
 *   provider.iam.role.permissionsBoundary: arn:aws:iam::<account>:policy/cf-${self:service}-${sls:stage}-boundary
 *   custom.serverless-iam-roles-per-function.iamGlobalPermissionsBoundary: (the same, when the plugin is used)
 *   resources.extensions.IamRoleCustomResourcesLambdaExecution.Properties.PermissionsBoundary: (the same, when the
 *   framework generates that role: the extension fails on a template without it)
 */
import { readFileSync, writeFileSync } from 'fs';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { cfnClient } from './runner';
import type { CfnTemplate, ServiceFacts } from './types';

const CUSTOM_RESOURCE_ROLE = 'IamRoleCustomResourcesLambdaExecution';

/** The boundary ARN the README's lines name, with the framework's own variables (resolved per service and stage). */
export function wiredBoundary(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:policy/cf-\${self:service}-\${sls:stage}-boundary`;
}

/** The macro's boundary of one service and stage (ResourcePrefix cf-<service>, as the proof's Access resources). */
export function macroBoundaryOf(service: string, stage: string, account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:policy/cf-${service}-${stage}-boundary`;
}

function load(file: string): Document {
  return parseDocument(readFileSync(file, 'utf8'), { keepSourceTokens: false });
}

/** Whether the service brings its own boundary or role (then the proof leaves it alone). */
function ownBoundaryOrRole(doc: Document): boolean {
  const role = doc.getIn(['provider', 'iam', 'role']);
  if (isScalar(role) || typeof role === 'string') return true;
  if (doc.getIn(['provider', 'iam', 'role', 'permissionsBoundary']) !== undefined) return true;
  return doc.getIn(['provider', 'rolePermissionsBoundary']) !== undefined;
}

/** Write the README's boundary lines into serverless.yml; false when the service brings its own boundary or role. */
export function wireBoundary(file: string, account: string): boolean {
  const doc = load(file);
  if (ownBoundaryOrRole(doc)) return false;
  const arn = wiredBoundary(account);
  doc.setIn(['provider', 'iam', 'role', 'permissionsBoundary'], arn);
  const plugins = doc.get('plugins');
  const list = isSeq(plugins) ? plugins.items.map((i) => String(isScalar(i) ? i.value : i)) : isMap(plugins) ? [] : [];
  if (list.includes('serverless-iam-roles-per-function')) {
    doc.setIn(['custom', 'serverless-iam-roles-per-function', 'iamGlobalPermissionsBoundary'], arn);
  }
  writeFileSync(file, doc.toString());
  return true;
}

/**
 * After `package`: when the framework generated its custom-resource role without a boundary, add the extension
 * line and return true (the caller packages again).
 */
export function wireCustomResourceRole(file: string, compiled: CfnTemplate | undefined, account: string): boolean {
  const role = compiled?.Resources?.[CUSTOM_RESOURCE_ROLE] as { Properties?: Record<string, unknown> } | undefined;
  if (!role || role.Properties?.PermissionsBoundary !== undefined) return false;
  const doc = load(file);
  if (ownBoundaryOrRole(doc) && doc.getIn(['provider', 'iam', 'role', 'permissionsBoundary']) === undefined)
    return false;
  const arn = doc.getIn(['provider', 'iam', 'role', 'permissionsBoundary']) ?? wiredBoundary(account);
  doc.setIn(['resources', 'extensions', CUSTOM_RESOURCE_ROLE, 'Properties', 'PermissionsBoundary'], arn);
  writeFileSync(file, doc.toString());
  return true;
}

/**
 * Every AWS::IAM::Role of the framework stack, read from moto (ListStackResources, GetRole): the ones that do not
 * carry `expected` as their permissions boundary, as readable problems (empty: all bounded).
 */
export async function unboundedRoles(endpoint: string, facts: ServiceFacts, expected: string): Promise<string[]> {
  const cfn = cfnClient(endpoint, facts.region);
  const iam = new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'dummy' },
  });
  try {
    const roles: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const page = await cfn.send(new ListStackResourcesCommand({ StackName: facts.stackName, NextToken: token }));
      roles.push(
        ...(page.StackResourceSummaries ?? []).filter(
          (r) => r.ResourceType === 'AWS::IAM::Role' && r.PhysicalResourceId,
        ),
      );
      token = page.NextToken;
    } while (token);
    const problems: string[] = [];
    for (const r of roles) {
      const role = (await iam.send(new GetRoleCommand({ RoleName: r.PhysicalResourceId }))).Role;
      const actual = role?.PermissionsBoundary?.PermissionsBoundaryArn;
      if (actual !== expected)
        problems.push(
          `role ${r.LogicalResourceId} (${r.PhysicalResourceId}) carries ${actual ? `boundary ${actual}` : 'no boundary'}, not ${expected}`,
        );
    }
    return problems;
  } finally {
    cfn.destroy();
    iam.destroy();
  }
}
