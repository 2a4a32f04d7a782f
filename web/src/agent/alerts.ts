/**
 * Alerts: a short beep (for new sessions and customers' replies, each switchable, silent while
 * Away), a desktop notification, and a count in the tab title.
 */
import { signal } from "@preact/signals";
import { localStore, type KeyValueStore } from "./persist";
import { connection, me, presenceChoice } from "./state";

const ASKED_KEY = "switchboard.notifications-asked";

/** Asks for desktop notifications once per browser (a later "no" is respected). */
export function askNotificationPermissionOnce(): void {
  if (typeof Notification === "undefined" || Notification.permission !== "default") return;
  try {
    if (localStorage.getItem(ASKED_KEY) !== null) return;
    localStorage.setItem(ASKED_KEY, "1");
  } catch {
    return;
  }
  void Notification.requestPermission().catch(() => undefined);
}

let audio: AudioContext | null = null;

interface GestureTarget {
  addEventListener(type: "pointerdown" | "keydown", listener: () => void, options?: AddEventListenerOptions): void;
  removeEventListener(type: "pointerdown" | "keydown", listener: () => void): void;
}

/**
 * Browsers start an AudioContext only after a user gesture: it is created (or resumed) on the
 * first pointerdown or keydown, so a later beep can play. Returns the undo.
 */
export function unlockAudioOnFirstGesture(target: GestureTarget, create: () => AudioContext = () => new AudioContext()): () => void {
  const unlock = () => {
    target.removeEventListener("pointerdown", unlock);
    target.removeEventListener("keydown", unlock);
    try {
      audio ??= create();
      if (audio.state === "suspended") void audio.resume().catch(() => undefined);
    } catch {
      // No audio here: the other alerts remain.
    }
  };
  target.addEventListener("pointerdown", unlock);
  target.addEventListener("keydown", unlock);
  return () => {
    target.removeEventListener("pointerdown", unlock);
    target.removeEventListener("keydown", unlock);
  };
}

/** Which sounds the agent wants (saved in localStorage, so per browser). */
export interface SoundSettings {
  /** A new session waits in one of my queues. */
  offers: boolean;
  /** A customer wrote in a conversation I am not looking at. */
  replies: boolean;
}

export type SoundKind = keyof SoundSettings;

const SOUND_KEY = "switchboard.sounds";
const DEFAULT_SOUNDS: SoundSettings = { offers: true, replies: true };

export function loadSoundSettings(store: KeyValueStore | null): SoundSettings {
  try {
    const raw = store?.getItem(SOUND_KEY);
    if (raw === null || raw === undefined) return DEFAULT_SOUNDS;
    const saved = JSON.parse(raw) as Partial<Record<SoundKind, unknown>>;
    return { offers: saved.offers !== false, replies: saved.replies !== false };
  } catch {
    return DEFAULT_SOUNDS;
  }
}

export const soundSettings = signal<SoundSettings>(loadSoundSettings(localStore()));

export function setSoundSettings(next: SoundSettings, store: KeyValueStore | null = localStore()): void {
  soundSettings.value = next;
  try {
    store?.setItem(SOUND_KEY, JSON.stringify(next));
  } catch {
    // Not saved: the choice holds for this page.
  }
}

/** Whether a sound of `kind` plays: switched on, and the agent is not Away. */
export function soundWanted(kind: SoundKind, settings: SoundSettings, away: boolean): boolean {
  return !away && settings[kind];
}

/** Away as the server last reported it for me (another tab may have changed it), else as chosen here. */
export function isAway(): boolean {
  const id = me.value?.id;
  const reported = id === undefined ? undefined : connection.value?.presence.value.get(id);
  return (reported === "away" || reported === "available" ? reported : presenceChoice.value) === "away";
}

/**
 * The tones of an alert: two rising for anything new; three, falling and rising again, for a
 * session back in the queue; four high ones, the last higher, for a routing guard (a session
 * nobody accepted in time, a reply overdue), and louder (see VOLUME).
 */
export const TUNES = {
  new: [
    [0, 880],
    [0.18, 1175],
  ],
  returned: [
    [0, 1175],
    [0.16, 784],
    [0.32, 1175],
  ],
  urgent: [
    [0, 1568],
    [0.14, 1568],
    [0.28, 1568],
    [0.46, 2093],
  ],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

export type Tune = keyof typeof TUNES;

/** The peak gain of each tune's tones: a routing guard's alert is louder than news. */
export const VOLUME: Record<Tune, number> = { new: 0.15, returned: 0.15, urgent: 0.4 };

/** The beep for `kind`, unless switched off or Away. */
export function beep(kind: SoundKind = "offers", tune: Tune = "new"): void {
  if (!soundWanted(kind, soundSettings.value, isAway())) return;
  playTones(TUNES[tune], VOLUME[tune]);
}

/** Short tones; silent until a gesture has unlocked audio (see unlockAudioOnFirstGesture). */
function playTones(tones: readonly (readonly [number, number])[], volume: number): void {
  const ctx = audio;
  if (ctx === null) return;
  try {
    if (ctx.state === "suspended") void ctx.resume().catch(() => undefined);
    for (const [offset, frequency] of tones) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(volume, ctx.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + offset + 0.15);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(ctx.currentTime + offset);
      oscillator.stop(ctx.currentTime + offset + 0.16);
    }
  } catch {
    // No audio here: the title count and the sidebar still show the new session.
  }
}

export function notifyDesktop(title: string, body: string, onClick: () => void): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  try {
    const notification = new Notification(title, { body, tag: "switchboard-offer" });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the other alerts remain.
  }
}

/** "(2) Agent · Switchboard" with two unread messages or waiting sessions. */
export function titleWithCount(base: string, count: number): string {
  return count > 0 ? `(${count}) ${base}` : base;
}
