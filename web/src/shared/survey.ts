/**
 * The satisfaction survey of a support session (docs/protocol.md, `GET/POST
 * /api/conversations/{id}/survey`): its wire types with runtime guards, the two requests, and
 * the words a rating is given in. Kept apart from `wire.ts` (the socket's and the session's
 * types): only the customer's closed chat and the staff's closed session read it.
 */
import { requestJson } from "./api";
import type { Conversation } from "./wire";

/** `asked`: its customer may rate it now; `answered`: the answer is there; `none`: nothing to ask or show. */
export type SurveyState = "asked" | "answered" | "none";

/** What `GET …/survey` (and a 201 of `POST …/survey`) answers. */
export interface Survey {
  state: SurveyState;
  /** With `answered`: 1 to 5. */
  rating?: number;
  /** With `answered`, when the customer wrote one. */
  comment?: string;
  /** With `answered`: when it was given. */
  at?: string;
}

/** An answered survey: its rating is always there. */
export interface AnsweredSurvey extends Survey {
  state: "answered";
  rating: number;
}

/** What `POST …/survey` takes. */
export interface SurveyAnswer {
  rating: number;
  comment?: string;
}

/** The server refuses a longer comment (422 `invalid`, field `comment`). */
export const MAX_SURVEY_COMMENT_CHARS = 1000;

export const RATINGS = [1, 2, 3, 4, 5] as const;

/** The word for each rating, after "N of 5". */
export const RATING_WORDS: Readonly<Record<number, string>> = {
  1: "very poor",
  2: "poor",
  3: "okay",
  4: "good",
  5: "excellent",
};

/** The accessible name of a rating's radio: "4 of 5, good". */
export function ratingLabel(rating: number): string {
  return `${rating} of 5, ${RATING_WORDS[rating] ?? ""}`;
}

/** How a given rating reads: "Rated 4 of 5". */
export function ratedText(rating: number): string {
  return `Rated ${rating} of 5`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isRating(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 5;
}

export function isSurvey(value: unknown): value is Survey {
  if (!isObject(value)) return false;
  const { state, rating, comment, at } = value;
  if (state !== "asked" && state !== "answered" && state !== "none") return false;
  if (comment !== undefined && typeof comment !== "string") return false;
  if (at !== undefined && typeof at !== "string") return false;
  // An answered survey carries its rating; the others none.
  return state === "answered" ? isRating(rating) : rating === undefined;
}

export function isAnswered(survey: Survey | null): survey is AnsweredSurvey {
  return survey !== null && survey.state === "answered" && isRating(survey.rating);
}

/** Whether a session can have a survey at all: a support session that has closed (never ask for others). */
export function mayHaveSurvey(conversation: Pick<Conversation, "kind" | "state">): boolean {
  return conversation.kind === "support" && conversation.state === "closed";
}

function surveyPath(conversation: string): string {
  return `/api/conversations/${encodeURIComponent(conversation)}/survey`;
}

export function fetchSurvey(conversation: string, signal?: AbortSignal): Promise<Survey> {
  return requestJson(surveyPath(conversation), isSurvey, signal === undefined ? {} : { signal });
}

/** The customer's one answer → the survey as answered (201); 409 `already_answered`, 422 `invalid`, 403 when not asked. */
export function answerSurvey(conversation: string, answer: SurveyAnswer): Promise<Survey> {
  const comment = answer.comment?.trim() ?? "";
  const body: SurveyAnswer = comment === "" ? { rating: answer.rating } : { rating: answer.rating, comment };
  return requestJson(surveyPath(conversation), isSurvey, { method: "POST", body });
}
