/**
 * Staff, in the workspace: the customer's satisfaction rating of a closed support session,
 * read-only under the conversation pane's header ("Rated 4 of 5" and the comment). Asked of the
 * server only for a closed support session (`GET …/survey`); nothing shows until it says
 * `answered`, nor when the answer does not come.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { Since } from "../../shared/Since";
import { fetchSurvey, isAnswered, mayHaveSurvey, RATING_WORDS, ratedText, type Survey } from "../../shared/survey";
import type { Conversation } from "../../shared/wire";
import "./survey-result.css";

export function SurveyResult({ conversation }: { conversation: Conversation }) {
  const survey = useSignal<Survey | null>(null);
  const asks = mayHaveSurvey(conversation);

  useEffect(() => {
    survey.value = null;
    if (!asks) return;
    const abort = new AbortController();
    fetchSurvey(conversation.id, abort.signal).then(
      (answer) => (survey.value = answer),
      () => undefined,
    );
    return () => abort.abort();
  }, [conversation.id, asks]);

  const answer = survey.value;
  if (!asks || !isAnswered(answer)) return null;
  return (
    <section class="survey-result" aria-label="Customer rating">
      <p class="survey-result__rating">
        <span class="survey-result__stars" aria-hidden="true">
          {"★".repeat(answer.rating)}
          {"☆".repeat(5 - answer.rating)}
        </span>{" "}
        <strong>{ratedText(answer.rating)}</strong> <span class="muted">({RATING_WORDS[answer.rating]})</span>
        {answer.at !== undefined && (
          <span class="muted">
            {" "}
            · <Since at={answer.at} />
          </span>
        )}
      </p>
      {answer.comment !== undefined && answer.comment !== "" && (
        <blockquote class="survey-result__comment" aria-label="Customer's comment">
          {answer.comment}
        </blockquote>
      )}
    </section>
  );
}
