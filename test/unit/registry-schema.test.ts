/**
 * The registry schema (schema/formidable-serverless-access.json) and the property model the macro validates
 * with agree: same properties, patterns, lengths, defaults and descriptions, the submodules' option keys, the
 * Fn::GetAtt attributes; and what the schema accepts or rejects, the macro accepts or rejects too.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_PROPERTIES } from '../../functions/core/config';
import { transformTemplate } from '../../functions/core/transform';
import { SUBMODULES } from '../../functions/submodules';
import { parameterValues } from '../../scripts/lib/harness';
import { parseTemplate } from '../../scripts/lib/cfn-yaml';
import { registrySchema, registrySchemaText, SCHEMA_FILE } from '../../scripts/lib/registry-schema';
import { literalView, schemaFindings } from '../../scripts/lint';
import { goldenFeatures, INPUT_DIR, isErrorCase } from '../../scripts/update-golden';

const ROOT = join(__dirname, '..', '..');
const schema = registrySchema() as {
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  readOnlyProperties: string[];
};
const ctx = { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} };
const access = (Properties: Record<string, unknown>) => ({
  Resources: { AppAccess: { Type: 'Formidable::Serverless::Access', Properties } },
});

test('the shipped file is what `npm run schema` writes', () => {
  expect(readFileSync(join(ROOT, SCHEMA_FILE), 'utf8')).toBe(registrySchemaText());
});

test('the schema is a valid JSON schema (draft-07, as the registry meta-schema) with the registry keys', () => {
  const ajv = new Ajv({ strict: false });
  expect(() =>
    ajv.compile({
      ...registrySchema(),
      readOnlyProperties: undefined,
      primaryIdentifier: undefined,
      tagging: undefined,
      typeName: undefined,
    }),
  ).not.toThrow();
  expect(registrySchema()).toMatchObject({
    typeName: 'Formidable::Serverless::Access',
    additionalProperties: false,
    primaryIdentifier: ['/properties/LambdaRoleName'],
  });
});

describe.each(Object.entries(CORE_PROPERTIES))('core property %s', (name, spec) => {
  test('type, pattern, length, default and description come from CORE_PROPERTIES', () => {
    const p = schema.properties[name];
    expect(p.description).toBe(spec.description);
    expect(p.default).toEqual(spec.default);
    if (spec.kind === 'string') expect(p).toMatchObject({ type: 'string', pattern: spec.pattern?.source });
    if (spec.kind === 'string') expect(p.maxLength).toBe(spec.maxLength);
    if (spec.kind === 'boolean') expect(p.enum).toEqual([true, false, 'true', 'false']);
    if (spec.kind === 'list')
      expect(p).toMatchObject({ type: 'array', items: { type: 'string', pattern: spec.pattern?.source } });
    expect(schema.required.includes(name)).toBe(!!spec.required);
  });
});

/** The object shape of a submodule's schema (its options map). */
function optionsShape(s: Record<string, unknown>): { properties: Record<string, unknown> } {
  if (s.type === 'object') return s as { properties: Record<string, unknown> };
  return (s.oneOf as Record<string, unknown>[]).find((x) => x.type === 'object') as {
    properties: Record<string, unknown>;
  };
}

describe.each(SUBMODULES.map((m) => [m.property, m] as const))('submodule %s', (property, m) => {
  const shape = optionsShape(m.schema);

  test('has a description in the schema', () => {
    expect(typeof schema.properties[property].description).toBe('string');
  });

  test('the schema lists exactly the option keys the submodule parses', () => {
    const config = {
      submoduleProperties: {},
      iamStage: 'dev',
      stage: 'dev',
      slsServiceName: 'sls-x',
      serviceName: 'x',
      resourcePrefix: 'cf-x',
      stackName: 'sls-x-dev',
    } as never;
    const unknownOption = (key: string) => {
      const messages: string[] = [];
      m.parse({ [key]: 'x' }, (path, detail) => messages.push(`${path} ${detail}`), config);
      return messages.some(
        (msg) => msg.startsWith(`${property}.${key} is not an option`) || msg.includes('is not known'),
      );
    };
    for (const key of Object.keys(shape.properties))
      expect({ key, unknown: unknownOption(key) }).toEqual({ key, unknown: false });
    expect(unknownOption('NotAnOption')).toBe(true);
  });
});

test('the Fn::GetAtt attributes are the read-only properties (LambdaRoleName is an input too), and exactly what the macro resolves', () => {
  const readOnly = schema.readOnlyProperties.map((p) => p.replace('/properties/', ''));
  expect(readOnly.sort()).toEqual([
    'AdminGroupArn',
    'AdminGroupName',
    'BoundaryArn',
    'CiGroupArn',
    'CiGroupName',
    'DeveloperGroupArn',
    'DeveloperGroupName',
    'LambdaRoleArn',
  ]);
  const attributes = [...readOnly, 'LambdaRoleName'];
  for (const a of attributes) {
    expect(() =>
      transformTemplate(
        { ...access({ ServiceName: 'tapir' }), Outputs: { O: { Value: { 'Fn::GetAtt': ['AppAccess', a] } } } },
        ctx,
      ),
    ).not.toThrow();
  }
  expect(() =>
    transformTemplate(
      { ...access({ ServiceName: 'tapir' }), Outputs: { O: { Value: { 'Fn::GetAtt': ['AppAccess', 'Arn'] } } } },
      ctx,
    ),
  ).toThrow(/no attribute Arn/);
});

describe('the schema and the macro agree on inputs', () => {
  test.each(goldenFeatures().filter((f) => !isErrorCase(f)))('golden input %s: valid for both', (feature) => {
    const t = parseTemplate(readFileSync(join(INPUT_DIR, `${feature}.yaml`), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
    expect(schemaFindings(t)).toEqual([]);
    expect(() => transformTemplate(t, { ...ctx, templateParameterValues: parameterValues(t, {}) })).not.toThrow();
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['a misspelt property', { ServiceName: 'tapir', Stag: 'dev' }, /Stag/],
    ['no ServiceName', { Stage: 'dev' }, /ServiceName/],
    ['a bad pattern', { ServiceName: 'tapir_service' }, /ServiceName/],
    ['a bad enum', { ServiceName: 'tapir', Canary: { ServiceRole: 'mine' } }, /Canary/],
    ['a string for a boolean', { ServiceName: 'tapir', ManyLambdas: 'maybe' }, /ManyLambdas/],
    ['an unknown submodule option', { ServiceName: 'tapir', Xray: { Reader: ['admin'] } }, /Xray/],
    [
      'a read-only attribute as input',
      { ServiceName: 'tapir', LambdaRoleArn: 'arn:aws:iam::123456789012:role/x' },
      /LambdaRoleArn/,
    ],
  ];
  test.each(bad)('%s: rejected by both, naming the property', (_name, properties, property) => {
    const findings = schemaFindings(access(properties));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.property ?? f.message).join(' ')).toMatch(property);
    expect(() => transformTemplate(access(properties), ctx)).toThrow(property);
  });

  test('intrinsic values are left to the macro (which resolves them against the parameters)', () => {
    const marks: string[] = [];
    literalView({ ServiceName: { Ref: 'Service' }, Tags: { team: { 'Fn::Sub': '${Team}' }, x: 'y' } }, '', marks);
    expect(marks).toEqual(['/ServiceName', '/Tags/team']);
    expect(
      schemaFindings(
        access({ ServiceName: 'tapir', Tags: [{ Key: 'team', Value: { Ref: 'Team' } }], ManyLambdas: { Ref: 'Many' } }),
      ),
    ).toEqual([]);
    expect(schemaFindings(access({ ServiceName: { Ref: 'Service' }, Stage: { 'Fn::Sub': '${Stage}' } }))).toEqual([]);
  });
});
