/** The ordered registry of submodules; the core expands each one whose property is set. */
import { canary } from './canary';
import { kmsKey } from './kms';
import { secrets } from './secrets-manager';
import type { Submodule } from './types';
import { vpc } from './vpc';
import { xray } from './xray';

export const SUBMODULES: readonly Submodule<any>[] = [xray, canary, vpc, kmsKey, secrets]; // eslint-disable-line @typescript-eslint/no-explicit-any
