export { familySpec, readResponse, FAMILY_NAMES } from './spec';
export type { FamilyName, FamilySpec } from './spec';
export { KERNELS } from './kernels';
export type { Kernel, CellStats } from './kernels';
