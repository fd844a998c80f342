/**
 * The strict simulator wrapper (scripts/lib/prove/simulate.ts): the two request kinds it evaluates without
 * input validation (UNVALIDATED_REQUESTS) still follow the policy, say which case they are, and refuse context
 * keys nobody checks.
 */
import { simulate, SimulationInputError, UNVALIDATED_REQUESTS } from '../../scripts/lib/prove/simulate';

const policy = (action: string, resource: string) => [
  {
    name: 'p',
    document: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Only', Effect: 'Allow', Action: action, Resource: resource }],
    },
  },
];

const API = 'arn:aws:apigateway:us-east-1::/apis/abc123/stages/dev';
const ALIAS = 'arn:aws:lambda:us-east-1:123456789012:function:tapir-dev-hello:live';

describe('requests the simulator cannot validate', () => {
  test('the registry names exactly the two cases', () => {
    expect(UNVALIDATED_REQUESTS.map((u) => u.id)).toEqual([
      'apigateway-merged-resource-types',
      'lambda-alias-or-version',
    ]);
  });

  test.each([
    ['apigateway:PATCH', API, 'apigateway-merged-resource-types'],
    ['lambda:PutProvisionedConcurrencyConfig', ALIAS, 'lambda-alias-or-version'],
  ])('%s on %s is evaluated against the policy, marked %s', async (action, resource, id) => {
    const allowed = await simulate(policy(action, resource), { action, resource, context: {} });
    expect(allowed).toEqual({ decision: 'Allowed', overall: 'Allowed', allowSids: [], denySids: [], unvalidated: id });
    const other = `${resource.slice(0, -3)}xyz`;
    const denied = await simulate(policy(action, other), { action, resource, context: { 'aws:SourceIp': '10.0.0.1' } });
    expect(denied).toMatchObject({ decision: 'Denied', overall: 'ImplicitlyDenied', unvalidated: id });
  });

  test.each([
    ['apigateway:PATCH', API],
    ['lambda:PutProvisionedConcurrencyConfig', ALIAS],
  ])('%s with a service context key throws: no key of an unvalidated request is checked', async (action, resource) => {
    await expect(
      simulate(policy(action, resource), { action, resource, context: { 'lambda:FunctionArn': resource } }),
    ).rejects.toThrow(
      new SimulationInputError(
        `${action} on ${resource}: unvalidated requests may only carry global context keys and the keys of the ARN's resource type (not lambda:FunctionArn)`,
      ),
    );
  });

  test("an API Gateway stage request may carry the Stage type's own keys, and they are evaluated", async () => {
    const key = 'apigateway:Request/AccessLoggingDestination';
    const own = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/http-api/tapir-dev';
    const doc = [
      {
        name: 'p',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Only',
              Effect: 'Allow',
              Action: 'apigateway:PATCH',
              Resource: API,
              Condition: { ArnLikeIfExists: { [key]: own } },
            },
          ],
        },
      },
    ];
    const at = (destination: string) =>
      simulate(doc, { action: 'apigateway:PATCH', resource: API, context: { [key]: destination } });
    await expect(at(own)).resolves.toMatchObject({
      decision: 'Allowed',
      unvalidated: 'apigateway-merged-resource-types',
    });
    await expect(at('arn:aws:logs:us-east-1:123456789012:log-group:/security/audit')).resolves.toMatchObject({
      decision: 'Denied',
      overall: 'ImplicitlyDenied',
    });
    // A key of another API Gateway type (an authorizer's) is not the stage's: it throws.
    await expect(
      simulate(doc, {
        action: 'apigateway:PATCH',
        resource: API,
        context: { 'apigateway:Request/AuthorizerType': 'TOKEN' },
      }),
    ).rejects.toThrow(SimulationInputError);
  });
});
