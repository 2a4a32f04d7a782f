/** New-session alerts: a short beep, a desktop notification, and a count in the tab title. */

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

/** Two short tones; silent until a gesture has unlocked audio (see unlockAudioOnFirstGesture). */
export function beep(): void {
  const ctx = audio;
  if (ctx === null) return;
  try {
    if (ctx.state === "suspended") void ctx.resume().catch(() => undefined);
    for (const [offset, frequency] of [
      [0, 880],
      [0.18, 1175],
    ] as const) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + offset + 0.02);
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

/** "(2) Agent · Switchboard" while two sessions wait. */
export function titleWithCount(base: string, count: number): string {
  return count > 0 ? `(${count}) ${base}` : base;
}
