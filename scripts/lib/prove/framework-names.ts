/**
 * Names the Serverless Framework generates that AWS would refuse. The framework passes most names through
 * untruncated (osls lib/plugins/aws/lib/naming.js: getRoleName is `<service>-<stage>-<region>-lambdaRole`,
 * getLambdaName `<service>-<stage>-<function>`; only custom-resource functions and some rule names are hashed),
 * and moto does not enforce the limits, so a service can pass the proof on moto and still fail its first
 * deploy on AWS. The proof reads the compiled template after `package` and reports each such name with the
 * setting that fixes it, instead of leaving the user to find out on AWS.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { CfnTemplate } from './types';

interface NameRule {
  readonly property: string;
  readonly limit: number;
  /** Where the limit is documented. */
  readonly source: string;
  /** The serverless.yml setting that chooses the name. */
  readonly fix: string;
}

/** Name properties of what the framework creates, with AWS's limit (API references) and the fix. */
export const FRAMEWORK_NAME_RULES: Readonly<Record<string, NameRule>> = {
  'AWS::IAM::Role': {
    property: 'RoleName',
    limit: 64,
    source: 'IAM CreateRole RoleName',
    fix: "set provider.iam.role.name (at most 64 characters), or point provider.iam.role at the macro's execution role (output LambdaRoleArn)",
  },
  'AWS::Lambda::Function': {
    property: 'FunctionName',
    limit: 64,
    source: 'Lambda CreateFunction FunctionName',
    fix: "set functions.<key>.name (and list it in the Access resource's FunctionNames), or shorten the function key",
  },
  'AWS::Events::Rule': {
    property: 'Name',
    limit: 64,
    source: 'EventBridge PutRule Name',
    fix: "set the event's name (schedule.name, eventBridge.name) to at most 64 characters",
  },
  'AWS::Scheduler::Schedule': {
    property: 'Name',
    limit: 64,
    source: 'EventBridge Scheduler CreateSchedule Name',
    fix: 'set schedule.name to at most 64 characters',
  },
  'AWS::SQS::Queue': {
    property: 'QueueName',
    limit: 80,
    source: 'SQS CreateQueue QueueName',
    fix: 'shorten the queue name in resources:',
  },
  'AWS::S3::Bucket': {
    property: 'BucketName',
    limit: 63,
    source: 'S3 bucket naming rules',
    fix: 'shorten the bucket name',
  },
  'AWS::Lambda::LayerVersion': {
    property: 'LayerName',
    limit: 140,
    source: 'Lambda PublishLayerVersion LayerName',
    fix: 'set layers.<key>.name',
  },
  'AWS::IAM::ManagedPolicy': {
    property: 'ManagedPolicyName',
    limit: 128,
    source: 'IAM CreatePolicy PolicyName',
    fix: 'shorten the policy name in resources:',
  },
};

/** A name as CloudFormation would resolve it, when it is literal up to pseudo parameters; otherwise undefined. */
function resolveName(v: unknown, pseudo: Readonly<Record<string, string>>): string | undefined {
  if (typeof v === 'string') return v;
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.Ref === 'string') return pseudo[o.Ref];
  const join = o['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((p) => resolveName(p, pseudo));
    return parts.every((p): p is string => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  const sub = o['Fn::Sub'];
  if (typeof sub === 'string') {
    let ok = true;
    const out = sub.replace(/\$\{([^}!]+)\}/g, (_m, k: string) => pseudo[k] ?? ((ok = false), ''));
    return ok ? out : undefined;
  }
  return undefined;
}

export interface FrameworkNameProblem {
  readonly logicalId: string;
  readonly type: string;
  readonly name: string;
  readonly limit: number;
  readonly message: string;
}

/** Every name of the template that AWS would refuse as too long. */
export function frameworkNameProblems(
  template: CfnTemplate,
  pseudo: Readonly<Record<string, string>>,
): FrameworkNameProblem[] {
  const out: FrameworkNameProblem[] = [];
  for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
    const rule = FRAMEWORK_NAME_RULES[r.Type];
    if (!rule) continue;
    const name = resolveName(r.Properties?.[rule.property], pseudo);
    if (name === undefined || name.length <= rule.limit) continue;
    out.push({
      logicalId,
      type: r.Type,
      name,
      limit: rule.limit,
      message:
        `the framework names ${logicalId} (${r.Type}) '${name}', ${name.length} characters; AWS allows ${rule.limit} (${rule.source}), ` +
        `so a deploy to AWS fails although moto accepts it. Fix: ${rule.fix}.`,
    });
  }
  return out;
}

/** The check for one packaged service folder (its compiled update template), as lines for the proof's report. */
export function packagedNameProblems(
  workDir: string,
  stage: string,
  region: string,
  stackName: string,
  account: string,
  partition: string,
): string[] {
  const file = join(workDir, '.serverless', 'cloudformation-template-update-stack.json');
  if (!existsSync(file)) return [];
  const template = JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
  const pseudo = {
    'AWS::Region': region,
    'AWS::AccountId': account,
    'AWS::Partition': partition,
    'AWS::StackName': stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  return frameworkNameProblems(template, pseudo).map((p) => `${stage} package: ${p.message}`);
}
