import { parseCidr, subnetCidrs, vpc } from '../../../functions/submodules/vpc';
import { configFor, expandProperties, fillTokens, fragmentOf, optionsOf, parse } from './helpers';
import { entryProblems, escalationProblems } from '../../support/catalog-checker';

const MANAGE = ['ec2:AssignPrivateIpAddresses', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'];

const EXISTING = {
  Mode: 'existing',
  VpcId: 'vpc-0123456789abcdef0',
  SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
  SecurityGroupIds: ['sg-0123456789abcdef0'],
};

describe('Vpc: parse', () => {
  test('true creates a VPC with the defaults', () => {
    expect(optionsOf(vpc, true)).toEqual({
      mode: 'create',
      cidrBlock: '10.0.0.0/16',
      natGateways: 2,
      gatewayEndpoints: ['s3', 'dynamodb'],
    });
  });

  test('create with one NAT gateway, another CIDR and no endpoints', () => {
    expect(
      optionsOf(vpc, { Mode: 'create', NatGateways: 1, CidrBlock: '172.16.0.0/20', GatewayEndpoints: false }),
    ).toEqual({
      mode: 'create',
      cidrBlock: '172.16.0.0/20',
      natGateways: 1,
      gatewayEndpoints: [],
    });
    expect(optionsOf(vpc, { Mode: 'create', NatGateways: '2', GatewayEndpoints: ['S3'] })).toMatchObject({
      natGateways: 2,
      gatewayEndpoints: ['s3'],
    });
  });

  test('existing with the ids of serverless.yml', () => {
    expect(optionsOf(vpc, EXISTING)).toEqual({
      mode: 'existing',
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: EXISTING.SubnetIds,
      securityGroupIds: EXISTING.SecurityGroupIds,
    });
  });

  test.each([
    [
      'SubnetIds not a list',
      { ...EXISTING, SubnetIds: 'subnet-0123456789abcdef0' },
      ["Vpc.SubnetIds should be a list of subnet ids (provider.vpc.subnetIds), not 'subnet-0123456789abcdef0'."],
    ],
    [
      'a bad subnet id',
      { ...EXISTING, SubnetIds: ['subnet-0123456789abcdef0', 'sub-1'] },
      ["Vpc.SubnetIds[1] 'sub-1' should be a subnet id such as subnet-0123456789abcdef0."],
    ],
    [
      'no subnets',
      { ...EXISTING, SubnetIds: [] },
      ['Vpc.SubnetIds should hold at least 1 of the subnet ids (provider.vpc.subnetIds); it holds 0.'],
    ],
    [
      'six security groups',
      {
        ...EXISTING,
        SecurityGroupIds: ['sg-01234567', 'sg-11234567', 'sg-21234567', 'sg-31234567', 'sg-41234567', 'sg-51234567'],
      },
      ['Vpc.SecurityGroupIds holds 6 items; at most 5 are allowed.'],
    ],
    [
      'a repeated subnet',
      { ...EXISTING, SubnetIds: ['subnet-01234567', 'subnet-01234567'] },
      ["Vpc.SubnetIds[1] repeats 'subnet-01234567'; list each one once."],
    ],
    [
      'a bad VPC id',
      { ...EXISTING, VpcId: 'vpc-xyz' },
      ['Vpc.VpcId should be a VPC id such as vpc-0123456789abcdef0, not "vpc-xyz".'],
    ],
    [
      'existing without ids',
      { Mode: 'existing', VpcId: 'vpc-01234567' },
      [
        'Vpc.SubnetIds is required with Mode: existing (the subnets of provider.vpc in serverless.yml).',
        'Vpc.SecurityGroupIds is required with Mode: existing (the security groups of provider.vpc in serverless.yml).',
      ],
    ],
    [
      'ids without Mode',
      { VpcId: 'vpc-01234567' },
      [
        'Vpc.Mode is required with VpcId, SubnetIds or SecurityGroupIds: set Mode: existing (or Mode: create and drop them).',
      ],
    ],
    [
      'a create option with existing',
      { ...EXISTING, NatGateways: 1 },
      ['Vpc.NatGateways applies to Mode: create only; remove it or change Vpc.Mode.'],
    ],
    ['an unknown Mode', { Mode: 'shared' }, ["Vpc.Mode should be one of existing, create, not 'shared'."]],
    [
      'three NAT gateways',
      { Mode: 'create', NatGateways: 3 },
      ['Vpc.NatGateways should be a whole number from 1 to 2, not 3.'],
    ],
    [
      'a CIDR too small',
      { Mode: 'create', CidrBlock: '10.0.0.0/28' },
      [
        'Vpc.CidrBlock should be an IPv4 network from /16 to /26 such as 10.0.0.0/16 (host bits zero; it is split into four equal subnets), not "10.0.0.0/28".',
      ],
    ],
    [
      'host bits set',
      { Mode: 'create', CidrBlock: '10.0.0.1/16' },
      [
        'Vpc.CidrBlock should be an IPv4 network from /16 to /26 such as 10.0.0.0/16 (host bits zero; it is split into four equal subnets), not "10.0.0.1/16".',
      ],
    ],
    [
      'an unknown endpoint',
      { Mode: 'create', GatewayEndpoints: ['sqs'] },
      ["Vpc.GatewayEndpoints[0] 'sqs' should be S3 or DynamoDB."],
    ],
    [
      'an unknown option',
      { Mode: 'create', Nat: 1 },
      [
        'Vpc.Nat is not an option of Vpc; its options are Mode, VpcId, SubnetIds, SecurityGroupIds, NatGateways, CidrBlock, GatewayEndpoints.',
      ],
    ],
  ])('%s fails naming the path', (_name, value, errors) => {
    const r = parse(vpc, value);
    expect(r.options).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });
});

describe('Vpc: CIDR arithmetic', () => {
  test.each([
    ['10.0.0.0/16', ['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18', '10.0.192.0/18']],
    ['172.16.0.0/20', ['172.16.0.0/22', '172.16.4.0/22', '172.16.8.0/22', '172.16.12.0/22']],
    ['192.168.1.0/24', ['192.168.1.0/26', '192.168.1.64/26', '192.168.1.128/26', '192.168.1.192/26']],
  ])('%s splits into four subnets', (cidr, subnets) => {
    expect(subnetCidrs(cidr)).toEqual(subnets);
  });

  test.each(['10.0.0.0/15', '10.0.0.0/27', '256.0.0.0/16', '10.0.0.0', 'abc'])('%s is refused', (cidr) => {
    expect(parseCidr(cidr)).toBeUndefined();
  });
});

describe.each([
  ['existing', EXISTING],
  ['create', true],
])('Vpc: entries (%s)', (_mode, value) => {
  const config = configFor({ Vpc: value });
  const entries = vpc.entries(optionsOf(vpc, value), config);

  const lambdaActions = (list: typeof entries) =>
    [...new Set(list.filter((e) => e.roles.includes('lambda')).flatMap((e) => e.actions))].sort();
  const scoped = (e: (typeof entries)[number]) => /^vpc\.lambda-eni-(manage|listed|created)/.test(e.id);

  test('both modes grant the same actions; only the network differs (the listed ids, or the created VPC)', () => {
    const other = vpc.entries(optionsOf(vpc, value === true ? EXISTING : true), config);
    expect(lambdaActions(entries)).toEqual(lambdaActions(other));
    expect(entries.filter((e) => !scoped(e))).toEqual(other.filter((e) => !scoped(e)));
  });

  test("interfaces are placed, deleted or re-addressed only in the service's network, never any of the account", () => {
    const network = entries.filter(scoped);
    const managing = network.filter((e) => e.actions.includes('ec2:DeleteNetworkInterface'));
    expect(managing).toHaveLength(1);
    expect(managing[0].actions).toEqual(expect.arrayContaining(MANAGE));
    expect(managing[0].resources).toContain('arn:{Partition}:ec2:{Region}:{Account}:network-interface/*');
    if (value === true) {
      expect(network.map((e) => e.id)).toEqual(['vpc.lambda-eni-created-vpc']);
      expect(network[0].actions).toEqual([...MANAGE.slice(0, 1), 'ec2:CreateNetworkInterface', ...MANAGE.slice(1)]);
      expect(network[0].resources).toEqual([
        'arn:{Partition}:ec2:{Region}:{Account}:network-interface/*',
        'arn:{Partition}:ec2:{Region}:{Account}:subnet/*',
        'arn:{Partition}:ec2:{Region}:{Account}:security-group/*',
      ]);
      expect(network[0].condition).toEqual({
        ArnLike: { 'ec2:Vpc': 'arn:{Partition}:ec2:{Region}:{Account}:vpc/{CreatedVpcId}' },
      });
    } else {
      expect(network.map((e) => e.id)).toEqual(['vpc.lambda-eni-manage-listed', 'vpc.lambda-eni-listed-placement']);
      expect(managing[0].actions).toEqual(MANAGE);
      expect(managing[0].condition).toEqual({
        ArnLike: {
          'ec2:Vpc': 'arn:{Partition}:ec2:{Region}:{Account}:vpc/vpc-0123456789abcdef0',
          'ec2:Subnet': EXISTING.SubnetIds.map((s) => `arn:{Partition}:ec2:{Region}:{Account}:subnet/${s}`),
        },
      });
      expect(network[1].actions).toEqual(['ec2:CreateNetworkInterface']);
      expect(network[1].resources.every((r) => /:(subnet|security-group)\/(subnet|sg)-[0-9a-f]+$/.test(r))).toBe(true);
    }
    // Unconditioned on network-interface/*: only CreateNetworkInterface, whose new interface carries no ec2:Vpc
    // (the subnet and groups it goes into are authorized by the statements above).
    const open = entries.filter((e) => !e.condition && e.resources.some((r) => r.includes('network-interface')));
    expect(open.map((e) => [e.id, e.actions])).toEqual([['vpc.lambda-eni', ['ec2:CreateNetworkInterface']]]);
  });

  test('the execution role manages network interfaces; the groups look up and read the parameters', () => {
    expect(entries.map((e) => [e.id, e.roles])).toEqual([
      ['vpc.lambda-eni', ['lambda']],
      ...(value === true
        ? [['vpc.lambda-eni-created-vpc', ['lambda']]]
        : [
            ['vpc.lambda-eni-manage-listed', ['lambda']],
            ['vpc.lambda-eni-listed-placement', ['lambda']],
          ]),
      ['vpc.lambda-eni-describe', ['lambda']],
      ['vpc.describe', ['admin', 'developer', 'ci']],
      ['vpc.parameters-read', ['admin', 'developer', 'ci']],
    ]);
  });

  test.each(entries.map((e) => [e.id, e] as const))('%s holds to the catalog rules', async (_id, e) => {
    expect(await entryProblems(e, config)).toEqual([]);
  });

  test('no escalation path; the groups get read-only EC2 calls', () => {
    expect(escalationProblems(entries)).toEqual([]);
    const groups = entries.filter((e) => !e.roles.includes('lambda'));
    expect(groups.flatMap((e) => e.actions).every((a) => /^(ec2:Describe|ssm:GetParameter)/.test(a))).toBe(true);
  });

  test("the parameters are the service's and stage's", () => {
    expect(fillTokens(entries.find((e) => e.id === 'vpc.parameters-read')!.resources[0], config)).toBe(
      'arn:aws:ssm:us-east-1:123456789012:parameter/sls-tapir/dev/access/vpc/*',
    );
  });
});

describe('Vpc: resources', () => {
  test("Mode create: the execution role's interface management names the VPC the submodule creates (Ref)", async () => {
    const r = fragmentOf(await expandProperties({ Vpc: true })).Resources;
    expect(r.TapirAccessVpc.Type).toBe('AWS::EC2::VPC');
    const statements = Object.values(r)
      .filter((x) => x.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((x) => (x.Properties.PolicyDocument as { Statement: { Sid: string; Condition?: unknown }[] }).Statement);
    expect(statements.find((st) => st.Sid === 'VpcLambdaEniCreatedVpc')?.Condition).toEqual({
      ArnLike: {
        'ec2:Vpc': {
          'Fn::Sub': [
            'arn:*:ec2:us-east-1:123456789012:vpc/${CreatedVpcId}',
            { CreatedVpcId: { Ref: 'TapirAccessVpc' } },
          ],
        },
      },
    });
  });

  test('existing: three SSM parameters with the ids, no network resources', async () => {
    const t = fragmentOf(await expandProperties({ Vpc: EXISTING }));
    const created = Object.entries(t.Resources).filter(([id]) => id.startsWith('TapirAccessVpc'));
    expect(created.map(([id, r]) => [id, r.Type])).toEqual([
      ['TapirAccessVpcSubnetIdsParameter', 'AWS::SSM::Parameter'],
      ['TapirAccessVpcSecurityGroupIdsParameter', 'AWS::SSM::Parameter'],
      ['TapirAccessVpcIdParameter', 'AWS::SSM::Parameter'],
    ]);
    expect(t.Resources.TapirAccessVpcSubnetIdsParameter.Properties).toMatchObject({
      Name: '/sls-tapir/dev/access/vpc/subnet-ids',
      Type: 'StringList',
      Value: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
      Tags: { service: 'tapir', stage: 'dev' },
    });
    expect(t.Outputs?.TapirAccessVpcSecurityGroupIds.Value).toBe('sg-0123456789abcdef0');
  });

  test('create: two private and two public subnets in two zones, NAT per zone, egress-only group, endpoints', async () => {
    const t = fragmentOf(await expandProperties({ Vpc: true, Tags: { team: 'platform' } }));
    const r = t.Resources;
    const ofType = (type: string) => Object.keys(r).filter((id) => r[id].Type === type);
    expect(ofType('AWS::EC2::VPC')).toEqual(['TapirAccessVpc']);
    expect(ofType('AWS::EC2::Subnet')).toHaveLength(4);
    expect(ofType('AWS::EC2::NatGateway')).toEqual(['TapirAccessVpcNatGatewayA', 'TapirAccessVpcNatGatewayB']);
    expect(ofType('AWS::EC2::InternetGateway')).toHaveLength(1);
    expect(ofType('AWS::EC2::RouteTable')).toHaveLength(3);
    expect(ofType('AWS::EC2::VPCEndpoint').map((id) => r[id].Properties.VpcEndpointType)).toEqual([
      'Gateway',
      'Gateway',
    ]);
    expect(r.TapirAccessVpcPrivateSubnetA.Properties.AvailabilityZone).toEqual({
      'Fn::Select': [0, { 'Fn::GetAZs': '' }],
    });
    expect(r.TapirAccessVpcPrivateSubnetB.Properties.AvailabilityZone).toEqual({
      'Fn::Select': [1, { 'Fn::GetAZs': '' }],
    });
    expect(r.TapirAccessVpcPrivateRouteB.Properties.NatGatewayId).toEqual({ Ref: 'TapirAccessVpcNatGatewayB' });
    const sg = r.TapirAccessVpcSecurityGroup.Properties;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    expect(sg.SecurityGroupEgress).toEqual([
      { IpProtocol: '-1', CidrIp: '0.0.0.0/0', Description: 'All outbound traffic' },
    ]);
    expect(r.TapirAccessVpcPrivateSubnetA.Properties.Tags).toEqual([
      { Key: 'team', Value: 'platform' },
      { Key: 'service', Value: 'tapir' },
      { Key: 'stage', Value: 'dev' },
      { Key: 'Name', Value: 'sls-tapir-dev-private-a' },
    ]);
    for (const id of ofType('AWS::EC2::VPC').concat(
      ofType('AWS::EC2::Subnet'),
      ofType('AWS::EC2::NatGateway'),
      ofType('AWS::EC2::SecurityGroup'),
      ofType('AWS::EC2::EIP'),
    )) {
      expect((r[id].Properties.Tags as Array<{ Key: string }>).map((x) => x.Key)).toEqual(
        expect.arrayContaining(['team', 'service', 'stage']),
      );
    }
    expect(t.Outputs?.TapirAccessVpcSubnetIds.Value).toEqual({
      'Fn::Join': [',', [{ Ref: 'TapirAccessVpcPrivateSubnetA' }, { Ref: 'TapirAccessVpcPrivateSubnetB' }]],
    });
    expect(Object.keys(t.Outputs ?? {}).filter((k) => k.startsWith('TapirAccessVpc'))).toEqual([
      'TapirAccessVpcId',
      'TapirAccessVpcSubnetIds',
      'TapirAccessVpcSecurityGroupIds',
      'TapirAccessVpcPrivateSubnetAId',
      'TapirAccessVpcPrivateSubnetBId',
      'TapirAccessVpcSecurityGroupId',
    ]);
  });

  test('create with one NAT gateway: both private route tables use it', async () => {
    const r = fragmentOf(
      await expandProperties({ Vpc: { Mode: 'create', NatGateways: 1, GatewayEndpoints: [] } }),
    ).Resources;
    expect(Object.keys(r).filter((id) => r[id].Type === 'AWS::EC2::NatGateway')).toEqual(['TapirAccessVpcNatGatewayA']);
    expect(r.TapirAccessVpcPrivateRouteB.Properties.NatGatewayId).toEqual({ Ref: 'TapirAccessVpcNatGatewayA' });
    expect(Object.keys(r).filter((id) => r[id].Type === 'AWS::EC2::VPCEndpoint')).toEqual([]);
  });

  test('the public route and the EIPs wait for the gateway attachment', async () => {
    const r = fragmentOf(await expandProperties({ Vpc: true })).Resources;
    expect(r.TapirAccessVpcPublicRoute.DependsOn).toEqual(['TapirAccessVpcGatewayAttachment']);
    expect(r.TapirAccessVpcNatEipA.DependsOn).toEqual(['TapirAccessVpcGatewayAttachment']);
  });
});
