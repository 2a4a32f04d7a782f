/** The survey's guard and words: what the server's answers may be, and how a rating reads. */
import { describe, expect, it } from "vitest";
import { isAnswered, isSurvey, mayHaveSurvey, ratingLabel, ratedText } from "./survey";

describe("survey", () => {
  it("takes the three states as the server sends them", () => {
    expect(isSurvey({ state: "asked" })).toBe(true);
    expect(isSurvey({ state: "none" })).toBe(true);
    expect(isSurvey({ state: "answered", rating: 4, comment: "ok", at: "2026-11-30T10:00:00Z" })).toBe(true);
    expect(isSurvey({ state: "answered", rating: 5, at: "2026-11-30T10:00:00Z" })).toBe(true);
  });

  it("refuses what is not one", () => {
    expect(isSurvey(null)).toBe(false);
    expect(isSurvey({ state: "maybe" })).toBe(false);
    expect(isSurvey({ state: "answered" })).toBe(false);
    expect(isSurvey({ state: "answered", rating: 6 })).toBe(false);
    expect(isSurvey({ state: "answered", rating: 3.5 })).toBe(false);
    expect(isSurvey({ state: "answered", rating: 3, comment: 7 })).toBe(false);
    expect(isSurvey({ state: "asked", rating: 3 })).toBe(false);
    expect(isAnswered({ state: "asked" })).toBe(false);
  });

  it("names ratings in words", () => {
    expect(ratingLabel(1)).toBe("1 of 5, very poor");
    expect(ratingLabel(5)).toBe("5 of 5, excellent");
    expect(ratedText(4)).toBe("Rated 4 of 5");
  });

  it("only a closed support session can have one", () => {
    expect(mayHaveSurvey({ kind: "support", state: "closed" })).toBe(true);
    expect(mayHaveSurvey({ kind: "support", state: "active" })).toBe(false);
    expect(mayHaveSurvey({ kind: "chat", state: "closed" })).toBe(false);
    expect(mayHaveSurvey({ kind: "record", state: "closed" })).toBe(false);
  });
});
