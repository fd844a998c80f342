import { secrets } from '../../../functions/submodules/secrets-manager';
import { configFor, expandProperties, fillTokens, fragmentOf, optionsOf, parse } from './helpers';
import { entryProblems, escalationProblems } from '../../support/catalog-checker';

describe('Secrets: parse', () => {
  test('Names, admin writes by default, no key without Kms', () => {
    expect(optionsOf(secrets, { Names: ['db-password'] })).toEqual({
      names: ['db-password'],
      writers: ['admin'],
      kms: false,
    });
  });

  test('Writers and the Kms key', () => {
    const config = configFor({ Kms: true, Secrets: { Names: ['a'], Writers: ['ci', 'admin'] } });
    expect(optionsOf(secrets, { Names: ['a', 'stripe/api-key'], Writers: ['ci', 'admin'] }, config)).toEqual({
      names: ['a', 'stripe/api-key'],
      writers: ['admin', 'ci'],
      kms: true,
    });
  });

  test.each([
    [
      'true (Names are needed)',
      true,
      ['Secrets.Names is required: the names of the secrets, e.g. [db-password, stripe-key].'],
    ],
    [
      'a list',
      ['a'],
      [
        'Secrets should be a map with Names (the secrets, each stored as <service>/<stage>/<name>) and Writers, not a list.',
      ],
    ],
    [
      'no Names',
      { Writers: ['admin'] },
      ['Secrets.Names is required: the names of the secrets, e.g. [db-password, stripe-key].'],
    ],
    [
      'a bad name',
      { Names: ['ok', 'not ok'] },
      ["Secrets.Names[1] 'not ok' should be a secret name of letters, digits and /_+=.@- such as db-password."],
    ],
    [
      'a leading slash',
      { Names: ['/x'] },
      ["Secrets.Names[0] '/x' should be a secret name of letters, digits and /_+=.@- such as db-password."],
    ],
    [
      'names that differ in punctuation only',
      { Names: ['db-password', 'db_password'] },
      ["Secrets.Names[1] 'db_password' and 'db-password' differ only in punctuation; rename one."],
    ],
    [
      'an unknown writer',
      { Names: ['a'], Writers: ['lambda'] },
      ["Secrets.Writers[0] 'lambda' should be one of admin, developer, ci."],
    ],
    ['a misspelt option', { Name: ['a'] }, ["Secrets.Name is not an option of Secrets; did you mean 'Names'?"]],
  ])('%s fails naming the path', (_name, value, errors) => {
    const r = parse(secrets, value);
    expect(r.options).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });

  test('a name too long for Secrets Manager', () => {
    expect(parse(secrets, { Names: ['x'.repeat(510)] }).errors).toEqual([
      'Secrets.Names[0] makes the secret name 524 characters long; Secrets Manager allows 512.',
    ]);
  });
});

describe.each([
  ['without Kms', {}],
  ['with Kms', { Kms: true }],
])('Secrets: entries (%s)', (_name, extra) => {
  const value = { Names: ['db-password', 'stripe/api-key'], Writers: ['admin', 'ci'] };
  const config = configFor({ ...extra, Secrets: value });
  const entries = secrets.entries(optionsOf(secrets, value, config), config);

  test.each(entries.map((e) => [e.id, e] as const))('%s holds to the catalog rules', async (_id, e) => {
    expect(await entryProblems(e, config)).toEqual([]);
  });

  test('the execution role reads exactly the named secrets; no group reads a value', () => {
    const read = entries.find((e) => e.id === 'secrets.lambda-read');
    expect(read?.roles).toEqual(['lambda']);
    expect(read?.resources.map((r) => fillTokens(r, config))).toEqual([
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:sls-tapir/dev/db-password-??????',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:sls-tapir/dev/stripe/api-key-??????',
    ]);
    const groupActions = entries.filter((e) => !e.roles.includes('lambda')).flatMap((e) => e.actions);
    expect(groupActions).not.toContain('secretsmanager:GetSecretValue');
    expect(escalationProblems(entries)).toEqual([]);
  });

  test('Writers put values', () => {
    expect(entries.find((e) => e.id === 'secrets.put-values')?.roles).toEqual(['admin', 'ci']);
  });

  test("with Kms, writers seal values with the service's key through Secrets Manager only", () => {
    const kms = entries.find((e) => e.id === 'secrets.put-values-kms');
    if (!('Kms' in extra)) return expect(kms).toBeUndefined();
    expect(kms?.roles).toEqual(['admin', 'ci']);
    expect(kms?.condition).toEqual({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/sls-tapir/dev' },
      StringLike: { 'kms:ViaService': 'secretsmanager.{Region}.amazonaws.com' },
    });
  });
});

describe('Secrets: resources', () => {
  test('empty secrets named <service>/<stage>/<name>, kept on removal, tagged, with the Kms key when on', async () => {
    const t = fragmentOf(
      await expandProperties({
        Kms: true,
        Secrets: { Names: ['db-password', 'stripe/api-key'] },
        Tags: { team: 'platform' },
      }),
    );
    const s = t.Resources.TapirAccessSecretStripeApiKey as unknown as {
      Type: string;
      DeletionPolicy: string;
      Properties: Record<string, unknown>;
    };
    expect(s.Type).toBe('AWS::SecretsManager::Secret');
    expect(s.DeletionPolicy).toBe('Retain');
    expect(s.Properties).toEqual({
      Name: 'sls-tapir/dev/stripe/api-key',
      Description: 'sls-tapir dev: stripe/api-key (value set by admin)',
      KmsKeyId: { Ref: 'TapirAccessKmsKey' },
      Tags: [
        { Key: 'team', Value: 'platform' },
        { Key: 'service', Value: 'tapir' },
        { Key: 'stage', Value: 'dev' },
      ],
    });
    expect(t.Outputs?.TapirAccessSecretDbPasswordArn.Value).toEqual({ Ref: 'TapirAccessSecretDbPassword' });
  });

  test("without Kms the secrets use Secrets Manager's own key", async () => {
    const t = fragmentOf(await expandProperties({ Secrets: { Names: ['token'] } }));
    expect(t.Resources.TapirAccessSecretToken.Properties.KmsKeyId).toBeUndefined();
  });
});
