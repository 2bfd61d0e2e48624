import { useShallow } from 'zustand/react/shallow';
import { BrandMark } from '../components/icons';
import { NavRail, type NavRailItem } from '../components/NavRail';
import { EstimatePanel } from '../features/estimate/EstimatePanel';
import { GalleryPanel } from '../features/gallery/GalleryPanel';
import { HealthPanel } from '../features/health/HealthPanel';
import { Intake } from '../features/intake/Intake';
import { QueuePanel } from '../features/queue/QueuePanel';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { StatusBarContainer } from '../features/status/StatusBarContainer';
import { backendsView } from '../features/status/status-view';
import { PANELS, type PanelId } from './navigation';
import { PANEL_ICONS } from './panel-icons';
import { SidebarFooter } from './SidebarFooter';
import { useStatusStore } from './stores';
import { useActivePanel } from './use-active-panel';
import { usePanelShortcuts } from './use-panel-shortcuts';

const GROUPS = [
  { id: 'workspace', label: 'Workspace' },
  { id: 'system', label: 'System' },
] as const;

function ActivePanel({ panel, onNavigate }: { panel: PanelId; onNavigate: (panel: PanelId) => void }) {
  switch (panel) {
    case 'queue':
      return <QueuePanel onNavigate={onNavigate} />;
    case 'gallery':
      return <GalleryPanel onNavigate={onNavigate} />;
    case 'estimate':
      return <EstimatePanel onNavigate={onNavigate} />;
    case 'settings':
      return <SettingsPanel />;
    case 'health':
      return <HealthPanel onNavigate={onNavigate} />;
  }
}

/** The rail's live hints: how many jobs wait, and whether anything can generate. */
function useRailHints(): { waiting: number; backendsTone: 'ok' | 'warn' | 'danger' | null } {
  return useStatusStore(
    useShallow((s) => {
      if (!s.status) return { waiting: 0, backendsTone: null };
      const tone = backendsView(s.status).tone;
      return { waiting: s.status.jobs.queued + s.status.jobs.running, backendsTone: tone === 'idle' ? null : tone };
    }),
  );
}

export function App() {
  const [panel, selectPanel] = useActivePanel();
  usePanelShortcuts(selectPanel);
  const hints = useRailHints();

  const items: NavRailItem<PanelId>[] = PANELS.map((definition) => {
    const Icon = PANEL_ICONS[definition.id];
    return {
      ...definition,
      icon: <Icon />,
      badge: definition.id === 'queue' && hints.waiting > 0 ? hints.waiting.toLocaleString('en-US') : null,
      tone: definition.id === 'health' ? hints.backendsTone : null,
    };
  });

  return (
    <div className="app-frame">
      <aside className="sidebar">
        <div className="brand">
          <BrandMark />
          <span className="brand-name">
            APEX <span className="brand-name-light">Director</span>
          </span>
        </div>
        <NavRail label="Panels" items={items} groups={GROUPS} activeId={panel} onSelect={selectPanel} />
      </aside>
      <main className="workspace" aria-labelledby="panel-title" data-panel={panel}>
        <Intake onNavigate={selectPanel} />
        <ActivePanel panel={panel} onNavigate={selectPanel} />
      </main>
      {/* After <main>: Tab goes rail → panel → footer; CSS places it at the foot of the sidebar. */}
      <SidebarFooter />
      <StatusBarContainer />
    </div>
  );
}
