/**
 * A submodule is an optional property of the Access resource (`Xray: true`, `Vpc: {...}`) that adds
 * catalog entries and resources through the same path as the core. The core loops over the registry in
 * functions/submodules/index.ts; a submodule never edits the template itself.
 */
import type { CatalogEntry } from '../catalog/types';
import type { AccessConfig } from '../core/config';
import type { Tokens } from '../core/naming';

export type CfnResource = Record<string, unknown> & { Type: string };

export interface ExpansionContext {
  readonly config: AccessConfig;
  readonly tokens: Tokens;
  /** Logical id of the Access resource: prefix every logical id the submodule adds with it. */
  readonly logicalId: string;
  /** Tags every created resource carries: the Access resource's Tags plus service and stage. */
  readonly tags: ReadonlyArray<{ Key: string; Value: string }>;
  /** Ref to (or name of) the execution role the service's functions run as. */
  readonly lambdaRole: unknown;
}

export interface SubmoduleOutput {
  readonly value: unknown;
  readonly description: string;
}

export interface Submodule<Options = unknown> {
  /** The property name on Formidable::Serverless::Access. */
  readonly property: string;
  /** The property's JSON schema for the registry schema (description, accepted shapes and option keys). */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Validate the property's (resolved) value; report errors through `fail(keyPath, detail)`. */
  parse(value: unknown, fail: (keyPath: string, detail: string) => void, config: AccessConfig): Options | undefined;
  entries(options: Options, config: AccessConfig): readonly CatalogEntry[];
  /** Extra resources, keyed by logical id suffix (the Access logical id is prepended). */
  resources?(options: Options, ctx: ExpansionContext): Record<string, CfnResource>;
  /** Extra outputs, keyed by output suffix. */
  outputs?(options: Options, ctx: ExpansionContext): Record<string, SubmoduleOutput>;
}
