/**
 * DeploymentRoles in `npm run prove -- --deployment-roles` (issue 11): every service is wired with
 * `provider.iam.deploymentRole` (the README's line), so the framework sends RoleARN with every stack call; the Access
 * resources carry `DeploymentRoles: true` instead of `DeploymentRoleArn`. Each group is then judged as if its own
 * serverless.yml named its own role: the recorded CLI calls with the admin role rewritten to the group's role
 * (cloudformation:RoleArn, iam:PassRole), and CloudFormation's resource-handler calls (cfn-on-behalf.json) evaluated
 * against the group's ROLE, as the role's own session (no aws:CalledVia), not against the group.
 */
import { readFileSync, writeFileSync } from 'fs';
import { parseDocument } from 'yaml';
import { GROUP_DEPLOYMENT_ROLE, type DeploymentRoleKind } from '../../../functions/core/deployment-role';
import type { GroupRole } from '../../../functions/catalog/types';
import { deploymentRoleName, logicalIds } from '../../../functions/core/naming';
import { ACCESS_LOGICAL_ID, Resolver, type ProofPolicies } from './policies';
import type { PolicyDoc } from './simulate';
import type { IamRequest } from './types';

/** The deployment role of one service and stage (ResourcePrefix cf-<service>, as the proof's Access resources). */
export function deploymentRoleArnOf(
  service: string,
  stage: string,
  kind: DeploymentRoleKind,
  account: string,
  partition = 'aws',
): string {
  return `arn:${partition}:iam::${account}:role/${deploymentRoleName({ resourcePrefix: `cf-${service}`, stage }, kind)}`;
}

/**
 * Write provider.iam.deploymentRole (admin's role: the proof runs the whole lifecycle, first deploy and remove included,
 * in one folder) into serverless.yml, replacing the service's own; returns the ARN.
 */
export function wireDeploymentRole(file: string, service: string, stage: string, account: string): string {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const arn = deploymentRoleArnOf(service, stage, 'admin', account);
  doc.deleteIn(['provider', 'cfnRole']);
  doc.setIn(['provider', 'iam', 'deploymentRole'], arn);
  writeFileSync(file, doc.toString());
  return arn;
}

/** Each deployment role's managed policies in an expansion, resolved as CloudFormation would. */
export function rolePolicies(p: ProofPolicies, observedBucketName?: string): Record<DeploymentRoleKind, PolicyDoc[]> {
  const resources = p.fragment.Resources as Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  const resolver = new Resolver(resources, observedBucketName, p.accessStackName);
  const out = {} as Record<DeploymentRoleKind, PolicyDoc[]>;
  for (const kind of ['admin', 'update'] as const) {
    const ref = logicalIds.deploymentRole(ACCESS_LOGICAL_ID, kind);
    if (resources[ref]?.Type !== 'AWS::IAM::Role') throw new Error(`no ${ref} role in the expansion`);
    out[kind] = Object.entries(resources)
      .filter(
        ([, r]) =>
          r.Type === 'AWS::IAM::ManagedPolicy' &&
          JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: ref }]),
      )
      .map(([id, r]) => ({ name: id, document: resolver.resolve(r.Properties?.PolicyDocument, id) }));
    if (!out[kind].length) throw new Error(`the ${kind} deployment role has no policy`);
  }
  return out;
}

const CALLED_VIA = ['aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast'];

/** A resource-handler request as CloudFormation makes it with a service role: the role's own session. */
export function asServiceRole(r: IamRequest, roleArn: string): IamRequest {
  const context: Record<string, string | string[]> = { ...r.context, 'aws:ViaAWSService': 'false' };
  for (const k of CALLED_VIA) delete context[k];
  context['aws:PrincipalArn'] = roleArn;
  return { ...r, context };
}

/** A recorded CLI request as the group makes it: its own role where the run passed admin's. */
export function withGroupRole(r: IamRequest, adminRole: string, ownRole: string): IamRequest {
  if (adminRole === ownRole) return r;
  const context: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.context))
    context[k] = Array.isArray(v) ? v.map((x) => (x === adminRole ? ownRole : x)) : v === adminRole ? ownRole : v;
  return { ...r, resource: r.resource === adminRole ? ownRole : r.resource, context };
}

/** What one group's requests are judged with, in this mode. */
export interface GroupRoleView {
  readonly roleArn: string;
  readonly adminRoleArn: string;
  readonly rolePolicies: readonly PolicyDoc[];
}

export function viewOf(
  group: GroupRole,
  service: string,
  stage: string,
  account: string,
  policies: Record<DeploymentRoleKind, PolicyDoc[]>,
): GroupRoleView {
  const kind = GROUP_DEPLOYMENT_ROLE[group];
  return {
    roleArn: deploymentRoleArnOf(service, stage, kind, account),
    adminRoleArn: deploymentRoleArnOf(service, stage, 'admin', account),
    rolePolicies: policies[kind],
  };
}
