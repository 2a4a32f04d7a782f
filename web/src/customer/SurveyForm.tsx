/**
 * "How did we do?" under the customer's closed chat (the support page and the widget): asked
 * only when the server says `asked` (the session closed after an agent took it, in a queue whose
 * survey is on), a 1–5 rating as a radio group (native radios: arrow keys move and choose), an
 * optional comment of at most 1,000 characters, and **Send rating**. Sent: thanks, and what was
 * given; already answered (409, e.g. from another tab): the stored answer, read again; refused
 * (403): the form goes; a 422 shows beside its field. An answer given before shows as given.
 */
import { useSignal } from "@preact/signals";
import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { LengthNote, lengthNoteShown } from "../shared/LengthNote";
import { bodyProblem } from "../shared/length";
import { asApiError } from "../shared/session";
import {
  answerSurvey,
  fetchSurvey,
  isAnswered,
  MAX_SURVEY_COMMENT_CHARS,
  RATING_WORDS,
  RATINGS,
  ratedText,
  type AnsweredSurvey,
  type Survey,
} from "../shared/survey";
import "./survey.css";

/** The error shown beside a field (422 `field`), or for the whole form. */
interface FormError {
  field: "rating" | "comment" | null;
  message: string;
}

/**
 * `onShown`: called whenever the form or a given rating is on screen (the page keeps this chat
 * for a reload; after a Discard it, a rating given here keeps it again).
 */
export function SurveyForm({ conversation, onShown }: { conversation: string; onShown?: () => void }) {
  const survey = useSignal<Survey | null>(null);
  const rating = useSignal<number | null>(null);
  const comment = useSignal("");
  const busy = useSignal(false);
  const error = useSignal<FormError | null>(null);
  /** Answered here just now (thanks), or found answered by a 409 (said so). */
  const outcome = useSignal<"thanked" | "already" | null>(null);
  const done = useRef<HTMLHeadingElement>(null);
  const ratingGroup = useRef<HTMLFieldSetElement>(null);
  const commentField = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    survey.value = null;
    outcome.value = null;
    // No answer: nothing is asked (the chat's closed panel stands as it is).
    fetchSurvey(conversation, abort.signal).then(
      (answer) => (survey.value = answer),
      () => undefined,
    );
    return () => abort.abort();
  }, [conversation]);

  const shownState = survey.value?.state ?? "none";
  useEffect(() => {
    if (shownState !== "none") onShown?.();
  }, [shownState, outcome.value]);

  // The form's Send button is gone once answered: the answer's heading takes the focus.
  useEffect(() => {
    if (outcome.value !== null) done.current?.focus();
  }, [outcome.value]);

  const current = survey.value;
  if (current === null || current.state === "none") return null;
  if (isAnswered(current)) return <GivenRating survey={current} outcome={outcome.value} headingRef={done} />;

  const ids = {
    title: `survey-title-${conversation}`,
    rating: `survey-rating-error-${conversation}`,
    comment: `survey-comment-${conversation}`,
    commentError: `survey-comment-error-${conversation}`,
    form: `survey-error-${conversation}`,
  };
  const commentTooLong = bodyProblem(comment.value.trim(), MAX_SURVEY_COMMENT_CHARS) !== null;
  const ratingError = error.value?.field === "rating" ? error.value.message : null;
  const commentError = error.value?.field === "comment" ? error.value.message : null;
  const formError = error.value?.field === null ? error.value.message : null;
  const commentNote = `${ids.comment}-length`;
  const commentDescribedBy = [commentError !== null ? ids.commentError : null, lengthNoteShown(comment.value, MAX_SURVEY_COMMENT_CHARS) ? commentNote : null].filter((id) => id !== null).join(" ");

  async function submit(event: Event) {
    event.preventDefault();
    if (busy.value) return;
    const chosen = rating.value;
    if (chosen === null) {
      error.value = { field: "rating", message: "Choose a rating from 1 to 5 first." };
      ratingGroup.current?.querySelector<HTMLInputElement>("input[type=radio]")?.focus();
      return;
    }
    if (commentTooLong) {
      commentField.current?.focus();
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      survey.value = await answerSurvey(conversation, { rating: chosen, comment: comment.value });
      outcome.value = "thanked";
    } catch (failure) {
      const problem = asApiError(failure);
      if (problem.status === 409 && problem.code === "already_answered") {
        // Answered elsewhere (another tab, the widget): show what is stored.
        try {
          survey.value = await fetchSurvey(conversation);
          outcome.value = "already";
        } catch (again) {
          error.value = { field: null, message: asApiError(again).message };
        }
      } else if (problem.status === 403) {
        // Not asked (any more): nothing to rate here.
        survey.value = { state: "none" };
      } else if (problem.status === 422) {
        const field = problem.field === "rating" || problem.field === "comment" ? problem.field : null;
        error.value = { field, message: problem.message };
        if (field === "comment") commentField.current?.focus();
      } else {
        error.value = { field: null, message: `Your rating could not be sent: ${problem.message}` };
      }
    } finally {
      busy.value = false;
    }
  }

  return (
    <section class="survey" aria-labelledby={ids.title}>
      <form class="survey__form" noValidate onSubmit={(event) => void submit(event)}>
        <h2 id={ids.title} class="survey__title">
          How did we do?
        </h2>
        <fieldset ref={ratingGroup} class="survey__rating" aria-describedby={ratingError !== null ? ids.rating : undefined}>
          <legend>Rate this chat</legend>
          <div class="survey__choices">
            {RATINGS.map((n) => (
              <label key={n} class="survey__choice">
                <input
                  type="radio"
                  name={`survey-rating-${conversation}`}
                  value={String(n)}
                  checked={rating.value === n}
                  aria-invalid={ratingError !== null ? true : undefined}
                  onChange={() => {
                    rating.value = n;
                    if (error.value?.field === "rating") error.value = null;
                  }}
                />
                <span class="survey__number">{n}</span> <span class="visually-hidden">of 5,</span> <span class="survey__word">{RATING_WORDS[n]}</span>
              </label>
            ))}
          </div>
          {ratingError !== null && (
            <p id={ids.rating} class="survey__error" role="alert">
              {ratingError}
            </p>
          )}
        </fieldset>
        <div class="field survey__comment">
          <label for={ids.comment}>Comment (optional)</label>
          <textarea
            ref={commentField}
            id={ids.comment}
            rows={3}
            value={comment.value}
            aria-invalid={commentError !== null || commentTooLong ? true : undefined}
            aria-describedby={commentDescribedBy === "" ? undefined : commentDescribedBy}
            onInput={(event) => {
              comment.value = event.currentTarget.value;
              if (error.value?.field === "comment") error.value = null;
            }}
          />
          <LengthNote id={commentNote} text={comment.value} max={MAX_SURVEY_COMMENT_CHARS} />
          {commentError !== null && (
            <p id={ids.commentError} class="survey__error" role="alert">
              {commentError}
            </p>
          )}
        </div>
        {formError !== null && (
          <p id={ids.form} class="alert" role="alert">
            {formError}
          </p>
        )}
        <div class="survey__actions">
          {/* Not disabled while sending: a disabled button drops the focus to <body>. */}
          <button type="submit" class="button" aria-disabled={busy.value || commentTooLong ? true : undefined}>
            {busy.value ? "Sending…" : "Send rating"}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The rating given (here just now, earlier, or elsewhere), read-only. */
function GivenRating({ survey, outcome, headingRef }: { survey: AnsweredSurvey; outcome: "thanked" | "already" | null; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const title = outcome === "thanked" ? "Thanks for your rating" : "Your rating";
  return (
    <section class="survey survey--given" aria-label={title}>
      <h2 ref={headingRef} class="survey__title" tabIndex={-1}>
        {outcome === "thanked" && <span aria-hidden="true">✓ </span>}
        {title}
      </h2>
      {outcome === "already" && <p class="muted">This chat was already rated; this is the rating kept.</p>}
      <p class="survey__given">
        <span class="survey__stars" aria-hidden="true">
          {"★".repeat(survey.rating)}
          {"☆".repeat(5 - survey.rating)}
        </span>{" "}
        {ratedText(survey.rating)}, {RATING_WORDS[survey.rating]}
      </p>
      {survey.comment !== undefined && survey.comment !== "" && (
        <blockquote class="survey__quote" aria-label="Your comment">
          {survey.comment}
        </blockquote>
      )}
    </section>
  );
}
