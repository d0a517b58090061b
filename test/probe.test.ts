import { expect } from 'chai';
import { probe } from '../src/util/probe';
describe('probe', () => { it('works', () => { expect(probe()).to.be.closeTo(3 + Math.log(2), 1e-12); }); });
