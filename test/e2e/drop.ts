import type { JSHandle, Page } from '@playwright/test';
import { expect } from './fixtures';

/** A file as a drop hands it to the page: text, or bytes in base64. */
export interface DropFile {
  name: string;
  type: string;
  text?: string;
  base64?: string;
}

/** A DataTransfer made in the page, as the OS would hand one to a drop. */
export function dataTransfer(page: Page, files: DropFile[]): Promise<JSHandle<DataTransfer>> {
  return page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const part = f.base64 !== undefined ? Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) : (f.text ?? '');
      dt.items.add(new File([part], f.name, { type: f.type }));
    }
    return dt;
  }, files);
}

/** Drag over the workspace (the overlay shows and says what will happen), then drop. */
export async function dragAndDrop(page: Page, files: DropFile[], expectedMessage: string): Promise<void> {
  const dt = await dataTransfer(page, files);
  const target = page.locator('main.workspace');
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  const overlay = page.getByTestId('intake-overlay');
  await expect(overlay).toBeVisible();
  await expect(overlay).toHaveText(expectedMessage);
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await expect(overlay).toBeHidden();
}
