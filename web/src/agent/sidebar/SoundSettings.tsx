/** Which sounds play (new sessions, customers' replies); none while Away. Saved per browser. */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { setSoundSettings, soundSettings, type SoundKind } from "../alerts";

const CHOICES: readonly { kind: SoundKind; label: string }[] = [
  { kind: "offers", label: "A new session waits in my queues" },
  { kind: "replies", label: "A customer writes in a chat I am not looking at" },
];

export function SoundSettings() {
  const open = useSignal(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLFieldSetElement>(null);
  const settings = soundSettings.value;
  const anyOn = settings.offers || settings.replies;

  useEffect(() => {
    if (open.value) panel.current?.querySelector("input")?.focus();
  }, [open.value]);

  return (
    <div
      class="sound-settings"
      onFocusOut={(event) => {
        const next = event.relatedTarget;
        if (next instanceof Node && !event.currentTarget.contains(next)) open.value = false;
      }}
    >
      <button
        ref={button}
        type="button"
        class="icon-button"
        aria-label="Sound settings"
        title={anyOn ? "Sound settings" : "Sound settings (all sounds off)"}
        aria-expanded={open.value}
        aria-controls="sound-settings-panel"
        onClick={() => (open.value = !open.value)}
      >
        <span aria-hidden="true" class={anyOn ? "" : "sound-settings__off"}>
          ♪
        </span>
      </button>
      {open.value && (
        <fieldset
          ref={panel}
          id="sound-settings-panel"
          class="sound-settings__panel"
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              open.value = false;
              button.current?.focus();
            }
          }}
        >
          <legend>Play a sound when</legend>
          {CHOICES.map(({ kind, label }) => (
            <label key={kind} class="sound-settings__choice">
              <input type="checkbox" checked={settings[kind]} onChange={(event) => setSoundSettings({ ...soundSettings.value, [kind]: event.currentTarget.checked })} />
              {label}
            </label>
          ))}
          <p class="muted sound-settings__note">No sounds while you are Away.</p>
        </fieldset>
      )}
    </div>
  );
}
