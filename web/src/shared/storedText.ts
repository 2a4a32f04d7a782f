/**
 * A text field's content kept in the tab's sessionStorage under `key`, so that a reload (or a
 * crash of the tab) gives back what was typed. Storage that refuses (private mode, quota) leaves
 * the text in memory only.
 */
import { effect, useSignal, type Signal } from "@preact/signals";
import { useEffect } from "preact/hooks";

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

/**
 * A signal holding the text, read from the storage when mounted and saved on every change, at
 * once (a signal effect, not a render effect that runs after paint: a reload right after a
 * keystroke must find it).
 */
export function useStoredText(key: string): Signal<string> {
  const text = useSignal(readStoredText(key));
  useEffect(() => {
    text.value = readStoredText(key);
    return effect(() => writeStoredText(key, text.value));
  }, [key]);
  return text;
}
