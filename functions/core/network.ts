/**
 * The network the service's functions may be placed in: the subnets and security groups of VpcSubnetIds and
 * VpcSecurityGroupIds (read off provider.vpc and functions.<fn>.vpc), joined with those of the Vpc submodule
 * (Mode: existing: its SubnetIds and SecurityGroupIds; Mode: create: the private subnets and the security group it
 * creates, as references), so a service using the submodule repeats no id.
 *
 * Lambda puts these in the request context of CreateFunction and UpdateFunctionConfiguration (lambda:SubnetIds,
 * lambda:SecurityGroupIds, and lambda:VpcIds, which Lambda derives from them, so pinning the subnets and groups pins
 * the VPC: a subnet and a security group each belong to one VPC; Service Authorization Reference,
 * AWS Lambda; "Using IAM condition keys for VPC settings", Lambda developer guide). The catalog pins those keys to
 * this network (functions/catalog/lambda.ts), and the boundary pins the interfaces the roles create to its subnets
 * and security groups (core/boundary.ts). An empty network means no function of the service joins a VPC.
 *
 * Values are literal ids, or `{Token}` patterns of the created network filled by naming.ts arnTokens.
 */
import { isSubmoduleOn, parseStringList, type AccessConfig } from './config';

export interface Network {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** Tokens of the network the Vpc submodule creates (Mode: create), as naming.ts fills them. */
export const CREATED_NETWORK = {
  subnetIds: ['{VpcCreatedSubnetA}', '{VpcCreatedSubnetB}'],
  securityGroupIds: ['{VpcCreatedSecurityGroup}'],
} as const;

const ignore = () => undefined;

/** The Vpc submodule's network from its (resolved, already validated) property value. */
function submoduleNetwork(value: unknown): Network {
  if (!isSubmoduleOn(value)) return { subnetIds: [], securityGroupIds: [] };
  const o = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  if (o.Mode !== 'existing') return CREATED_NETWORK;
  return {
    subnetIds: parseStringList('Vpc.SubnetIds', o.SubnetIds, ignore),
    securityGroupIds: parseStringList('Vpc.SecurityGroupIds', o.SecurityGroupIds, ignore),
  };
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/** The service's network: VpcSubnetIds/VpcSecurityGroupIds and the Vpc submodule's. */
export function networkOf(
  c: Pick<AccessConfig, 'vpcSubnetIds' | 'vpcSecurityGroupIds' | 'submoduleProperties'>,
): Network {
  const sub = submoduleNetwork(c.submoduleProperties.Vpc);
  return {
    subnetIds: union(c.vpcSubnetIds, sub.subnetIds),
    securityGroupIds: union(c.vpcSecurityGroupIds, sub.securityGroupIds),
  };
}

/** Whether any function of the service may join a VPC. */
export function hasNetwork(c: Parameters<typeof networkOf>[0]): boolean {
  return networkOf(c).subnetIds.length > 0;
}
