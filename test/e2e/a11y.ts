import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';

/**
 * axe-core, injected into the page and run there. `@axe-core/playwright` needs Node 22, so the engine's
 * source from the installed `axe-core` package is evaluated through the DevTools protocol: a script tag
 * would be refused by the app's CSP (script-src 'self'), which the scan must not weaken.
 */

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts that fail the scan: the issue asks for "no serious violations" (critical is worse). */
const BLOCKING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical']);

export interface AxeNode {
  target: string[];
  html: string;
  failureSummary: string;
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

interface AxeWindow {
  axe?: {
    run(context: Document | Element | string, options: { resultTypes: string[] }): Promise<{ violations: Array<{ id: string; impact?: string | null; help: string; helpUrl: string; nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }> }> }>;
  };
}

/**
 * Runs axe on the whole document (or `selector`, e.g. an open dialog) and returns the serious and critical
 * violations. Call once the page shows what should be scanned: axe sees the DOM as it is at that moment.
 */
export async function seriousViolations(page: Page, selector?: string): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as AxeWindow).axe !== 'undefined');
  if (!loaded) await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  const violations = await page.evaluate(async (scope) => {
    const axe = (window as AxeWindow).axe;
    if (!axe) throw new Error('axe-core did not load into the page');
    const result = await axe.run(scope ?? document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html, failureSummary: n.failureSummary ?? '' })),
    }));
  }, selector ?? null);
  return violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
}

/** One readable block per violation and element, for the assertion message. */
export function formatViolations(where: string, violations: readonly AxeViolation[]): string {
  if (violations.length === 0) return `${where}: no serious or critical axe violations`;
  const lines = [`${where}: ${violations.length} serious/critical axe violation(s)`];
  for (const v of violations) {
    lines.push(`- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes.slice(0, 8)) {
      lines.push(`    at ${node.target.join(' ')}`);
      lines.push(`       ${node.html.slice(0, 200)}`);
      for (const summary of node.failureSummary.split('\n').filter(Boolean)) lines.push(`       ${summary.trim()}`);
    }
    if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more element(s)`);
  }
  return lines.join('\n');
}
