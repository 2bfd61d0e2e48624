import type { PanelId } from '../app/navigation';

/** Every panel may send the artist to another one (empty states point at what they can do now). */
export interface PanelProps {
  onNavigate(panel: PanelId): void;
}
