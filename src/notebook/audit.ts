/**
 * The parameter cell of the audit notebooks (02–04): the analysis start, the audit's own
 * parameters (AUDIT_*), and the snapshot as the audit reads it.
 */
import { auditParams, formatAuditParams, type AuditParams } from '../audit/params';
import type { AuditInput } from '../audit/input';
import { ANALYSIS_PARAMS, startAnalysis, type AnalysisStart, type StartOptions } from './start';

export interface AuditStart extends AnalysisStart {
  audit: AuditParams;
  input: AuditInput;
}

export function startAudit(opts: StartOptions = {}): AuditStart {
  const start = startAnalysis(ANALYSIS_PARAMS, opts);
  const env = opts.env ?? process.env;
  const audit = auditParams(env);
  (opts.print ?? console.log)(formatAuditParams(audit, env));
  return { ...start, audit, input: { table: start.snapshot.table, manifest: start.snapshot.manifest } };
}
