import { describe, expect, it } from "vitest";
import { beep, unlockAudioOnFirstGesture } from "./alerts";

describe("new-session alerts", () => {
  it("audio_is_created_on_the_first_gesture_not_by_a_beep", () => {
    const target = new EventTarget();
    let created = 0;
    let tones = 0;
    const fakeContext = () => {
      created += 1;
      const node = { connect: () => node, start: () => (tones += 1), stop: () => undefined, frequency: { value: 0 }, gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined } };
      return { state: "running", currentTime: 0, destination: node, createOscillator: () => node, createGain: () => node } as unknown as AudioContext;
    };
    unlockAudioOnFirstGesture(target, fakeContext);
    beep();
    expect(created, "no AudioContext before a gesture").toBe(0);
    target.dispatchEvent(new Event("pointerdown"));
    target.dispatchEvent(new Event("keydown"));
    expect(created, "one AudioContext, on the first gesture").toBe(1);
    beep();
    expect(tones, "the beep plays two tones").toBe(2);
  });
});
