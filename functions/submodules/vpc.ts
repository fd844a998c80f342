/**
 * `Vpc: {Mode: existing, VpcId, SubnetIds, SecurityGroupIds}` or `Vpc: true | {Mode: create, NatGateways,
 * CidrBlock, GatewayEndpoints}`: functions in a VPC (`provider.vpc` / `functions.*.vpc` in serverless.yml).
 *
 * Both modes grant the same actions: the execution role manages the functions' network interfaces (the EC2 actions
 * of AWSLambdaVPCAccessExecutionRole, which Lambda calls with the execution role), and the groups get the EC2
 * look-ups Lambda needs from whoever configures a function's VpcConfig. Unlike the managed policy (Resource `*`),
 * interfaces may be created only in the service's subnets and security groups, and deleted or re-addressed only in
 * the service's network: the listed ids (Mode: existing: subnet and group ARNs, ec2:Subnet and ec2:Vpc), or the VPC
 * the submodule creates (Mode: create: ec2:Vpc, its Ref), by the keys EC2 documents for those actions. Interface ids
 * are random, so the resource stays network-interface/*; the condition keeps another VPC's interfaces out of reach.
 * Both publish the ids as SSM parameters (`${ssm:/<service>/<stage>/access/vpc/...}`) and as Outputs/Exports.
 *
 * `create` builds the network itself: two private and two public subnets across two
 * availability zones, an internet gateway, one NAT gateway per zone (or one, to save cost), route tables, a
 * security group that only allows egress, and free gateway endpoints for S3 and DynamoDB.
 */
import { GROUP_ROLES as ALL, SAR, type CatalogEntry } from '../catalog/types';
import type { AccessConfig } from '../core/config';
import {
  baseName,
  integer,
  isRecord,
  oneOf,
  optionsOf,
  parameterArn,
  ssmParameter,
  stringList,
  tagList,
  type Fail,
} from './common';
import type { CfnResource, ExpansionContext, Submodule, SubmoduleOutput } from './types';

export type VpcOptions =
  | {
      readonly mode: 'existing';
      readonly vpcId: string;
      readonly subnetIds: readonly string[];
      readonly securityGroupIds: readonly string[];
    }
  | {
      readonly mode: 'create';
      readonly cidrBlock: string;
      readonly natGateways: 1 | 2;
      readonly gatewayEndpoints: readonly ('s3' | 'dynamodb')[];
    };

const EXISTING_KEYS = ['VpcId', 'SubnetIds', 'SecurityGroupIds'];
const CREATE_KEYS = ['NatGateways', 'CidrBlock', 'GatewayEndpoints'];
const DEFAULT_CIDR = '10.0.0.0/16';
const ID = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);

const ec2 = `${SAR}list_amazonec2.html`;
const ssm = `${SAR}list_awssystemsmanager.html`;

/** An IPv4 CIDR of a VPC that splits into four subnets of at least /28: /16 to /26, host bits zero. */
export function parseCidr(value: unknown): { base: number; prefix: number } | undefined {
  const m = typeof value === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 26) return undefined;
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  if (base % 2 ** (32 - prefix) !== 0) return undefined;
  return { base, prefix };
}

/** The four equal subnets of a VPC CIDR: private A, private B, public A, public B. */
export function subnetCidrs(cidr: string): string[] {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`not a VPC CIDR: ${cidr}`);
  const size = 2 ** (32 - parsed.prefix - 2);
  const ip = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  return [0, 1, 2, 3].map((i) => `${ip(parsed.base + i * size)}/${parsed.prefix + 2}`);
}

export const vpc: Submodule<VpcOptions> = {
  property: 'Vpc',
  schema: {
    description:
      'provider.vpc: true or {Mode: create, ...} creates a VPC; {Mode: existing, VpcId, SubnetIds, SecurityGroupIds} uses yours.',
    oneOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          Mode: {
            enum: ['create', 'existing'],
            default: 'create',
            description: 'create a VPC, or name an existing one.',
          },
          VpcId: {
            type: 'string',
            pattern: '^vpc-([0-9a-f]{8}|[0-9a-f]{17})$',
            description: 'Mode existing: the VPC of provider.vpc.',
          },
          SubnetIds: {
            type: 'array',
            items: { type: 'string', pattern: '^subnet-([0-9a-f]{8}|[0-9a-f]{17})$' },
            maxItems: 16,
            description: 'Mode existing: provider.vpc.subnetIds.',
          },
          SecurityGroupIds: {
            type: 'array',
            items: { type: 'string', pattern: '^sg-([0-9a-f]{8}|[0-9a-f]{17})$' },
            maxItems: 5,
            description: 'Mode existing: provider.vpc.securityGroupIds.',
          },
          NatGateways: {
            type: 'integer',
            minimum: 1,
            maximum: 2,
            default: 2,
            description: 'Mode create: NAT gateways (one per zone, or one shared).',
          },
          CidrBlock: {
            type: 'string',
            default: '10.0.0.0/16',
            description: 'Mode create: an IPv4 network from /16 to /26, split into four subnets.',
          },
          GatewayEndpoints: {
            oneOf: [{ const: false }, { type: 'array', items: { enum: ['s3', 'S3', 'dynamodb', 'DynamoDB'] } }],
            description: 'Mode create: gateway endpoints (default S3 and DynamoDB), or false.',
          },
        },
      },
    ],
  },

  parse(value: unknown, fail: Fail): VpcOptions | undefined {
    const help =
      'true (create a VPC), {Mode: create, NatGateways, CidrBlock, GatewayEndpoints} or {Mode: existing, VpcId, SubnetIds, SecurityGroupIds}';
    const o = optionsOf(value, 'Vpc', ['Mode', ...EXISTING_KEYS, ...CREATE_KEYS], fail, help);
    if (!o) return undefined;
    let mode: 'existing' | 'create' | undefined;
    if (o.Mode === undefined) {
      if (isRecord(value) && EXISTING_KEYS.some((k) => k in o))
        return (
          fail(
            'Vpc.Mode',
            'is required with VpcId, SubnetIds or SecurityGroupIds: set Mode: existing (or Mode: create and drop them).',
          ),
          undefined
        );
      mode = 'create';
    } else mode = oneOf(o.Mode, 'Vpc.Mode', fail, ['existing', 'create'] as const);
    if (!mode) return undefined;

    const foreign = (mode === 'existing' ? CREATE_KEYS : EXISTING_KEYS).filter((k) => k in o);
    if (foreign.length) {
      foreign.forEach((k) =>
        fail(
          `Vpc.${k}`,
          `applies to Mode: ${mode === 'existing' ? 'create' : 'existing'} only; remove it or change Vpc.Mode.`,
        ),
      );
      return undefined;
    }

    if (mode === 'existing') {
      for (const k of EXISTING_KEYS)
        if (o[k] === undefined)
          fail(
            `Vpc.${k}`,
            `is required with Mode: existing (the ${k === 'VpcId' ? 'VPC' : k === 'SubnetIds' ? 'subnets' : 'security groups'} of provider.vpc in serverless.yml).`,
          );
      if (EXISTING_KEYS.some((k) => o[k] === undefined)) return undefined;
      const vpcId =
        typeof o.VpcId === 'string' && ID('vpc').test(o.VpcId)
          ? o.VpcId
          : (fail('Vpc.VpcId', `should be a VPC id such as vpc-0123456789abcdef0, not ${JSON.stringify(o.VpcId)}.`),
            undefined);
      const subnetIds = stringList(o.SubnetIds, 'Vpc.SubnetIds', fail, {
        pattern: ID('subnet'),
        what: 'a subnet id such as subnet-0123456789abcdef0',
        plural: 'subnet ids (provider.vpc.subnetIds)',
        max: 16,
      });
      const securityGroupIds = stringList(o.SecurityGroupIds, 'Vpc.SecurityGroupIds', fail, {
        pattern: ID('sg'),
        what: 'a security group id such as sg-0123456789abcdef0',
        plural: 'security group ids (provider.vpc.securityGroupIds)',
        max: 5,
      });
      if (!vpcId || !subnetIds || !securityGroupIds) return undefined;
      return { mode, vpcId, subnetIds, securityGroupIds };
    }

    const cidrBlock = o.CidrBlock === undefined ? DEFAULT_CIDR : o.CidrBlock;
    if (!parseCidr(cidrBlock)) {
      return (
        fail(
          'Vpc.CidrBlock',
          `should be an IPv4 network from /16 to /26 such as ${DEFAULT_CIDR} (host bits zero; it is split into four equal subnets), not ${JSON.stringify(cidrBlock)}.`,
        ),
        undefined
      );
    }
    const natGateways = o.NatGateways === undefined ? 2 : integer(o.NatGateways, 'Vpc.NatGateways', fail, 1, 2);
    if (natGateways === undefined) return undefined;
    let gatewayEndpoints: ('s3' | 'dynamodb')[] | undefined = ['s3', 'dynamodb'];
    if (o.GatewayEndpoints === false || o.GatewayEndpoints === 'false') gatewayEndpoints = [];
    else if (o.GatewayEndpoints !== undefined) {
      const list = stringList(o.GatewayEndpoints, 'Vpc.GatewayEndpoints', fail, {
        pattern: /^(s3|S3|dynamodb|DynamoDB)$/,
        what: 'S3 or DynamoDB',
        plural: 'gateway endpoint services (S3, DynamoDB)',
        min: 0,
      });
      gatewayEndpoints = list?.map((s) => s.toLowerCase() as 's3' | 'dynamodb');
    }
    if (!gatewayEndpoints) return undefined;
    return { mode, cidrBlock: cidrBlock as string, natGateways: natGateways as 1 | 2, gatewayEndpoints };
  },

  entries(options: VpcOptions, config: AccessConfig): CatalogEntry[] {
    const networkInterfaces = 'arn:{Partition}:ec2:{Region}:{Account}:network-interface/*';
    const ec2Arn = (type: string, id: string) => `arn:{Partition}:ec2:{Region}:{Account}:${type}/${id}`;
    // ec2:Vpc and ec2:Subnet are ARN keys of the network-interface resource of DeleteNetworkInterface,
    // AssignPrivateIpAddresses and UnassignPrivateIpAddresses; ec2:Vpc is one of the subnet and security-group
    // resources of CreateNetworkInterface (Service Authorization Reference, Amazon EC2).
    const manage = ['ec2:AssignPrivateIpAddresses', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'];
    const network: CatalogEntry[] =
      options.mode === 'existing'
        ? [
            {
              id: 'vpc.lambda-eni-manage-listed',
              roles: ['lambda'],
              source: ec2,
              actions: manage,
              resources: [networkInterfaces],
              condition: {
                ArnLike: {
                  'ec2:Vpc': ec2Arn('vpc', options.vpcId),
                  'ec2:Subnet': options.subnetIds.map((s) => ec2Arn('subnet', s)),
                },
              },
              reason:
                "Lambda re-addresses and removes the functions' interfaces: only those in the subnets and VPC listed in Vpc.",
            },
            {
              id: 'vpc.lambda-eni-listed-placement',
              roles: ['lambda'],
              source: ec2,
              actions: ['ec2:CreateNetworkInterface'],
              resources: [
                ...options.subnetIds.map((s) => ec2Arn('subnet', s)),
                ...options.securityGroupIds.map((g) => ec2Arn('security-group', g)),
              ],
              reason: 'Interfaces go only into the subnets and security groups of provider.vpc listed in Vpc.',
            },
          ]
        : [
            {
              // One statement: IAM authorizes each action only on its own resource types, and all of them carry
              // ec2:Vpc (CreateNetworkInterface's new interface does not: vpc.lambda-eni allows that one).
              id: 'vpc.lambda-eni-created-vpc',
              roles: ['lambda'],
              source: ec2,
              actions: [...manage, 'ec2:CreateNetworkInterface'].sort(),
              resources: [networkInterfaces, ec2Arn('subnet', '*'), ec2Arn('security-group', '*')],
              condition: { ArnLike: { 'ec2:Vpc': ec2Arn('vpc', '{CreatedVpcId}') } },
              reason:
                "Lambda places, re-addresses and removes the functions' interfaces only in the VPC created for this stage.",
            },
          ];
    return [
      {
        id: 'vpc.lambda-eni',
        roles: ['lambda'],
        source: ec2,
        actions: ['ec2:CreateNetworkInterface'],
        resources: [networkInterfaces],
        reason:
          "Lambda creates the functions' network interfaces with the execution role (random ids; placement limits where).",
      },
      ...network,
      {
        id: 'vpc.lambda-eni-describe',
        roles: ['lambda'],
        source: ec2,
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
        resources: ['*'],
        reason: 'Lambda looks up the interfaces and subnets it manages; the actions accept no resource ARN.',
      },
      {
        id: 'vpc.describe',
        roles: ALL,
        source: ec2,
        // The subnet, group and VPC describes Lambda needs for a VpcConfig are the core's (lambda.vpc-config-check).
        actions: ['ec2:DescribeNetworkInterfaces'],
        resources: ['*'],
        reason:
          "Removing a function with vpc: waits for its network interfaces (CloudFormation's delete); the action accepts no resource ARN.",
      },
      {
        id: 'vpc.parameters-read',
        roles: ALL,
        source: ssm,
        actions: ['ssm:GetParameter', 'ssm:GetParameters'],
        resources: [parameterArn(config, 'vpc/*')],
        reason:
          'serverless.yml resolves ${ssm:/<service>/<stage>/access/vpc/...} to the subnet and security group ids.',
      },
    ];
  },

  resources(options: VpcOptions, ctx: ExpansionContext): Record<string, CfnResource> {
    const out: Record<string, CfnResource> = {};
    const id = ctx.logicalId;
    const ref = (suffix: string) => ({ Ref: `${id}${suffix}` });
    const values = idValues(options, id);
    out.VpcSubnetIdsParameter = ssmParameter(
      ctx,
      'vpc/subnet-ids',
      'StringList',
      values.subnetIds,
      'Private subnets for provider.vpc.subnetIds',
    );
    out.VpcSecurityGroupIdsParameter = ssmParameter(
      ctx,
      'vpc/security-group-ids',
      'StringList',
      values.securityGroupIds,
      'Security groups for provider.vpc.securityGroupIds',
    );
    out.VpcIdParameter = ssmParameter(ctx, 'vpc/id', 'String', values.vpcId, 'The VPC of the service');
    if (options.mode === 'existing') return out;

    const name = baseName(ctx.config);
    const [privateA, privateB, publicA, publicB] = subnetCidrs(options.cidrBlock);
    const az = (i: number) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] });
    out.Vpc = {
      Type: 'AWS::EC2::VPC',
      Properties: {
        CidrBlock: options.cidrBlock,
        EnableDnsHostnames: true,
        EnableDnsSupport: true,
        Tags: tagList(ctx, name),
      },
    };
    out.VpcInternetGateway = { Type: 'AWS::EC2::InternetGateway', Properties: { Tags: tagList(ctx, name) } };
    out.VpcGatewayAttachment = {
      Type: 'AWS::EC2::VPCGatewayAttachment',
      Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('VpcInternetGateway') },
    };
    const subnet = (cidr: string, i: number, kind: 'private' | 'public'): CfnResource => ({
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: ref('Vpc'),
        CidrBlock: cidr,
        AvailabilityZone: az(i),
        MapPublicIpOnLaunch: false,
        Tags: tagList(ctx, `${name}-${kind}-${'ab'[i]}`),
      },
    });
    out.VpcPrivateSubnetA = subnet(privateA, 0, 'private');
    out.VpcPrivateSubnetB = subnet(privateB, 1, 'private');
    out.VpcPublicSubnetA = subnet(publicA, 0, 'public');
    out.VpcPublicSubnetB = subnet(publicB, 1, 'public');

    out.VpcPublicRouteTable = {
      Type: 'AWS::EC2::RouteTable',
      Properties: { VpcId: ref('Vpc'), Tags: tagList(ctx, `${name}-public`) },
    };
    out.VpcPublicRoute = {
      Type: 'AWS::EC2::Route',
      DependsOn: [`${id}VpcGatewayAttachment`],
      Properties: {
        RouteTableId: ref('VpcPublicRouteTable'),
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: ref('VpcInternetGateway'),
      },
    };
    for (const zone of ['A', 'B']) {
      out[`VpcPublicSubnet${zone}RouteTableAssociation`] = {
        Type: 'AWS::EC2::SubnetRouteTableAssociation',
        Properties: { SubnetId: ref(`VpcPublicSubnet${zone}`), RouteTableId: ref('VpcPublicRouteTable') },
      };
    }
    const natZones = options.natGateways === 2 ? ['A', 'B'] : ['A'];
    for (const zone of natZones) {
      out[`VpcNatEip${zone}`] = {
        Type: 'AWS::EC2::EIP',
        DependsOn: [`${id}VpcGatewayAttachment`],
        Properties: { Domain: 'vpc', Tags: tagList(ctx, `${name}-nat-${zone.toLowerCase()}`) },
      };
      out[`VpcNatGateway${zone}`] = {
        Type: 'AWS::EC2::NatGateway',
        Properties: {
          AllocationId: { 'Fn::GetAtt': [`${id}VpcNatEip${zone}`, 'AllocationId'] },
          SubnetId: ref(`VpcPublicSubnet${zone}`),
          Tags: tagList(ctx, `${name}-nat-${zone.toLowerCase()}`),
        },
      };
    }
    for (const zone of ['A', 'B']) {
      // With one NAT gateway both zones route through it: cheaper, but zone B loses egress when zone A fails.
      const nat = natZones.includes(zone) ? zone : 'A';
      out[`VpcPrivateRouteTable${zone}`] = {
        Type: 'AWS::EC2::RouteTable',
        Properties: { VpcId: ref('Vpc'), Tags: tagList(ctx, `${name}-private-${zone.toLowerCase()}`) },
      };
      out[`VpcPrivateRoute${zone}`] = {
        Type: 'AWS::EC2::Route',
        Properties: {
          RouteTableId: ref(`VpcPrivateRouteTable${zone}`),
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: ref(`VpcNatGateway${nat}`),
        },
      };
      out[`VpcPrivateSubnet${zone}RouteTableAssociation`] = {
        Type: 'AWS::EC2::SubnetRouteTableAssociation',
        Properties: { SubnetId: ref(`VpcPrivateSubnet${zone}`), RouteTableId: ref(`VpcPrivateRouteTable${zone}`) },
      };
    }
    out.VpcSecurityGroup = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: `Functions of ${ctx.config.slsServiceName} ${ctx.config.stage}: egress only`,
        VpcId: ref('Vpc'),
        SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0', Description: 'All outbound traffic' }],
        Tags: tagList(ctx, `${name}-functions`),
      },
    };
    for (const service of options.gatewayEndpoints) {
      out[`Vpc${service === 's3' ? 'S3' : 'DynamoDb'}Endpoint`] = {
        Type: 'AWS::EC2::VPCEndpoint',
        Properties: {
          VpcId: ref('Vpc'),
          VpcEndpointType: 'Gateway',
          ServiceName: { 'Fn::Sub': `com.amazonaws.\${AWS::Region}.${service}` },
          RouteTableIds: [ref('VpcPrivateRouteTableA'), ref('VpcPrivateRouteTableB')],
          Tags: tagList(ctx, `${name}-${service}`),
        },
      };
    }
    return out;
  },

  outputs(options: VpcOptions, ctx: ExpansionContext): Record<string, SubmoduleOutput> {
    const v = idValues(options, ctx.logicalId);
    const out: Record<string, SubmoduleOutput> = {
      VpcId: { value: v.vpcId, description: 'VPC of the service' },
      VpcSubnetIds: { value: v.subnetIds, description: 'provider.vpc.subnetIds, comma-separated (Fn::Split)' },
      VpcSecurityGroupIds: {
        value: v.securityGroupIds,
        description: 'provider.vpc.securityGroupIds, comma-separated (Fn::Split)',
      },
    };
    if (options.mode === 'create') {
      out.VpcPrivateSubnetAId = {
        value: { Ref: `${ctx.logicalId}VpcPrivateSubnetA` },
        description: 'Private subnet in the first availability zone',
      };
      out.VpcPrivateSubnetBId = {
        value: { Ref: `${ctx.logicalId}VpcPrivateSubnetB` },
        description: 'Private subnet in the second availability zone',
      };
      out.VpcSecurityGroupId = {
        value: { Ref: `${ctx.logicalId}VpcSecurityGroup` },
        description: 'Egress-only security group of the functions',
      };
    }
    return out;
  },
};

/** The VPC, subnet and security-group ids (comma-joined lists) as literals or references. */
function idValues(options: VpcOptions, id: string): { vpcId: unknown; subnetIds: unknown; securityGroupIds: unknown } {
  if (options.mode === 'existing') {
    return {
      vpcId: options.vpcId,
      subnetIds: options.subnetIds.join(','),
      securityGroupIds: options.securityGroupIds.join(','),
    };
  }
  return {
    vpcId: { Ref: `${id}Vpc` },
    subnetIds: { 'Fn::Join': [',', [{ Ref: `${id}VpcPrivateSubnetA` }, { Ref: `${id}VpcPrivateSubnetB` }]] },
    securityGroupIds: { Ref: `${id}VpcSecurityGroup` },
  };
}
