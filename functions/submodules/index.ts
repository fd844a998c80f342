/**
 * The ordered registry of submodules; the core expands each one whose property is set. The order is fixed:
 * it is the order of their statements, resources and outputs in every expansion.
 */
import { canary } from './canary';
import { alarms, dashboard } from './cloudwatch';
import { kmsKey } from './kms';
import { secrets } from './secrets-manager';
import type { Submodule } from './types';
import { vpc } from './vpc';
import { xray } from './xray';

export const SUBMODULES: readonly Submodule[] = [xray, canary, vpc, kmsKey, secrets, alarms, dashboard];
