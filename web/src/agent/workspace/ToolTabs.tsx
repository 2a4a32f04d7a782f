/**
 * The tools area's tabs (Record, Knowledge Base, Customer) as an ARIA tablist: one Tab stop
 * (the selected tab; the others are reached with the arrow keys, Home and End, which also
 * select), and a tab panel per tool opened so far. A tool once opened stays mounted, hidden
 * while another is shown, so an incident being edited survives a look at another tool; a tab
 * names its panel in `aria-controls` only while that panel is in the document.
 */
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";

export interface ToolTab {
  id: string;
  name: string;
}

/** The tab a key moves to from `index` among `count` (wrapping), or null for a key that does not move. */
export function tabAfterKey(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowRight":
      return (index + 1) % count;
    case "ArrowLeft":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

export const tabId = (id: string): string => `tool-tab-${id}`;
export const panelId = (id: string): string => `tool-panel-${id}`;

export function ToolTabs({
  tools,
  selected,
  opened,
  onSelect,
  children,
}: {
  tools: readonly ToolTab[];
  selected: string;
  /** The tools whose panels are mounted; the selected one always is. */
  opened: ReadonlySet<string>;
  onSelect: (id: string) => void;
  /** A tool's content, for its panel. */
  children: (id: string) => ComponentChildren;
}) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const mounted = (id: string) => id === selected || opened.has(id);

  const onKeyDown = (event: KeyboardEvent) => {
    const from = tools.findIndex((t) => t.id === selected);
    const to = tabAfterKey(event.key, from < 0 ? 0 : from, tools.length);
    const tool = to === null ? undefined : tools[to];
    if (to === null || tool === undefined) return;
    event.preventDefault();
    buttons.current[to]?.focus();
    onSelect(tool.id);
  };

  return (
    <>
      <div class="tools__tabs" role="tablist" aria-label="Tools" onKeyDown={onKeyDown}>
        {tools.map((t, index) => (
          <button
            key={t.id}
            ref={(button) => {
              buttons.current[index] = button;
            }}
            type="button"
            role="tab"
            id={tabId(t.id)}
            class="tools__tab"
            aria-selected={t.id === selected}
            aria-controls={mounted(t.id) ? panelId(t.id) : undefined}
            tabIndex={t.id === selected ? 0 : -1}
            onClick={() => onSelect(t.id)}
          >
            {t.name}
          </button>
        ))}
      </div>
      {tools
        .filter((t) => mounted(t.id))
        .map((t) => (
          <div key={t.id} class="tools__panel" role="tabpanel" id={panelId(t.id)} aria-labelledby={tabId(t.id)} hidden={t.id !== selected}>
            {children(t.id)}
          </div>
        ))}
    </>
  );
}
