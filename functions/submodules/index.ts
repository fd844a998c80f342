/** The ordered registry of submodules; the core expands each one whose property is set. */
import type { Submodule } from './types';

export const SUBMODULES: readonly Submodule<any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
