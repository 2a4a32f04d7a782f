/**
 * A text field's content kept in the tab's sessionStorage under `key`, so that a reload (or a
 * crash of the tab) gives back what was typed. Storage that refuses (private mode, quota) leaves
 * the text in memory only.
 */
import { effect, signal, type Signal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function readStoredText(key: string): string {
  try {
    return storage()?.getItem(key) ?? "";
  } catch {
    return "";
  }
}

export function writeStoredText(key: string, text: string): void {
  try {
    if (text === "") storage()?.removeItem(key);
    else storage()?.setItem(key, text);
  } catch {
    // Not kept: it stays in memory for this page's life.
  }
}

/** A text bound to the storage: read once, then saved at every change, at once. */
export interface StoredText {
  text: Signal<string>;
  /** Stops saving (the text stays as it is in the storage). */
  dispose: () => void;
}

export function storedText(key: string): StoredText {
  const text = signal(readStoredText(key));
  const dispose = effect(() => writeStoredText(key, text.value));
  return { text, dispose };
}

/**
 * A signal holding the text, bound to the storage while the component is mounted. Read and
 * bound when the component first renders, not in an effect after paint: an effect there left a
 * frame in which a keystroke was not saved and was then overwritten by the stored (older) text
 * when the effect ran.
 */
export function useStoredText(key: string): Signal<string> {
  const bound = useMemo(() => storedText(key), [key]);
  useEffect(() => bound.dispose, [bound]);
  return bound.text;
}
