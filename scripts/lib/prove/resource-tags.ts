/**
 * The tags AWS evaluates as `aws:ResourceTag/...` on a request, for the resources CloudFormation created: it
 * stamps `aws:cloudformation:stack-name` on every resource that takes tags (users cannot set or change `aws:`
 * tags). Only what the catalog conditions on is modelled: API Gateway REST APIs, whose child resources
 * (resources, methods, deployments, stages, ...) inherit the API's tags for access control, API keys and
 * usage plans (whose keys inherit the plan's), CloudFront distributions, Cognito user pools and HTTP/WebSocket APIs. Their children get the API's tag too
 * (the Service Authorization Reference lists aws:ResourceTag on every V2 child type); the catalog holds them
 * with ...IfExists, so the proof passes with or without it. `/tags/...` ARNs carry none.
 * Moto evaluates no IAM, so the proof adds the key from the stack's physical ids.
 */
import type { IamRequest, StackState } from './types';

export const STACK_NAME_TAG = 'aws:ResourceTag/aws:cloudformation:stack-name';

const TAGGED_TYPES: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::RestApi': 'restapis',
  'AWS::ApiGatewayV2::Api': 'apis',
  'AWS::ApiGateway::ApiKey': 'apikeys',
  'AWS::ApiGateway::UsagePlan': 'usageplans',
  'AWS::CloudFront::Distribution': 'distribution',
  'AWS::Cognito::UserPool': 'userpool',
};

/** `restapis/<id>` (and the like) of the tagged resources of the stack states, all of stack `stackName`. */
function taggedIds(states: readonly (StackState | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const s of states) {
    if (!s) continue;
    for (const [logicalId, r] of Object.entries(s.template.Resources ?? {})) {
      const collection = TAGGED_TYPES[r.Type];
      const id = s.physical[logicalId];
      if (collection && id) out.add(`${collection}/${id}`);
    }
  }
  return out;
}

/** The requests, with the stack tag on those that name a tagged resource of the own stack (or its children). */
export function withStackTags(
  requests: readonly IamRequest[],
  stackName: string,
  states: readonly (StackState | undefined)[],
): IamRequest[] {
  const ids = taggedIds(states);
  return requests.map((r) => {
    const m =
      /^arn:[^:]+:apigateway:[^:]*::\/((?:restapis|apis|apikeys|usageplans)\/[^/]+)/.exec(r.resource) ??
      /^arn:[^:]+:(?:cloudfront|cognito-idp):[^:]*:\d*:((?:distribution|userpool)\/[^/]+)$/.exec(r.resource);
    if (!m || !ids.has(m[1]) || r.noIam) return r;
    return { ...r, context: { ...r.context, [STACK_NAME_TAG]: stackName } };
  });
}
