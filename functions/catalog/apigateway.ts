import { ARN } from './arns';
import {
  GROUP_ROLES as ALL,
  SAR,
  VIA_CLOUDFORMATION,
  OWN_STACK_IF_TAGGED,
  VIA_OWN_STACK_IF_TAGGED,
  type CatalogEntry,
  type ConditionBlock,
} from './types';

const source = `${SAR}list_amazonapigatewaymanagement.html`;
const api = ARN.apigateway;

/**
 * REST (v1) and HTTP/WebSocket (v2) APIs get random ids: no ARN can name this service's API in advance. What
 * names it is the tag CloudFormation stamps on the REST API, its API keys and usage plans
 * (`aws:cloudformation:stack-name`, which nobody can set or change: the `aws:` prefix is reserved), and REST
 * child resources (resources, methods, integrations, deployments, stages, authorizers, models, ...) inherit the
 * API's tags for access control (API Gateway developer guide, "API Gateway resources that can be tagged").
 * HTTP and WebSocket APIs (`/apis/{id}`) carry the same stamped tag themselves, so they are scoped like REST APIs.
 * Their children (routes, integrations, authorizers, deployments, route responses, stages) are a different
 * case: the Service Authorization Reference (API Gateway Management V2, resource types) lists
 * `aws:ResourceTag/${TagKey}` on every one of them, but the developer guide documents tag inheritance for the V1
 * API only. The children are therefore held with `StringLikeIfExists`: a foreign API's tag denies the write
 * wherever AWS evaluates it, and a deploy never fails where it is absent (docs/security.md).
 */
export const OWN_STACK_TAG: ConditionBlock = {
  StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': '{StackName}' },
};
const OWN_STACK_VIA_CLOUDFORMATION: ConditionBlock = { ...VIA_CLOUDFORMATION, ...OWN_STACK_TAG };

/**
 * Where a stage's access logs may go. API Gateway writes REST and WebSocket access logs as the account's CloudWatch
 * role (`AmazonAPIGatewayPushToCloudWatchLogs`: every log group), so the caller may choose only among the service's
 * own groups. The Service Authorization Reference lists `apigateway:Request/AccessLoggingDestination` on the `Stage`
 * and `Stages` resource types of both APIs (CreateStage, UpdateStage). The framework's groups (osls 3 and 4): REST
 * `/aws/api-gateway/<service>-<api stage>` (the CLI's stage PATCH, compile/events/api-gateway/lib/hack/update-stage.js),
 * WebSocket `/aws/websocket/<service>-<stage>` (websockets/lib/stage.js) and HTTP API `/aws/http-api/<stack name>`
 * (naming.getHttpApiLogGroupName; the stage takes the group's `Arn` attribute, which ends in `:*`). The framework never
 * aims a stage at a Firehose stream, so none is admitted. One Deny holds it for every grant that reaches a stage
 * (the CLI's stage settings, the stack's REST and HTTP changes, admin's lifecycle), whichever Allow matches.
 */
const LOG_GROUP = 'arn:{Partition}:logs:{Region}:{Account}:log-group:';
const OWN_ACCESS_LOGS = [
  `${LOG_GROUP}/aws/api-gateway/{Service}-{ApiStage}`,
  `${LOG_GROUP}/aws/websocket/{Service}-{Stage}`,
  `${LOG_GROUP}/aws/http-api/{StackName}`,
  `${LOG_GROUP}/aws/http-api/{StackName}:*`,
];

export const apigateway: readonly CatalogEntry[] = [
  {
    id: 'apigateway.read',
    roles: ALL,
    source,
    actions: ['apigateway:GET'],
    // GET /apis (a listing) and GET /tags/* are called by no framework version: HTTP APIs are read by id (GetApi).
    resources: [api('/restapis'), api('/usageplans')],
    reason: 'The post-deploy stage update finds its REST API by listing (ids are random); remove lists usage plans.',
  },
  {
    id: 'apigateway.own-read',
    roles: ALL,
    source,
    actions: ['apigateway:GET'],
    // `*` spans `/`: /restapis/* is the API and every child (resources, methods, integrations with their VPC link
    // ids and backend URIs, authorizers, stages and their variables), which inherit the REST API's tags. A usage
    // plan's keys (/usageplans/<id>/keys/<key>) and /apikeys/<id> return key values. The framework reads no other
    // service's REST API, key or plan.
    resources: [api('/restapis/*'), api('/apikeys/*'), api('/usageplans/*')],
    condition: OWN_STACK_TAG,
    reason:
      "The stage update and the stack read the service's own REST API, info its key values: only its own (stack tag).",
  },
  {
    id: 'apigateway.http-api-read',
    roles: ALL,
    source,
    actions: ['apigateway:GET'],
    // info reads provider.httpApi.id by id; the stack reads its routes and integrations. An API of another stack
    // (its tag) is refused, its children where AWS sends the tag (see VIA_OWN_STACK_IF_TAGGED).
    resources: [api('/apis/*')],
    condition: OWN_STACK_IF_TAGGED,
    reason: "info and the stack read the service's HTTP/WebSocket API by id; never one tagged with another stack.",
  },
  {
    id: 'apigateway.stage-access-logs-own-only',
    effect: 'Deny',
    roles: ALL,
    source,
    actions: ['apigateway:PATCH', 'apigateway:POST'],
    resources: [api('/restapis/*/stages*'), api('/apis/*/stages*')],
    // Null false: only a request that sets a destination (most stage requests carry none); ArnNotLike alone would
    // also hold when the key is absent.
    condition: {
      Null: { 'apigateway:Request/AccessLoggingDestination': 'false' },
      ArnNotLike: { 'apigateway:Request/AccessLoggingDestination': OWN_ACCESS_LOGS },
    },
    reason:
      "Denied: a stage's access logs go to the service's own log groups only (API Gateway writes them as the account's role).",
  },
  {
    id: 'apigateway.stage-settings',
    roles: ALL,
    source,
    actions: ['apigateway:PATCH', 'apigateway:POST'],
    resources: [api('/restapis/*/stages'), api('/restapis/*/stages/{ApiStage}')],
    condition: OWN_STACK_TAG,
    reason:
      "After each deploy the CLI sets tracing, logs and tags on its own REST API's stage (creating it if missing).",
  },
  {
    id: 'apigateway.tags',
    roles: ALL,
    source,
    actions: ['apigateway:DELETE', 'apigateway:PUT'],
    resources: [api('/tags/arn%3A{Partition}%3Aapigateway%3A{Region}%3A%3A%2Frestapis%2F*%2Fstages%2F{ApiStage}')],
    reason:
      'The CLI syncs stackTags/tags onto the REST stage; the tag ARN embeds the random API id and the stage name.',
  },
  {
    id: 'apigateway.rest-api-changes',
    roles: ALL,
    source,
    actions: ['apigateway:DELETE', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:POST', 'apigateway:PUT'],
    resources: [api('/restapis/*/*')],
    condition: OWN_STACK_VIA_CLOUDFORMATION,
    reason:
      "Each deploy changes methods and deployments of the service's own REST API (its stack tag), through the stack.",
  },
  {
    id: 'apigateway.api-settings',
    roles: ALL,
    source,
    actions: ['apigateway:PATCH', 'apigateway:PUT', 'apigateway:UpdateRestApiPolicy'],
    resources: [api('/restapis/*'), api('/apis/*'), api('/apikeys/*'), api('/usageplans/*')],
    condition: OWN_STACK_VIA_CLOUDFORMATION,
    reason:
      "Changing an API's settings (REST, HTTP, WebSocket), API keys or usage plans: the service's own (stack tag), via the stack.",
  },
  {
    id: 'apigateway.http-api-changes',
    roles: ALL,
    source,
    actions: ['apigateway:DELETE', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:POST', 'apigateway:PUT'],
    resources: [api('/apis/*/*')],
    condition: VIA_OWN_STACK_IF_TAGGED,
    reason:
      "Each deploy changes routes and stages of the HTTP/WebSocket API: never a child of another stack's API, via the stack.",
  },
  {
    id: 'apigateway.api-create',
    roles: ['admin'],
    source,
    actions: ['apigateway:POST'],
    resources: ['/restapis', '/apis', '/apikeys', '/usageplans'].map(api),
    condition: VIA_CLOUDFORMATION,
    reason:
      "Creating APIs, API keys and usage plans is admin's, only through the stack (a new one belongs to nobody else).",
  },
  {
    id: 'apigateway.api-lifecycle',
    roles: ['admin'],
    source,
    actions: ['apigateway:DELETE', 'apigateway:PATCH', 'apigateway:POST', 'apigateway:PUT'],
    resources: ['/restapis', '/apikeys', '/usageplans'].map((c) => api(`${c}/*`)),
    condition: OWN_STACK_TAG,
    reason:
      "The service's own REST APIs, keys and plans (their stack tag): deleting them, and remove's usage plan detach.",
  },
  {
    id: 'apigateway.http-api-lifecycle',
    roles: ['admin'],
    source,
    actions: ['apigateway:DELETE'],
    resources: [api('/apis/*')],
    condition: OWN_STACK_VIA_CLOUDFORMATION,
    reason: "Deleting the service's own HTTP or WebSocket API (its stack tag; sls remove) is admin's, via the stack.",
  },
];
