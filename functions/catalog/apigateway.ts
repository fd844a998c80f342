import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_amazonapigatewaymanagement.html`;
const api = ARN.apigateway;

/** REST (v1) and HTTP/WebSocket (v2) APIs get random ids: no ARN can name this service's API in advance. */
const COLLECTIONS = ['/restapis', '/apis', '/apikeys', '/usageplans'];

export const apigateway: readonly CatalogEntry[] = [
  {
    id: 'apigateway.read', roles: ALL, source,
    actions: ['apigateway:GET'],
    resources: [...COLLECTIONS.flatMap((c) => [api(c), api(`${c}/*`)]), api('/tags/*')],
    reason: 'info and the post-deploy stage update find the API by listing; ids are random, so reads span the region.',
  },
  {
    id: 'apigateway.stage-settings', roles: ALL, source,
    actions: ['apigateway:PATCH', 'apigateway:POST'],
    resources: [api('/restapis/*/stages'), api('/restapis/*/stages/*')],
    reason: 'After each deploy the CLI itself sets tracing, logs and tags on the REST stage (creating it if missing).',
  },
  {
    id: 'apigateway.tags', roles: ALL, source,
    actions: ['apigateway:DELETE', 'apigateway:PUT'], resources: [api('/tags/*')],
    reason: 'The CLI syncs stackTags/tags onto the REST stage; tag ARNs embed random API ids.',
  },
  {
    id: 'apigateway.api-changes', roles: ALL, source,
    actions: ['apigateway:DELETE', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:POST', 'apigateway:PUT'],
    resources: [api('/restapis/*/*'), api('/apis/*/*')],
    condition: VIA_CLOUDFORMATION,
    reason: 'Each deploy adds an API deployment and changes routes and methods of the existing API, only through the stack.',
  },
  {
    id: 'apigateway.api-settings', roles: ALL, source,
    actions: ['apigateway:PATCH', 'apigateway:PUT', 'apigateway:UpdateRestApiPolicy'],
    resources: [api('/restapis/*'), api('/apis/*')],
    condition: VIA_CLOUDFORMATION,
    reason: 'Changing the API\'s own settings (policy, binary types, CORS of HTTP APIs) updates it, only through the stack.',
  },
  {
    id: 'apigateway.keys-and-plans-update', roles: ALL, source,
    actions: ['apigateway:PATCH'], resources: [api('/apikeys/*'), api('/usageplans/*')],
    condition: VIA_CLOUDFORMATION,
    reason: 'Changing apiKeys or usagePlan settings updates the existing key or plan, only through the stack.',
  },
  {
    id: 'apigateway.api-lifecycle', roles: ['admin'], source,
    actions: ['apigateway:DELETE', 'apigateway:PATCH', 'apigateway:POST', 'apigateway:PUT'],
    resources: COLLECTIONS.flatMap((c) => [api(c), api(`${c}/*`)]),
    condition: VIA_CLOUDFORMATION,
    reason: 'Creating and deleting APIs, API keys and usage plans is admin\'s, only through the stack.',
  },
  {
    id: 'apigateway.usage-plan-detach', roles: ['admin'], source,
    actions: ['apigateway:PATCH'], resources: [api('/usageplans/*')],
    reason: 'sls remove detaches the API stage from usage plans itself before deleting the stack.',
  },
];
