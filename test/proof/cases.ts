/**
 * What the proofs that simulate hand-written cases share (escalation.test.ts, boundary.test.ts, and the request
 * context of submodule-requests.ts): the context of a request made from the CLI or through CloudFormation, the
 * account's ARNs, and the loop that simulates a group's cases and keeps the ones decided otherwise.
 */
import { PARTITION } from '../../scripts/lib/prove/calls';
import {
  ACCOUNT_ID,
  PRINCIPAL,
  simulate,
  type Decision,
  type PolicyDoc,
  type SimRequest,
  type SimResult,
} from '../../scripts/lib/prove/simulate';

export type RequestContext = Record<string, string | string[]>;

/** What every request carries: a direct call of the proof's principal from the CLI in `region`. */
export function cliContext(region: string): Record<string, string> {
  return {
    'aws:RequestedRegion': region,
    'aws:SecureTransport': 'true',
    'aws:ViaAWSService': 'false',
    'aws:PrincipalArn': PRINCIPAL,
    'aws:PrincipalAccount': ACCOUNT_ID,
  };
}

/** The same request made by CloudFormation on the caller's behalf (a resource of a stack the caller updates). */
export function viaCloudFormation(context: Readonly<RequestContext>): RequestContext {
  return {
    ...context,
    'aws:ViaAWSService': 'true',
    'aws:CalledVia': ['cloudformation.amazonaws.com'],
    'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
    'aws:CalledViaLast': 'cloudformation.amazonaws.com',
  };
}

/** An IAM ARN of the proof's account: `role/<name>`, `user/<name>`, `policy/<name>`. */
export const iamArn = (path: string): string => `arn:${PARTITION}:iam::${ACCOUNT_ID}:${path}`;

/** A stack's ARN (the stack id's UUID is fixed: no policy names it). */
export const stackArn = (region: string, name: string): string =>
  `arn:${PARTITION}:cloudformation:${region}:${ACCOUNT_ID}:stack/${name}/6f1e1f3c-0000-4000-8000-00000000abcd`;

/** iam:PassRole of `role` (an ARN) to `service` (`lambda.amazonaws.com`, ...). */
export function passRole(role: string, service: string, context: Readonly<RequestContext>): SimRequest {
  return { action: 'iam:PassRole', resource: role, context: { ...context, 'iam:PassedToService': service } };
}

export interface ProofCase {
  readonly id: string;
  readonly request: SimRequest;
}

export interface WrongDecision<C extends ProofCase> {
  readonly c: C;
  readonly expected: Decision;
  readonly result: SimResult;
}

/**
 * Simulate each case `expectedOf` gives a decision for (the others are not asserted for this group) against the
 * group's `policies`, in order; the cases decided otherwise. Case ids must be unique (a repeat throws), since the
 * known-gap registries and the failure lines name cases by id.
 */
export async function wrongDecisions<C extends ProofCase>(
  policies: readonly PolicyDoc[],
  cases: readonly C[],
  expectedOf: (c: C) => Decision | undefined,
): Promise<WrongDecision<C>[]> {
  const ids = cases.map((c) => c.id);
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length) throw new Error(`proof case ids must be unique; repeated: ${repeated.join(', ')}`);
  const wrong: WrongDecision<C>[] = [];
  for (const c of cases) {
    const expected = expectedOf(c);
    if (!expected) continue;
    const result = await simulate(policies, c.request);
    if (result.decision !== expected) wrong.push({ c, expected, result });
  }
  return wrong;
}

/** `<action> <resource> expected <decision>, got <decision> via <Sids>`: a wrong decision, as a failure line. */
export function describeWrong({ c, expected, result }: WrongDecision<ProofCase>): string {
  const via = result.allowSids.length ? ` via ${result.allowSids.join(', ')}` : '';
  return `${c.request.action} ${c.request.resource} expected ${expected}, got ${result.decision}${via}`;
}
