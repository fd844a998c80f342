/**
 * Malformed Access resources, one named case each (cfn-lint's table style): every case must fail through the
 * macro contract (status 'failure', no fragment) with a message that names the logical id, the property
 * path at fault and the fix. The handler never throws, whatever the event.
 */
import { handler, type MacroEvent, type MacroResponse } from '../../functions/handlers/macro';

const ACCESS = 'Formidable::Serverless::Access';
type Template = Record<string, unknown>;

function access(properties: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) {
  return { Type: ACCESS, ...(properties === undefined ? {} : { Properties: properties }), ...extra };
}
/** A template with one Access resource `AppAccess` (plus any other resources and sections given). */
function withApp(properties: Record<string, unknown> | undefined, rest: Template = {}): Template {
  const { Resources, ...sections } = rest as { Resources?: Record<string, unknown> };
  return { Resources: { AppAccess: access(properties), ...(Resources ?? {}) }, ...sections };
}

async function run(fragment: unknown, templateParameterValues: Record<string, unknown> = {}): Promise<MacroResponse> {
  return handler({
    region: 'us-east-1',
    accountId: '123456789012',
    fragment,
    transformId: '123456789012::FormidableServerless',
    params: {},
    requestId: 'bad-input',
    templateParameterValues,
  });
}

beforeAll(() => {
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

const x = (n: number) => 'x'.repeat(n);

interface Case {
  readonly name: string;
  readonly template: Template;
  readonly parameters?: Record<string, unknown>;
  /** The logical id the message must name, as `[Id]`. */
  readonly id: string;
  /** The property path (or, for template-level clashes, the logical id or output) the message must name. */
  readonly path: string;
  /** Words that tell the user what to do. */
  readonly fix: RegExp;
}

const SSO_DEV = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_TapirDeveloper_*';
function rolesCases(): Case[] {
  const roles = (r: unknown, extra: Record<string, unknown> = {}) =>
    withApp({ ServiceName: 'tapir', Roles: r, ...extra });
  const gh = (g: Record<string, unknown>) => roles({ Ci: { GitHub: g } });
  const principal = (p: string, extra: Record<string, unknown> = {}) =>
    roles({ Developer: { Principals: [p], ...extra } });
  const row = (name: string, template: Template, path: string, fix: RegExp): Case => ({
    name: `Roles: ${name}`,
    template,
    id: 'AppAccess',
    path: `Property '${path}'`,
    fix,
  });
  return [
    row('not a map', roles(['Admin']), 'Roles', /should be a map with Admin, Developer and\/or Ci/),
    row('empty', roles({}), 'Roles', /is empty; list Admin, Developer and\/or Ci, or remove Roles/),
    row(
      'an unknown access level',
      roles({ Developers: { Principals: [SSO_DEV] } }),
      'Roles.Developers',
      /is not known; did you mean 'Developer'\?/,
    ),
    row(
      'a role nobody may assume',
      roles({ Ci: {} }),
      'Roles.Ci',
      /names nobody who may assume the role; add Principals .*GitHub or GitLab/,
    ),
    row(
      'an unknown key in a role',
      roles({ Ci: { Github: { Repository: 'acme/tapir', Branches: ['main'] } } }),
      'Roles.Ci.Github',
      /did you mean 'GitHub'\?/,
    ),
    row(
      'Repository without an owner',
      gh({ Repository: 'tapir', Branches: ['main'] }),
      'Roles.Ci.GitHub.Repository',
      /should be <owner>\/<name> with its owner .* a name alone would match any owner's repository/,
    ),
    row(
      'Repository with a wildcard owner',
      gh({ Repository: '*/tapir', Branches: ['main'] }),
      'Roles.Ci.GitHub.Repository',
      /holds a wildcard; name exactly one repository/,
    ),
    row(
      'Repository with a wildcard name',
      gh({ Repository: 'acme/tapir*', Branches: ['main'] }),
      'Roles.Ci.GitHub.Repository',
      /holds a wildcard; name exactly one repository/,
    ),
    row(
      'Repository missing',
      gh({ Branches: ['main'] }),
      'Roles.Ci.GitHub.Repository',
      /is required: the repository as <owner>\/<name>/,
    ),
    row(
      'Repository with an invalid owner',
      gh({ Repository: '-acme/tapir', Branches: ['main'] }),
      'Roles.Ci.GitHub.Repository',
      /is not a GitHub user or organization name/,
    ),
    row(
      'GitHub without branches or environments',
      gh({ Repository: 'acme/tapir' }),
      'Roles.Ci.GitHub',
      /trusts no workflow yet; list Branches .* and\/or Environments/,
    ),
    row(
      'GitHub with empty lists',
      gh({ Repository: 'acme/tapir', Branches: [], Environments: '' }),
      'Roles.Ci.GitHub',
      /lists no branch and no environment/,
    ),
    row(
      'GitLab with no branch',
      roles({ Ci: { GitLab: { Project: 'acme/tapir', Branches: [] } } }),
      'Roles.Ci.GitLab.Branches',
      /is required: list the branches/,
    ),
    row(
      'Principals not a list',
      roles({ Developer: { Principals: { Arn: SSO_DEV } } }),
      'Roles.Developer.Principals',
      /should be a list of strings \(a YAML list or a comma-separated string\)/,
    ),
    row(
      'a Principals item not a string',
      roles({ Developer: { Principals: [SSO_DEV, 7] } }),
      'Roles.Developer.Principals[1]',
      /should be a non-empty string, not 7/,
    ),
    row(
      'empty Principals',
      roles({ Developer: { Principals: [] } }),
      'Roles.Developer.Principals',
      /is empty; list the IAM Identity Center roles/,
    ),
    row(
      'a branch that is only a wildcard',
      gh({ Repository: 'acme/tapir', Branches: ['*'] }),
      'Roles.Ci.GitHub.Branches[0]',
      /would trust every branch.*list the deployable branches/,
    ),
    row(
      'a branch written as a ref',
      gh({ Repository: 'acme/tapir', Branches: ['refs/heads/main'] }),
      'Roles.Ci.GitHub.Branches[0]',
      /should be the bare branch name \(write 'main'\)/,
    ),
    row(
      'a tag ref as a branch',
      gh({ Repository: 'acme/tapir', Branches: ['refs/tags/v1'] }),
      'Roles.Ci.GitHub.Branches[0]',
      /tag refs are never trusted/,
    ),
    row(
      'an invalid branch name',
      gh({ Repository: 'acme/tapir', Branches: ['a..b'] }),
      'Roles.Ci.GitHub.Branches[0]',
      /is not a valid git branch name/,
    ),
    row(
      'an environment with a wildcard',
      gh({ Repository: 'acme/tapir', Environments: ['prod*'] }),
      'Roles.Ci.GitHub.Environments[0]',
      /holds a wildcard; list each environment by name/,
    ),
    row(
      'a workflow that is not a workflow file',
      gh({ Repository: 'acme/tapir', Branches: ['main'], Workflows: ['deploy.yml'] }),
      'Roles.Ci.GitHub.Workflows[0]',
      /should be a workflow file of the repository \(\.github\/workflows\/deploy\.yml\)/,
    ),
    row(
      'a workflow with a wildcard',
      gh({ Repository: 'acme/tapir', Branches: ['main'], Workflows: ['.github/workflows/*.yml'] }),
      'Roles.Ci.GitHub.Workflows[0]',
      /no wildcards/,
    ),
    row(
      'RepositoryId not numeric',
      gh({ Repository: 'acme/tapir', Branches: ['main'], RepositoryId: 'abc' }),
      'Roles.Ci.GitHub.RepositoryId',
      /should be GitHub's numeric id .*gh api repos/,
    ),
    row(
      'OwnerId without RepositoryId',
      gh({ Repository: 'acme/tapir', Branches: ['main'], OwnerId: 12 }),
      'Roles.Ci.GitHub.RepositoryId',
      /is missing: OwnerId only serves the immutable subject/,
    ),
    row(
      'SubjectFormat Ids without ids',
      gh({ Repository: 'acme/tapir', Branches: ['main'], SubjectFormat: 'Ids' }),
      'Roles.Ci.GitHub.SubjectFormat',
      /Ids needs both OwnerId and RepositoryId/,
    ),
    row(
      'SubjectFormat unknown',
      gh({ Repository: 'acme/tapir', Branches: ['main'], SubjectFormat: 'immutable' }),
      'Roles.Ci.GitHub.SubjectFormat',
      /should be Ids .* or Names/,
    ),
    row(
      'CreateProvider not a boolean',
      gh({ Repository: 'acme/tapir', Branches: ['main'], CreateProvider: 'yes' }),
      'Roles.Ci.GitHub.CreateProvider',
      /should be true or false.*one per URL/,
    ),
    row(
      'GitLab project without a namespace',
      roles({ Ci: { GitLab: { Project: 'tapir', Branches: ['main'] } } }),
      'Roles.Ci.GitLab.Project',
      /should be <group>\/<project> with its group or user namespace/,
    ),
    row(
      'GitLab project with a wildcard',
      roles({ Ci: { GitLab: { Project: 'acme/*', Branches: ['main'] } } }),
      'Roles.Ci.GitLab.Project',
      /holds a wildcard; name exactly one project path/,
    ),
    row(
      'GitLab without branches',
      roles({ Ci: { GitLab: { Project: 'acme/tapir' } } }),
      'Roles.Ci.GitLab.Branches',
      /is required: list the branches/,
    ),
    row(
      'GitLab host with a scheme',
      roles({ Ci: { GitLab: { Project: 'acme/tapir', Branches: ['main'], Host: 'https://gitlab.example.com' } } }),
      'Roles.Ci.GitLab.Host',
      /host name in lower case without scheme or path/,
    ),
    row('a principal of *', principal('*'), 'Roles.Developer.Principals[0]', /would trust every AWS principal/),
    row(
      'a principal that is an account root',
      principal('arn:aws:iam::123456789012:root'),
      'Roles.Developer.Principals[0]',
      /trusts the whole account/,
    ),
    row(
      'a principal with a wildcard account',
      principal('arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_TapirDeveloper_*'),
      'Roles.Developer.Principals[0]',
      /wildcard in the account; name the 12-digit account/,
    ),
    row(
      'a principal without a role name',
      principal('arn:aws:iam::123456789012:role/*'),
      'Roles.Developer.Principals[0]',
      /names no role .* matches every role under its path/,
    ),
    row(
      'a principal of every SSO permission set',
      principal('arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_*'),
      'Roles.Developer.Principals[0]',
      /must end with AWSReservedSSO_<permission set name>_\*/,
    ),
    row(
      'an SSO role name outside /aws-reserved/',
      principal('arn:aws:iam::123456789012:role/AWSReservedSSO_TapirDeveloper_*'),
      'Roles.Developer.Principals[0]',
      /outside the path \/aws-reserved\/sso\.amazonaws\.com\//,
    ),
    row(
      'a principal of another type',
      principal('arn:aws:sts::123456789012:assumed-role/x/y'),
      'Roles.Developer.Principals[0]',
      /is not an IAM role or user ARN pattern/,
    ),
    row(
      'a principal with a wildcard partition',
      principal('arn:*:iam::123456789012:role/deployer'),
      'Roles.Developer.Principals[0]',
      /names the partition '\*'/,
    ),
    row(
      'RequireMfa on an SSO pattern',
      principal(SSO_DEV, { RequireMfa: true }),
      'Roles.Developer.RequireMfa',
      /Identity Center enforces MFA when people sign in.*SAML federation, which does not carry aws:MultiFactorAuthPresent/,
    ),
    row(
      'RequireMfa on a role pattern',
      principal('arn:aws:iam::123456789012:role/deployers/ci-runner', { RequireMfa: 'true' }),
      'Roles.Developer.RequireMfa',
      /carries aws:MultiFactorAuthPresent only if that role itself was assumed with MFA/,
    ),
    row(
      'RequireMfa for GitHub only',
      roles({ Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'] }, RequireMfa: true } }),
      'Roles.Ci.RequireMfa',
      /applies to Principals only/,
    ),
    row(
      'MaxSessionDuration below an hour',
      principal(SSO_DEV, { MaxSessionDuration: 900 }),
      'Roles.Developer.MaxSessionDuration',
      /from 3600 \(1 hour\) to 43200 \(12 hours\)/,
    ),
    row(
      'MaxSessionDuration not a number',
      principal(SSO_DEV, { MaxSessionDuration: '2h' }),
      'Roles.Developer.MaxSessionDuration',
      /should be a whole number of seconds/,
    ),
    row(
      "a role named under the service's own role prefix",
      roles({ Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'] } } }, { ResourcePrefix: 'sls-tapir' }),
      'ResourcePrefix',
      /which the service's own role grants cover \('sls-tapir-development-\*'.*Choose a ResourcePrefix that does not start with 'sls-tapir-development'/,
    ),
    row(
      'a role named like the execution role',
      roles({ Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'] } } }, { RoleCiName: 'lambda-execution' }),
      'ResourcePrefix',
      /service's own role grants cover \('cf-tapir-development-lambda-execution'/,
    ),
    row(
      'admin trusting the developer role',
      roles({
        Admin: { Principals: ['arn:aws:iam::123456789012:role/cf-tapir-development-developer'] },
        Developer: { Principals: [SSO_DEV] },
      }),
      'Roles.Admin.Principals[0]',
      /matches the developer role of this Access resource 'cf-tapir-development-developer'.*could then assume the admin role/,
    ),
    row(
      'a pattern that covers the execution role',
      roles({ Admin: { Principals: ['arn:aws:iam::123456789012:role/cf-tapir-*'] } }),
      'Roles.Admin.Principals[0]',
      /matches the admin role of this Access resource/,
    ),
    row(
      "a pattern that covers the framework's roles",
      roles({ Ci: { Principals: ['arn:aws:iam::123456789012:role/sls-tapir-*'] } }),
      'Roles.Ci.Principals[0]',
      /matches the framework's execution role 'sls-tapir-development-us-east-1-lambdaRole'.*Trust the roles of people/,
    ),
    row(
      'PolicyPath without slashes',
      withApp({ ServiceName: 'tapir', PolicyPath: 'formidable' }),
      'PolicyPath',
      /must be an IAM path: starting and ending with \//,
    ),
    {
      name: 'Roles: two resources creating the same OIDC provider',
      template: {
        Resources: {
          AppAccess: access({
            ServiceName: 'tapir',
            Roles: { Ci: { GitHub: { Repository: 'acme/tapir', Branches: ['main'], CreateProvider: true } } },
          }),
          KoalaAccess: access({
            ServiceName: 'koala',
            Roles: { Ci: { GitHub: { Repository: 'acme/koala', Branches: ['main'], CreateProvider: true } } },
          }),
        },
      },
      id: 'KoalaAccess',
      path: 'creates the same OIDC provider as AppAccess',
      fix: /one provider per URL: set CreateProvider on one resource only/,
    },
  ];
}

const CASES: Case[] = [
  // Required and unknown properties
  {
    name: 'missing ServiceName',
    template: withApp({ Stage: 'dev' }),
    id: 'AppAccess',
    path: "Property 'ServiceName'",
    fix: /is required/,
  },
  {
    name: 'unknown property in the wrong case gets a did-you-mean',
    template: withApp({ ServiceName: 'tapir', stage: 'dev' }),
    id: 'AppAccess',
    path: "Property 'stage'",
    fix: /did you mean 'Stage'\?/,
  },
  {
    name: 'unknown property lists the known ones',
    template: withApp({ ServiceName: 'tapir', Colour: 'blue' }),
    id: 'AppAccess',
    path: "Property 'Colour'",
    fix: /known properties are .*ServiceName.*Stage/,
  },
  {
    name: 'Properties missing',
    template: withApp(undefined),
    id: 'AppAccess',
    path: 'Properties',
    fix: /add Properties with at least ServiceName/,
  },
  {
    name: 'Properties a list',
    template: withApp(['ServiceName', 'tapir'] as unknown as Record<string, unknown>),
    id: 'AppAccess',
    path: 'Properties',
    fix: /add Properties with at least ServiceName/,
  },

  // Mistyped values
  {
    name: 'number where a name is expected',
    template: withApp({ ServiceName: 42 }),
    id: 'AppAccess',
    path: "Property 'ServiceName'",
    fix: /'42' must start with a letter/,
  },
  {
    name: 'list where a string is expected',
    template: withApp({ ServiceName: ['tapir', 'koala'] }),
    id: 'AppAccess',
    path: "Property 'ServiceName'",
    fix: /should be a string, not a list/,
  },
  {
    name: 'object where a string is expected',
    template: withApp({ ServiceName: 'tapir', Stage: { Name: 'dev' } }),
    id: 'AppAccess',
    path: "Property 'Stage'",
    fix: /should be a string, not object/,
  },
  {
    name: 'object where a list is expected',
    template: withApp({ ServiceName: 'tapir', FunctionNames: { hello: true } }),
    id: 'AppAccess',
    path: "Property 'FunctionNames'",
    fix: /should be a list of strings \(a YAML list or a comma-separated string\)/,
  },
  {
    name: 'a list item not a string',
    template: withApp({ ServiceName: 'tapir', FunctionNames: ['hello', 3] }),
    id: 'AppAccess',
    path: "Property 'FunctionNames[1]'",
    fix: /should be a non-empty string, not 3/,
  },
  {
    name: 'a list item against the pattern',
    template: withApp({ ServiceName: 'tapir', LayerNames: 'deps, bad name' }),
    id: 'AppAccess',
    path: "Property 'LayerNames[1]'",
    fix: /'bad name' must/,
  },
  {
    name: "'yes' for a boolean",
    template: withApp({ ServiceName: 'tapir', ManyLambdas: 'yes' }),
    id: 'AppAccess',
    path: "Property 'ManyLambdas'",
    fix: /should be true or false, not "yes"/,
  },
  {
    name: '1 for a boolean',
    template: withApp({ ServiceName: 'tapir', DisableGroups: 1 }),
    id: 'AppAccess',
    path: "Property 'DisableGroups'",
    fix: /should be true or false, not 1/,
  },
  {
    name: 'empty string',
    template: withApp({ ServiceName: 'tapir', Stage: '' }),
    id: 'AppAccess',
    path: "Property 'Stage'",
    fix: /should not be empty; remove it to use the default/,
  },
  {
    name: 'a parameter that is a list, where a string is expected',
    template: withApp({ ServiceName: 'tapir', Stage: { Ref: 'Stages' } }),
    parameters: { Stages: ['dev', 'prod'] },
    id: 'AppAccess',
    path: "Property 'Stage'",
    fix: /should be a string, not a list/,
  },

  // Invalid characters and formats
  {
    name: 'underscore in the service name',
    template: withApp({ ServiceName: 'tapir_api' }),
    id: 'AppAccess',
    path: "Property 'ServiceName'",
    fix: /only letters, digits and hyphens/,
  },
  {
    name: 'dot in the stage',
    template: withApp({ ServiceName: 'tapir', Stage: 'dev.1' }),
    id: 'AppAccess',
    path: "Property 'Stage'",
    fix: /only letters, digits and hyphens/,
  },
  {
    name: "a topic in TopicNames that SubscribedTopicArns names as another owner's",
    template: withApp({
      ServiceName: 'tapir',
      TopicNames: ['acme-orders'],
      SubscribedTopicArns: ['arn:aws:sns:us-east-1:123456789012:acme-orders'],
    }),
    id: 'AppAccess',
    path: "Property 'TopicNames'",
    fix: /only subscribes to.*keep a topic the service creates in TopicNames and one of another owner in SubscribedTopicArns/,
  },
  {
    name: 'SubscribedTopicArns given a topic name instead of its ARN',
    template: withApp({ ServiceName: 'tapir', SubscribedTopicArns: ['acme-orders'] }),
    id: 'AppAccess',
    path: "Property 'SubscribedTopicArns[0]'",
    fix: /must be an SNS topic ARN/,
  },
  {
    name: 'DeploymentRoles with DeploymentRoleArn',
    template: withApp({
      ServiceName: 'tapir',
      DeploymentRoles: true,
      DeploymentRoleArn: 'arn:aws:iam::123456789012:role/acme-cfn',
    }),
    id: 'AppAccess',
    path: "Property 'DeploymentRoles'",
    fix: /and DeploymentRoleArn both choose the stack's service role.*Remove one of the two/,
  },
  {
    name: 'DeploymentRoles with ExistingUserPoolIds',
    template: withApp({ ServiceName: 'tapir', DeploymentRoles: true, ExistingUserPoolIds: ['us-east-1_AbCdEfGhI'] }),
    id: 'AppAccess',
    path: "Property 'ExistingUserPoolIds'",
    fix: /custom resources, which run as provider.iam.deploymentRole.*Remove ExistingUserPoolIds/,
  },
  {
    name: 'DeploymentRoles not a boolean',
    template: withApp({ ServiceName: 'tapir', DeploymentRoles: 'yes' }),
    id: 'AppAccess',
    path: "Property 'DeploymentRoles'",
    fix: /should be true or false/,
  },
  {
    name: 'DeploymentRoles named inside the service',
    template: withApp({ ServiceName: 'tapir', DeploymentRoles: true, ResourcePrefix: 'sls-tapir' }),
    id: 'AppAccess',
    path: "Property 'ResourcePrefix'",
    fix: /deployment role 'sls-tapir-development-deploy-admin'.*Choose a ResourcePrefix that does not start with 'sls-tapir-development'/,
  },
  {
    name: 'space in ResourcePrefix',
    template: withApp({ ServiceName: 'tapir', ResourcePrefix: 'cf tapir' }),
    id: 'AppAccess',
    path: "Property 'ResourcePrefix'",
    fix: /characters IAM allows in names/,
  },
  {
    name: 'underscore in IamStage',
    template: withApp({ ServiceName: 'tapir', IamStage: 'pr_*' }),
    id: 'AppAccess',
    path: "Property 'IamStage'",
    fix: /IAM wildcards \* and \?/,
  },
  {
    name: 'Region without dashes',
    template: withApp({ ServiceName: 'tapir', Region: 'useast1' }),
    id: 'AppAccess',
    path: "Property 'Region'",
    fix: /must be an AWS region such as us-east-1/,
  },
  {
    name: 'IamRegion in upper case',
    template: withApp({ ServiceName: 'tapir', IamRegion: 'US-EAST-1' }),
    id: 'AppAccess',
    path: "Property 'IamRegion'",
    fix: /must be a region or an IAM wildcard/,
  },
  {
    name: 'bad IamAccountId',
    template: withApp({ ServiceName: 'tapir', IamAccountId: '1234' }),
    id: 'AppAccess',
    path: "Property 'IamAccountId'",
    fix: /must be a 12-digit account id or \*/,
  },
  {
    name: 'bad IamPartition',
    template: withApp({ ServiceName: 'tapir', IamPartition: 'aws-mars' }),
    id: 'AppAccess',
    path: "Property 'IamPartition'",
    fix: /must be a partition \(aws, aws-cn, aws-us-gov/,
  },
  {
    name: 'StackName starting with a digit',
    template: withApp({ ServiceName: 'tapir', StackName: '1tapir' }),
    id: 'AppAccess',
    path: "Property 'StackName'",
    fix: /must be a CloudFormation stack name/,
  },
  {
    name: 'a default stack name past 128 characters',
    template: withApp({ ServiceName: 'a'.repeat(100), Stage: 's'.repeat(40) }),
    id: 'AppAccess',
    path: "Property 'StackName'",
    fix: /is required here: the default '<SlsServiceName>-<IamStage>' is 145 characters long and CloudFormation allows 128\. Set provider\.stackName/,
  },
  {
    name: 'DeploymentPrefix with a leading slash',
    template: withApp({ ServiceName: 'tapir', DeploymentPrefix: '/builds' }),
    id: 'AppAccess',
    path: "Property 'DeploymentPrefix'",
    fix: /without leading or trailing slash/,
  },
  {
    name: 'DeploymentPrefix with an IAM wildcard',
    template: withApp({ ServiceName: 'tapir', DeploymentPrefix: 'builds*' }),
    id: 'AppAccess',
    path: "Property 'DeploymentPrefix'",
    fix: /`\*` would be an IAM wildcard in the granted ARNs/,
  },
  {
    name: 'Stage over 100 characters',
    template: withApp({ ServiceName: 'tapir', Stage: x(101) }),
    id: 'AppAccess',
    path: "Property 'Stage'",
    fix: /101 characters long; at most 100 are allowed/,
  },

  // Names the user chose whole are refused when AWS would refuse them (generated names are shortened instead:
  // test/unit/naming.test.ts).
  {
    name: 'an ExecutionRoleNames item over 64 characters',
    template: withApp({ ServiceName: 'tapir', ExecutionRoleNames: ['ok-role', x(65)] }),
    id: 'AppAccess',
    path: "Property 'ExecutionRoleNames[1]'",
    fix: /must be an IAM role name/,
  },
  {
    name: 'a FunctionNames item over 64 characters',
    template: withApp({ ServiceName: 'tapir', FunctionNames: [x(65)] }),
    id: 'AppAccess',
    path: "Property 'FunctionNames[0]'",
    fix: /up to 64 letters, digits, hyphens and underscores/,
  },
  {
    name: 'a ResourceTypes item that is not a CloudFormation type',
    template: withApp({ ServiceName: 'tapir', ResourceTypes: ['AWS::SNS::Topic', 'sns:topicpolicy'] }),
    id: 'AppAccess',
    path: "Property 'ResourceTypes[1]'",
    fix: /'sns:topicpolicy' must be a CloudFormation resource type such as AWS::Lambda::LayerVersionPermission/,
  },
  {
    name: 'a secret name over 512 characters',
    template: withApp({ ServiceName: 'tapir', Secrets: { Names: [x(500)] } }),
    id: 'AppAccess',
    path: "Property 'Secrets.Names[0]'",
    fix: /makes the secret name 522 characters long; Secrets Manager allows 512/,
  },
  {
    name: 'an Alarms FunctionName over 64 characters',
    template: withApp({ ServiceName: 'tapir', Alarms: { Functions: [{ Name: 'hello', FunctionName: x(65) }] } }),
    id: 'AppAccess',
    path: "Property 'Alarms.Functions[0].FunctionName'",
    fix: /should be a Lambda function name \(1-64/,
  },
  {
    name: 'LambdaRoleName over 64 characters',
    template: withApp({ ServiceName: 'tapir', LambdaRoleName: x(65) }),
    id: 'AppAccess',
    path: "Property 'LambdaRoleName'",
    fix: /1-64 characters/,
  },
  {
    name: 'group role names over 64 characters',
    template: withApp({ ServiceName: 'tapir', RoleCiName: x(65) }),
    id: 'AppAccess',
    path: "Property 'RoleCiName'",
    fix: /at most 64 are allowed/,
  },
  {
    name: 'duplicate group role names',
    template: withApp({ ServiceName: 'tapir', RoleAdminName: 'ops', RoleCiName: 'ops' }),
    id: 'AppAccess',
    path: "Property 'RoleAdminName'",
    fix: /must differ from RoleDeveloperName and RoleCiName: the three name separate groups/,
  },

  // Intrinsics the macro cannot resolve
  {
    name: 'Ref to an undeclared parameter',
    template: withApp({ ServiceName: 'tapir', Stage: { Ref: 'StageName' } }),
    id: 'AppAccess',
    path: "Property 'Stage'",
    fix: /'StageName', which is not a template parameter/,
  },
  {
    name: 'Fn::Sub over an undeclared parameter',
    template: withApp({ ServiceName: { 'Fn::Sub': '${Team}-api' } }),
    id: 'AppAccess',
    path: "Property 'ServiceName'",
    fix: /'Team', which is not a template parameter/,
  },
  {
    name: 'Ref to AWS::StackName',
    template: withApp({ ServiceName: 'tapir', StackName: { Ref: 'AWS::StackName' } }),
    id: 'AppAccess',
    path: "Property 'StackName'",
    fix: /AWS::StackName, which is not known when the macro runs; use a literal or a template parameter/,
  },
  {
    name: 'Fn::GetAtt in a property',
    template: withApp({ ServiceName: 'tapir', ResourcePrefix: { 'Fn::GetAtt': ['Topic', 'TopicName'] } }),
    id: 'AppAccess',
    path: "Property 'ResourcePrefix'",
    fix: /uses Fn::GetAtt, which the macro cannot resolve at transform time; use a literal, a Ref to a parameter/,
  },
  {
    name: 'Fn::ImportValue in a property',
    template: withApp({ ServiceName: { 'Fn::ImportValue': 'shared-service' } }),
    id: 'AppAccess',
    path: "Property 'ServiceName'",
    fix: /uses Fn::ImportValue.*use a literal/,
  },
  {
    name: 'Fn::If in a property',
    template: withApp({ ServiceName: 'tapir', Stage: { 'Fn::If': ['Prod', 'prod', 'dev'] } }),
    id: 'AppAccess',
    path: "Property 'Stage'",
    fix: /uses Fn::If.*use a literal/,
  },
  {
    name: 'resource attribute inside Fn::Sub',
    template: withApp({ ServiceName: { 'Fn::Sub': '${Topic.TopicName}' } }),
    id: 'AppAccess',
    path: "Property 'ServiceName'",
    fix: /an attribute the macro cannot know at transform time/,
  },

  // DeploymentBucket
  {
    name: 'DeploymentBucket in upper case',
    template: withApp({ ServiceName: 'tapir', DeploymentBucket: 'Acme-Deployments' }),
    id: 'AppAccess',
    path: "Property 'DeploymentBucket'",
    fix: /not a valid S3 bucket name \(3-63 lower-case/,
  },
  {
    name: "DeploymentBucket {Shared: 'x'}",
    template: withApp({ ServiceName: 'tapir', DeploymentBucket: { Shared: 'x' } }),
    id: 'AppAccess',
    path: "Property 'DeploymentBucket.Shared'",
    fix: /should be true, alone; omit DeploymentBucket for the per-stack bucket/,
  },
  {
    name: 'DeploymentBucket Shared with a Name',
    template: withApp({ ServiceName: 'tapir', DeploymentBucket: { Shared: true, Name: 'acme-deployments' } }),
    id: 'AppAccess',
    path: "Property 'DeploymentBucket.Shared'",
    fix: /should be true, alone/,
  },
  {
    name: 'DeploymentBucket with an extra key',
    template: withApp({ ServiceName: 'tapir', DeploymentBucket: { Name: 'acme-deployments', Region: 'eu-west-1' } }),
    id: 'AppAccess',
    path: "Property 'DeploymentBucket.Region'",
    fix: /is not known; DeploymentBucket should be a bucket name .*\{Name: <bucket>\}, or \{Shared: true\}/,
  },
  {
    name: 'DeploymentBucket a number',
    template: withApp({ ServiceName: 'tapir', DeploymentBucket: 42 }),
    id: 'AppAccess',
    path: "Property 'DeploymentBucket'",
    fix: /should be a bucket name \(provider\.deploymentBucket\)/,
  },

  // Tags
  {
    name: "tag key with the reserved prefix 'aws:'",
    template: withApp({ ServiceName: 'tapir', Tags: { 'aws:team': 'platform' } }),
    id: 'AppAccess',
    path: "Property 'Tags.aws:team'",
    fix: /reserved prefix 'aws:'; choose another key/,
  },
  {
    name: 'tag value not a string',
    template: withApp({ ServiceName: 'tapir', Tags: { replicas: 3 } }),
    id: 'AppAccess',
    path: "Property 'Tags.replicas'",
    fix: /should be a string, not number/,
  },
  {
    name: 'tag list entry without Value',
    template: withApp({ ServiceName: 'tapir', Tags: [{ Key: 'team' }] }),
    id: 'AppAccess',
    path: "Property 'Tags[0]'",
    fix: /should be \{Key: string, Value: string\}/,
  },
  {
    name: 'Tags a string',
    template: withApp({ ServiceName: 'tapir', Tags: 'team=platform' }),
    id: 'AppAccess',
    path: "Property 'Tags'",
    fix: /should be a map of tag names to string values/,
  },
  {
    name: 'tag value over 256 characters',
    template: withApp({ ServiceName: 'tapir', Tags: { note: x(257) } }),
    id: 'AppAccess',
    path: "Property 'Tags.note'",
    fix: /tag keys hold at most 128 characters and values 256/,
  },

  // Clashes within the template
  {
    name: 'two Access resources producing the same group names',
    template: {
      Resources: {
        AppAccess: access({ ServiceName: 'tapir', Stage: 'dev' }),
        AppAgainAccess: access({ ServiceName: 'tapir', Stage: 'dev' }),
      },
    },
    id: 'AppAgainAccess',
    path: 'It creates the same IAM names as AppAccess',
    fix: /group cf-tapir-dev-admin.*give the two resources a different Stage or ResourcePrefix/,
  },
  {
    name: 'two Access resources producing the same names through ResourcePrefix',
    template: {
      Resources: {
        AppAccess: access({ ServiceName: 'tapir', Stage: 'dev' }),
        KoalaAccess: access({ ServiceName: 'koala', Stage: 'dev', ResourcePrefix: 'cf-tapir' }),
      },
    },
    id: 'KoalaAccess',
    path: 'It creates the same IAM names as AppAccess',
    fix: /role cf-tapir-dev-lambda-execution.*different Stage or ResourcePrefix/,
  },
  {
    name: 'an expanded logical id clashing with an existing resource',
    template: withApp({ ServiceName: 'tapir' }, { Resources: { AppAccessCiGroup: { Type: 'AWS::IAM::Group' } } }),
    id: 'AppAccess',
    path: 'AppAccessCiGroup',
    fix: /expands into the logical id AppAccessCiGroup, which the template's own resource AppAccessCiGroup already uses; rename one of them/,
  },
  {
    name: 'an existing output clashing with an expanded output',
    template: withApp({ ServiceName: 'tapir' }, { Outputs: { AppAccessAdminGroupName: { Value: 'x' } } }),
    id: 'AppAccess',
    path: 'AppAccessAdminGroupName',
    fix: /adds the output AppAccessAdminGroupName, which the template's own output .* already uses; rename one of them/,
  },

  // References to the Access resource
  {
    name: 'Fn::GetAtt of an unknown attribute in an output',
    template: withApp(
      { ServiceName: 'tapir' },
      { Outputs: { Arn: { Value: { 'Fn::GetAtt': ['AppAccess', 'Arn'] } } } },
    ),
    id: 'AppAccess',
    path: 'Outputs.Arn',
    fix: /has no attribute Arn .*; its attributes are .*AdminGroupArn.*LambdaRoleArn/,
  },
  {
    name: 'Fn::GetAtt of an unknown attribute in another resource',
    template: withApp(
      { ServiceName: 'tapir' },
      {
        Resources: {
          Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::GetAtt': 'AppAccess.GroupName' } } },
        },
      },
    ),
    id: 'AppAccess',
    path: 'used in Topic',
    fix: /has no attribute GroupName .*; its attributes are .*DeveloperGroupName/,
  },
  {
    name: 'Ref of an Access resource with DisableGroups',
    template: withApp(
      { ServiceName: 'tapir', DisableGroups: true },
      { Outputs: { Developers: { Value: { Ref: 'AppAccess' } } } },
    ),
    id: 'AppAccess',
    path: 'Outputs.Developers',
    fix: /DisableGroups leaves no group to return; use Fn::GetAtt AppAccess\.LambdaRoleArn or a policy output instead/,
  },
  {
    name: '${Access} inside Fn::Sub with DisableGroups',
    template: withApp(
      { ServiceName: 'tapir', DisableGroups: 'true' },
      { Outputs: { Developers: { Value: { 'Fn::Sub': 'group ${AppAccess}' } } } },
    ),
    id: 'AppAccess',
    path: 'Outputs.Developers',
    fix: /cannot provide there; use one of LambdaRoleName, LambdaRoleArn/,
  },
  // Roles (functions/core/roles.ts): trust that would be wider than written, or cannot work, is refused
  ...rolesCases(),
];

describe('malformed Access resources', () => {
  test('the table holds at least 25 cases with unique names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = JSON.stringify(c.template);
    const response = await run(c.template, c.parameters);
    expect(response.status).toBe('failure');
    expect(response).not.toHaveProperty('fragment');
    expect(response.requestId).toBe('bad-input');
    const message = response.errorMessage ?? '';
    expect(message).toMatch(/^Invalid Formidable::Serverless::Access document\. Number of errors found: \d+\. /);
    expect(message).toContain(`Resource with id [${c.id}] is invalid.`);
    expect(message).toContain(c.path);
    expect(message).toMatch(c.fix);
    // The input is never modified, even on failure.
    expect(JSON.stringify(c.template)).toBe(before);
  });
});

describe('errors are collected across resources', () => {
  test('several errors in two resources are reported together, with their count', async () => {
    const response = await run({
      Resources: {
        TapirAccess: access({ ServiceName: 'tapir_api', ManyLambdas: 'yes' }),
        Bucket: { Type: 'AWS::S3::Bucket' },
        KoalaAccess: access({ ServiceName: 'koala', IamAccountId: '1234', Tags: { 'aws:x': 'y' } }),
      },
    });
    expect(response.status).toBe('failure');
    expect(response).not.toHaveProperty('fragment');
    const message = response.errorMessage ?? '';
    expect(message).toContain('Number of errors found: 4.');
    expect(message.match(/Resource with id \[TapirAccess\]/g)).toHaveLength(2);
    expect(message.match(/Resource with id \[KoalaAccess\]/g)).toHaveLength(2);
    for (const p of ["'ServiceName'", "'ManyLambdas'", "'IamAccountId'", "'Tags.aws:x'"])
      expect(message).toContain(`Property ${p}`);
  });

  test('a valid Access resource beside an invalid one is not returned half-expanded', async () => {
    const response = await run({
      Resources: {
        GoodAccess: access({ ServiceName: 'tapir' }),
        BadAccess: access({ ServiceName: 'koala', Stage: 'a.b' }),
      },
    });
    expect(response.status).toBe('failure');
    expect(response).not.toHaveProperty('fragment');
    expect(response.errorMessage).toContain('Number of errors found: 1.');
    expect(response.errorMessage).toContain('[BadAccess]');
    expect(response.errorMessage).not.toContain('[GoodAccess]');
  });

  test('an error found while rewriting references also returns no fragment', async () => {
    const response = await run(
      withApp({ ServiceName: 'tapir' }, { Outputs: { A: { Value: { 'Fn::GetAtt': ['AppAccess', 'Nope'] } } } }),
    );
    expect(response.status).toBe('failure');
    expect(response).not.toHaveProperty('fragment');
  });

  test('identical messages are reported once', async () => {
    const response = await run(
      withApp(
        { ServiceName: 'tapir' },
        {
          Outputs: {
            A: { Value: { 'Fn::GetAtt': ['AppAccess', 'Nope'] } },
            B: { Value: { 'Fn::GetAtt': ['AppAccess', 'Nope'] } },
          },
        },
      ),
    );
    // The two uses differ in where they are ("used in Outputs.A" / "Outputs.B"), so both count.
    expect(response.errorMessage).toContain('Number of errors found: 2.');
  });
});

describe('the handler never throws', () => {
  const garbage: Array<[string, unknown]> = [
    ['null event', null],
    ['undefined event', undefined],
    ['a string event', 'event'],
    ['a number event', 42],
    ['an empty event', {}],
    ['no region', { accountId: '123456789012', fragment: {}, requestId: 'r' }],
    ['region not a string', { region: 1, accountId: '123456789012', fragment: {}, requestId: 'r' }],
    ['missing fragment', { region: 'us-east-1', accountId: '123456789012', requestId: 'r' }],
    ['fragment null', { region: 'us-east-1', accountId: '123456789012', fragment: null, requestId: 'r' }],
    [
      'fragment a string',
      { region: 'us-east-1', accountId: '123456789012', fragment: 'Resources: {}', requestId: 'r' },
    ],
    ['fragment a list', { region: 'us-east-1', accountId: '123456789012', fragment: [], requestId: 'r' }],
  ];

  test.each(garbage)('%s gives status failure', async (_name, event) => {
    let response: MacroResponse | undefined;
    await expect(
      (async () => {
        response = await handler(event as MacroEvent);
      })(),
    ).resolves.toBeUndefined();
    expect(response?.status).toBe('failure');
    expect(typeof response?.errorMessage).toBe('string');
    expect(response).not.toHaveProperty('fragment');
  });

  const odd: Array<[string, unknown]> = [
    ['a null resource', { Resources: { Nothing: null, AppAccess: access({ ServiceName: 'tapir' }) } }],
    ['Resources a string', { Resources: 'none' }],
    ['a Ref whose target is not a string', withApp({ ServiceName: { Ref: 5 } })],
    ['an Fn::Sub of a number', withApp({ ServiceName: { 'Fn::Sub': 5 } })],
    ['an empty Fn::Sub list', withApp({ ServiceName: { 'Fn::Sub': [] } })],
    ['Tags holding null', withApp({ ServiceName: 'tapir', Tags: [null] })],
    [
      'DependsOn a number elsewhere',
      withApp({ ServiceName: 'tapir' }, { Resources: { Other: { Type: 'AWS::SNS::Topic', DependsOn: 5 } } }),
    ],
    ['Outputs null', withApp({ ServiceName: 'tapir' }, { Outputs: null })],
  ];

  test.each(odd)('%s gives an answer, never an exception', async (_name, fragment) => {
    const response = await run(fragment);
    expect(['success', 'failure']).toContain(response.status);
    if (response.status === 'failure') {
      expect(response.errorMessage).toMatch(/\S/);
      expect(response).not.toHaveProperty('fragment');
    }
  });
});
