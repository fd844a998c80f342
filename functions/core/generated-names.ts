/**
 * Names CloudFormation generates for resources without one: `<stack>-<LogicalId>-<random suffix>`, at most
 * 63 characters for S3 buckets (lower-cased) and 64 for IAM roles and EventBridge rules. When the whole name
 * does not fit, the stack part is cut to half the budget (24 characters for a 12- or 13-character suffix), a
 * trailing '-' of the cut dropped, and the logical id takes what is left. AWS documents only examples
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html); the public
 * observations the rule rests on are in test/fixtures/recorded/README.md ("Generated names").
 *
 * scripts/lib/prove/generated_names.py is the Python copy of cfnGeneratedName moto uses (it cannot import
 * TypeScript); test/unit/generated-names.test.ts checks that the two agree.
 */

/** Characters of the stack name a cut generated name keeps (a 13-character suffix; 25 with a 12-character one). */
export const GENERATED_STACK_PART_LENGTH = 24;

/** The stack name cut as in a generated name: its first `length` characters, a trailing '-' dropped. */
export function stackNameHead(stackName: string, length: number = GENERATED_STACK_PART_LENGTH): string {
  return stackName.slice(0, length).replace(/-+$/, '');
}

/** The name CloudFormation generates for `logicalId` in `stackName` with this random suffix, at most `max` characters. */
export function cfnGeneratedName(stackName: string, logicalId: string, max: number, suffix: string): string {
  const whole = `${stackName}-${logicalId}-${suffix}`;
  if (whole.length <= max) return whole;
  const budget = max - 2 - suffix.length;
  const stackPart = stackNameHead(stackName, Math.floor(budget / 2));
  return `${stackPart}-${logicalId.slice(0, budget - stackPart.length)}-${suffix}`;
}
