/**
 * Shared helpers for the launch tests (not a test file: AVA skips names starting with '_').
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvaluateOptions, EvaluatedLaunch, ProcessSpec } from './evaluate.js';
import { evaluateLaunchFile } from './evaluate.js';

export const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');

/** A temporary directory with the given files; returns its path and a cleanup function. */
export function tempFiles(files: Readonly<Record<string, string>>): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-launch-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The resolver the tests use: `bftkvs` executables become `node <exec>.ts`. */
export const testResolver: NonNullable<EvaluateOptions['resolveNode']> = (req) => {
  if (req.pkg === undefined) return [req.exec];
  if (req.pkg !== 'bftkvs') throw new Error(`unknown package ${req.pkg}`);
  return ['node', `/bin/${req.exec}.ts`];
};

/** Evaluates one launch file text (YAML or XML by extension) in a fresh temp dir. */
export function evalText(name: string, text: string, opts: EvaluateOptions = {}, extra: Readonly<Record<string, string>> = {}): EvaluatedLaunch {
  const t = tempFiles({ [name]: text, ...extra });
  try {
    return evaluateLaunchFile(t.path(name), { env: {}, resolveNode: testResolver, ...opts });
  } finally {
    t.cleanup();
  }
}

/** The error message evaluating the text throws (fails if it does not throw). */
export function evalError(name: string, text: string, opts: EvaluateOptions = {}, extra: Readonly<Record<string, string>> = {}): string {
  try {
    evalText(name, text, opts, extra);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** A spec without where it came from (for comparing the YAML and XML forms). */
export function withoutSource(p: ProcessSpec): Omit<ProcessSpec, 'source'> {
  const { source: _source, ...rest } = p;
  return rest;
}
