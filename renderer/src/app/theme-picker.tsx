import { THEME_CHOICES, THEME_LABELS, type ThemeChoice } from './theme';

/**
 * System / Light / Dark as one radio group: native radios give arrow-key movement and the checked state to
 * assistive tech for free; the labels are styled as a segmented control.
 */
export function ThemePicker({ value, onChange }: { value: ThemeChoice; onChange(choice: ThemeChoice): void }) {
  return (
    <fieldset className="theme-picker">
      <legend className="theme-picker-legend">Theme</legend>
      <div className="theme-picker-options">
        {THEME_CHOICES.map((choice) => (
          <label key={choice} className={choice === value ? 'theme-option is-checked' : 'theme-option'}>
            <input type="radio" name="apex-theme" value={choice} checked={choice === value} onChange={() => onChange(choice)} />
            <span>{THEME_LABELS[choice]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
