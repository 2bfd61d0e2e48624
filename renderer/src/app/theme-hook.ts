import { useCallback, useEffect, useState } from 'react';
import { applyThemeChoice, readThemeChoice, storeThemeChoice, THEME_STORAGE_KEY, type ThemeChoice } from './theme';

// Applied as soon as the app's modules load, before React's first paint, so a forced theme never flashes.
applyThemeChoice(readThemeChoice());

/** The theme choice with a setter that persists and applies it; other windows follow via the storage event. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(readThemeChoice);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== null && event.key !== THEME_STORAGE_KEY) return;
      const next = readThemeChoice();
      applyThemeChoice(next);
      setChoice(next);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const select = useCallback((next: ThemeChoice) => {
    storeThemeChoice(next);
    applyThemeChoice(next);
    setChoice(next);
  }, []);

  return [choice, select];
}
