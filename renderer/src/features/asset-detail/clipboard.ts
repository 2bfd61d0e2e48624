/**
 * Copies text to the clipboard. The async Clipboard API needs a secure context (Electron's app protocol
 * and 127.0.0.1 are both secure) and may still be refused (permissions, an unfocused window); the fallback
 * is the old hidden-textarea + execCommand('copy'). The textarea goes inside `container` — the open modal
 * dialog — because everything outside a modal <dialog> is inert and could not be selected.
 */
export async function copyText(text: string, container: HTMLElement | null): Promise<void> {
  let firstError: unknown = null;
  if (typeof navigator !== 'undefined' && navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch (error) {
      firstError = error;
    }
  }
  const host = container ?? document.body;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  area.style.pointerEvents = 'none';
  host.appendChild(area);
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  try {
    area.select();
    // Deprecated, but the only synchronous copy left, and still supported by every engine we ship on.
    const copied = document.execCommand('copy');
    if (!copied) {
      const reason = firstError instanceof Error ? `: ${firstError.message}` : '';
      throw new Error(`The clipboard refused the text${reason}. Select the prompt and copy it by hand.`);
    }
  } finally {
    area.remove();
    previous?.focus();
  }
}
