/** The ordered registry of submodules; the core expands each one whose property is set. */
import { canary } from './canary';
import type { Submodule } from './types';
import { vpc } from './vpc';
import { xray } from './xray';

export const SUBMODULES: readonly Submodule<any>[] = [xray, canary, vpc]; // eslint-disable-line @typescript-eslint/no-explicit-any
