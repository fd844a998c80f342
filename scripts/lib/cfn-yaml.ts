/** Reads CloudFormation templates in JSON or YAML, including the short-form tags (!Ref, !Sub, !GetAtt ...). */
import { parse, type CollectionTag, type ScalarTag } from 'yaml';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
];

function tagsFor(name: string): Array<ScalarTag | CollectionTag> {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const resolve = (value: unknown) => ({ [key]: value });
  return [
    { tag: `!${name}`, resolve: (v: string) => resolve(v) } as ScalarTag,
    {
      tag: `!${name}`,
      collection: 'seq',
      resolve: (v: { toJSON(): unknown }) => resolve(v.toJSON()),
    } as unknown as CollectionTag,
    {
      tag: `!${name}`,
      collection: 'map',
      resolve: (v: { toJSON(): unknown }) => resolve(v.toJSON()),
    } as unknown as CollectionTag,
  ];
}

const CUSTOM_TAGS = [
  ...['Ref', 'Condition', ...FUNCTIONS].flatMap(tagsFor),
  // !GetAtt A.B is the short form of Fn::GetAtt: [A, B].
  {
    tag: '!GetAtt',
    resolve: (v: string) => ({
      'Fn::GetAtt': v.includes('.') ? [v.slice(0, v.indexOf('.')), v.slice(v.indexOf('.') + 1)] : v,
    }),
  } as ScalarTag,
  {
    tag: '!GetAtt',
    collection: 'seq',
    resolve: (v: { toJSON(): unknown }) => ({ 'Fn::GetAtt': v.toJSON() }),
  } as unknown as CollectionTag,
];

export function parseTemplate(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return JSON.parse(text);
  return parse(text, { customTags: CUSTOM_TAGS, version: '1.1', schema: 'core', maxAliasCount: -1 });
}
