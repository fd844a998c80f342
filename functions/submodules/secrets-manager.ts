/**
 * `Secrets: {Names: [...], Writers: [admin|developer|ci]}`: secrets named `<service>/<stage>/<name>`, created
 * empty (no value is written into a template), encrypted with the Kms submodule's key when it is on.
 *
 * The execution role reads exactly these secrets; the groups in Writers (admin by default) put new values; all
 * three groups see their metadata (not their values); nobody but the functions reads a value.
 */
import { SAR, type CatalogEntry, type GroupRole } from '../catalog/types';
import type { AccessConfig } from '../core/config';
import { byAlias } from './kms';
import {
  ALL_GROUPS,
  isOn,
  LOGICAL,
  namedStage,
  optionsOf,
  pascalName,
  roleList,
  stringList,
  tagList,
  type Fail,
} from './common';
import type { CfnResource, ExpansionContext, Submodule, SubmoduleOutput } from './types';

export interface SecretsOptions {
  readonly names: readonly string[];
  readonly writers: readonly GroupRole[];
  /** The Kms submodule is on: the secrets use its key. */
  readonly kms: boolean;
}

const source = `${SAR}list_awssecretsmanager.html`;
const kmsSource = `${SAR}list_awskeymanagementservice.html`;
/** Secret names: letters, digits and /_+=.@- (Secrets Manager), no leading or trailing slash. */
const NAME = /^[A-Za-z0-9_+=.@-]+(\/[A-Za-z0-9_+=.@-]+)*$/;

export function secretName(config: AccessConfig, name: string): string {
  return `${config.slsServiceName}/${namedStage(config)}/${name}`;
}

/** Secrets Manager appends `-` and six random characters to a secret's name in its ARN. */
function secretArn(config: AccessConfig, name: string): string {
  return `arn:{Partition}:secretsmanager:{Region}:{Account}:secret:{Service}/${namedStage(config)}/${name}-??????`;
}

export const secrets: Submodule<SecretsOptions> = {
  property: 'Secrets',
  schema: {
    description: 'Secrets Manager secrets of the service, each stored as <service>/<stage>/<name>: {Names, Writers}.',
    type: 'object',
    additionalProperties: false,
    required: ['Names'],
    properties: {
      Names: {
        type: 'array',
        items: { type: 'string' },
        minItems: 1,
        description: 'Names of the secrets, e.g. [db-password, stripe-key].',
      },
      Writers: {
        ...{ type: 'array', items: { enum: ['admin', 'developer', 'ci'] }, uniqueItems: true },
        default: ['admin'],
        description: 'Groups that may write the values (default admin).',
      },
    },
  },

  parse(value: unknown, fail: Fail, config: AccessConfig): SecretsOptions | undefined {
    const o = optionsOf(
      value,
      'Secrets',
      ['Names', 'Writers'],
      fail,
      'a map with Names (the secrets, each stored as <service>/<stage>/<name>) and Writers',
    );
    if (!o) return undefined;
    if (o.Names === undefined)
      return (
        fail('Secrets.Names', 'is required: the names of the secrets, e.g. [db-password, stripe-key].'),
        undefined
      );
    const names = stringList(o.Names, 'Secrets.Names', fail, {
      pattern: NAME,
      what: 'a secret name of letters, digits and /_+=.@- such as db-password',
      plural: 'secret names',
    });
    const writers = o.Writers === undefined ? (['admin'] as GroupRole[]) : roleList(o.Writers, 'Secrets.Writers', fail);
    if (!names || !writers) return undefined;
    let ok = true;
    names.forEach((n, i) => {
      const full = secretName(config, n);
      if (full.length > 512)
        ok =
          (fail(
            `Secrets.Names[${i}]`,
            `makes the secret name ${full.length} characters long; Secrets Manager allows 512.`,
          ),
          false);
    });
    const ids = names.map((n) => pascalName(n));
    const clash = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (clash >= 0)
      ok =
        (fail(
          `Secrets.Names[${clash}]`,
          `'${names[clash]}' and '${names[ids.indexOf(ids[clash])]}' differ only in punctuation; rename one.`,
        ),
        false);
    return ok ? { names, writers, kms: isOn(config, 'Kms') } : undefined;
  },

  entries(options: SecretsOptions, config: AccessConfig): CatalogEntry[] {
    const arns = options.names.map((n) => secretArn(config, n));
    const out: CatalogEntry[] = [
      {
        id: 'secrets.lambda-read',
        roles: ['lambda'],
        source,
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        resources: arns,
        reason: "Functions read the service's own secrets, listed by name, and no other.",
      },
      {
        id: 'secrets.describe',
        roles: [...ALL_GROUPS],
        source,
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
        resources: arns,
        reason: "The groups see the secrets' metadata and versions (never their values).",
      },
    ];
    if (options.writers.length) {
      out.push({
        id: 'secrets.put-values',
        roles: options.writers,
        source,
        actions: ['secretsmanager:PutSecretValue'],
        resources: arns,
        reason: 'Writers set and rotate the values by hand (aws secretsmanager put-secret-value).',
      });
      if (options.kms) {
        out.push({
          id: 'secrets.put-values-kms',
          roles: options.writers,
          source: kmsSource,
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['arn:{Partition}:kms:{Region}:{Account}:key/*'],
          condition: { ...byAlias(config), StringLike: { 'kms:ViaService': 'secretsmanager.{Region}.amazonaws.com' } },
          reason: "A new value is sealed with the service's key; only through Secrets Manager.",
        });
      }
    }
    return out;
  },

  resources(options: SecretsOptions, ctx: ExpansionContext): Record<string, CfnResource> {
    const out: Record<string, CfnResource> = {};
    for (const name of options.names) {
      out[`Secret${pascalName(name)}`] = {
        Type: 'AWS::SecretsManager::Secret',
        // A value someone put by hand is not in any template: dropping a name keeps the secret.
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          Name: secretName(ctx.config, name),
          Description: `${ctx.config.slsServiceName} ${namedStage(ctx.config)}: ${name} (value set by ${options.writers.join(', ') || 'nobody in the groups'})`,
          ...(options.kms ? { KmsKeyId: { Ref: `${ctx.logicalId}${LOGICAL.kmsKey}` } } : {}),
          Tags: tagList(ctx),
        },
      };
    }
    return out;
  },

  outputs(options: SecretsOptions, ctx: ExpansionContext): Record<string, SubmoduleOutput> {
    return Object.fromEntries(
      options.names.map((name) => [
        `Secret${pascalName(name)}Arn`,
        {
          value: { Ref: `${ctx.logicalId}Secret${pascalName(name)}` },
          description: `ARN of the secret ${secretName(ctx.config, name)}`,
        },
      ]),
    );
  },
};
