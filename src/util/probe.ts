import * as aq from 'arquero';
import gammaln from '@stdlib/math-base-special-gammaln';
export function probe(): number { return aq.table({ x: [1, 2, 3] }).numRows() + gammaln(3); }
