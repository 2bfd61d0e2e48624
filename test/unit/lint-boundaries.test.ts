import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The runtime boundaries of DESIGN §1 are enforced by lint. Each case lints a one-line file placed in a
 * folder; a forbidden import must produce a no-restricted-imports error, an allowed one none.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').length;
}

describe('lint boundaries', () => {
  it.each([
    ['shared/x.ts', "import 'electron';"],
    ['shared/x.ts', "import { readFileSync } from 'node:fs';"],
    ['shared/x.ts', "import path from 'path';"],
    ['shared/x.ts', "import { createCore } from '../main/core';"],
    ['shared/domain/x.ts', "import { App } from '../../renderer/src/app/App';"],
    ['shared/x.ts', "import React from 'react';"],
    ['main/core/x.ts', "import { app } from 'electron';"],
    ['main/core/api/x.ts', "import { ipcMain } from 'electron/main';"],
    ['main/core/x.ts', "import { createWindow } from '../electron/window';"],
    ['main/cli/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { join } from 'node:path';"],
    ['renderer/src/x.ts', "import fs from 'fs';"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';"],
    ['renderer/src/features/x.tsx', "import { createCore } from '../../../main/core';"],
    ['renderer/src/x.ts', 'const fs = require("fs");'],
    ['renderer/src/x.ts', 'console.log(process.env);'],
  ])('%s refuses %s', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toBeGreaterThan(0);
  });

  it.each([
    ['shared/x.ts', "import { z } from 'zod';"],
    ['shared/domain/x.ts', "import { AppError } from '../errors';"],
    ['main/core/x.ts', "import { readFileSync } from 'node:fs';"],
    ['main/core/x.ts', "import { methods } from '../../shared/contract';"],
    ['main/electron/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { methods } from '../../shared/contract';"],
    ['renderer/src/x.ts', "import { on } from './events';"],
  ])('%s allows %s', async (file, code) => {
    expect(await restrictedImportErrors(file, code)).toBe(0);
  });
});
