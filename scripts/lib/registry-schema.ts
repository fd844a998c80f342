/**
 * The CloudFormation registry schema of Formidable::Serverless::Access, generated from the property model the
 * macro validates with: CORE_PROPERTIES (functions/core/config.ts: kind, pattern, maxLength, description,
 * default, required) and each submodule's `schema` (functions/submodules/*). The Fn::GetAtt attributes come
 * from an actual expansion, as read-only properties. `npm run schema` writes schema/formidable-serverless-access.json;
 * test/unit/registry-schema.test.ts checks the file and the model agree.
 */
import { CORE_PROPERTIES, parseAccess, type PropertySpec } from '../../functions/core/config';
import { expandAccess } from '../../functions/core/expand-access';
import { GITHUB_KEYS, GITLAB_KEYS, ROLE_KEYS } from '../../functions/core/roles';
import { ACCESS_TYPE } from '../../functions/core/transform';
import { SUBMODULES } from '../../functions/submodules';

export const SCHEMA_FILE = 'schema/formidable-serverless-access.json';

const ARN_ATTRIBUTE = /Arn$/;

/** The attributes `Fn::GetAtt` accepts on an Access resource, in the order the expansion defines them. */
export function accessAttributes(): string[] {
  const ctx = { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} };
  const resource = { Type: ACCESS_TYPE, Properties: { ServiceName: 'schema' } };
  const config = parseAccess(
    'A',
    resource,
    ctx,
    SUBMODULES.map((s) => s.property),
  );
  return Object.keys(expandAccess(config, [], resource, 'FormidableServerless').refs.attributes);
}

function propertySchema(spec: PropertySpec): Record<string, unknown> {
  const common = { description: spec.description, ...(spec.default !== undefined ? { default: spec.default } : {}) };
  switch (spec.kind) {
    case 'string':
      return {
        type: 'string',
        ...(spec.pattern ? { pattern: spec.pattern.source } : {}),
        ...(spec.maxLength ? { maxLength: spec.maxLength } : {}),
        ...common,
      };
    case 'boolean':
      // template parameters arrive as strings: the macro reads 'true' and 'false' too
      return { type: ['boolean', 'string'], enum: [true, false, 'true', 'false'], ...common };
    case 'list':
      return {
        type: 'array',
        insertionOrder: false,
        uniqueItems: true,
        items: { type: 'string', ...(spec.pattern ? { pattern: spec.pattern.source } : {}) },
        ...common,
      };
    case 'tags':
      return {
        oneOf: [
          {
            type: 'object',
            patternProperties: { '^(?![aA][wW][sS]:).{1,128}$': { type: 'string', maxLength: 256 } },
            additionalProperties: false,
          },
          { type: 'array', items: { $ref: '#/definitions/Tag' } },
        ],
        ...common,
      };
    case 'statements': {
      const strings = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] };
      return {
        type: 'array',
        insertionOrder: true,
        items: {
          type: 'object',
          properties: { Action: strings, Resource: strings, Condition: { type: 'object' } },
          required: ['Action', 'Resource'],
          additionalProperties: false,
        },
        ...common,
      };
    }
    case 'roles': {
      const keys = (list: readonly string[]) => Object.fromEntries(list.map((k) => [k, {}]));
      const role = {
        type: 'object',
        additionalProperties: false,
        properties: {
          Principals: { type: 'array', items: { type: 'string' } },
          RequireMfa: { type: ['boolean', 'string'], enum: [true, false, 'true', 'false'] },
          MaxSessionDuration: { type: ['integer', 'string'] },
          GitHub: {
            type: 'object',
            additionalProperties: false,
            properties: keys(GITHUB_KEYS),
          },
          GitLab: {
            type: 'object',
            additionalProperties: false,
            properties: keys(GITLAB_KEYS),
          },
        },
      };
      return {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(Object.values(ROLE_KEYS).map((k) => [k, role])),
        ...common,
      };
    }
    case 'bucket':
      return {
        oneOf: [
          { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['Name'],
            properties: { Name: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' } },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['Shared'],
            properties: { Shared: { const: true } },
          },
        ],
        ...common,
      };
  }
}

export function registrySchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(CORE_PROPERTIES)) properties[name] = propertySchema(spec);
  for (const m of SUBMODULES) properties[m.property] = m.schema;
  const attributes = accessAttributes();
  // LambdaRoleName is both an input (a custom role) and an attribute: it stays a writable property
  const readOnly = attributes.filter((a) => !(a in CORE_PROPERTIES));
  for (const a of readOnly) {
    properties[a] = {
      type: 'string',
      description: ARN_ATTRIBUTE.test(a) ? `Fn::GetAtt: ARN (${a}).` : `Fn::GetAtt: name (${a}).`,
    };
  }
  return {
    typeName: ACCESS_TYPE,
    description:
      'Least-privilege IAM groups (admin, developer, ci) and an execution role for one Serverless Framework service and stage; expanded by the FormidableServerless CloudFormation macro.',
    definitions: {
      Tag: {
        type: 'object',
        additionalProperties: false,
        required: ['Key', 'Value'],
        properties: {
          Key: { type: 'string', minLength: 1, maxLength: 128 },
          Value: { type: 'string', maxLength: 256 },
        },
      },
    },
    properties,
    additionalProperties: false,
    required: Object.entries(CORE_PROPERTIES)
      .filter(([, s]) => s.required)
      .map(([k]) => k),
    readOnlyProperties: readOnly.map((a) => `/properties/${a}`),
    primaryIdentifier: ['/properties/LambdaRoleName'],
    tagging: {
      taggable: true,
      tagOnCreate: true,
      tagUpdatable: true,
      cloudFormationSystemTags: false,
      tagProperty: '/properties/Tags',
    },
  };
}

export function registrySchemaText(): string {
  return `${JSON.stringify(registrySchema(), null, 2)}\n`;
}
