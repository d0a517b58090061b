/** The syntax tree of a VKScript program, as parser.ts builds it and evaluate.ts walks it. */
import type { Value } from './values';

export type Expr =
  | { t: 'lit'; v: Value }
  | { t: 'name'; name: string }
  | { t: 'arr'; items: Expr[] }
  | { t: 'obj'; entries: [string, Expr][] }
  | { t: 'member'; obj: Expr; prop: string }
  | { t: 'index'; obj: Expr; index: Expr }
  | { t: 'pluck'; obj: Expr; prop: string }
  | { t: 'call'; callee: Expr; args: Expr[] }
  | { t: 'unary'; op: string; arg: Expr }
  | { t: 'bin'; op: string; left: Expr; right: Expr }
  | { t: 'logic'; op: '&&' | '||'; left: Expr; right: Expr }
  | { t: 'cond'; test: Expr; then: Expr; else: Expr }
  | { t: 'assign'; op: string; target: Expr; value: Expr };
export type PluckExpr = Extract<Expr, { t: 'pluck' }>;

export type Stmt =
  | { t: 'var'; decls: [string, Expr | null][] }
  | { t: 'expr'; e: Expr }
  | { t: 'while'; test: Expr; body: Stmt }
  | { t: 'if'; test: Expr; then: Stmt; else: Stmt | null }
  | { t: 'block'; body: Stmt[] }
  | { t: 'return'; e: Expr | null }
  | { t: 'empty' };
export type AssignExpr = Extract<Expr, { t: 'assign' }>;
export type Program = Stmt[];
