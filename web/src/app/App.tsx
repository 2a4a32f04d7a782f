/**
 * The app shell: one page for sign-in, the agent app, the workspace, the support page and the
 * Knowledge Base, routed in the browser (preact-iso). Each page is its own chunk, loaded when
 * first shown, so a customer never downloads the agent app. A change of route keeps the document, and with
 * it the agent app's one connection; the new page's title is set and its main heading takes
 * focus, so screen-reader users learn that the page changed.
 */
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from "preact-iso";
import type { ComponentType } from "preact";
import { useEffect, useLayoutEffect } from "preact/hooks";
import { SHELL_LINKS, setNavigate } from "../shared/nav";
import { PageLoadFailed } from "../shared/PageStatus";
import { focusMainHeadingSoon } from "./focus";
import { NotFound } from "./NotFound";
import { titleFor } from "./routes";

/**
 * A page loaded when first shown. A chunk that cannot be fetched (offline, or the server was
 * updated and the old file is gone) shows why, with Try again (a reload), instead of leaving
 * the previous page on screen.
 */
function page<P>(load: () => Promise<{ default: ComponentType<P> }>) {
  return lazy(() => load().then((module) => module.default, () => PageChunkFailed));
}

function PageChunkFailed() {
  return <PageLoadFailed message="part of the app could not be downloaded. Check the connection." />;
}

const SignIn = page(() => import("./pages/signin"));
const Agent = page(() => import("./pages/agent"));
const Support = page(() => import("./pages/support"));
const Kb = page(() => import("./pages/kb"));

/**
 * The paths this shell routes itself: those of SHELL_LINKS and the Knowledge Base's. Links to
 * them change the page without a reload; the sign-in page still loads a fresh document.
 */
export const ROUTED = new RegExp(`${SHELL_LINKS.source}|^/kb(?:[/?#]|$)`);

export function App() {
  return (
    <LocationProvider scope={ROUTED}>
      <Shell />
    </LocationProvider>
  );
}

function Shell() {
  const location = useLocation();

  // Pages navigate through the router; addresses the shell does not route (the sign-in page
  // among them, see SHELL_LINKS) load as a new document.
  useEffect(
    () =>
      setNavigate((url, options) => {
        if (ROUTED.test(url)) location.route(url, options?.replace === true);
        else if (options?.replace === true) window.location.replace(url);
        else window.location.assign(url);
      }),
    [location.route],
  );

  // Pages that know better (the agent app counts waiting chats) set their own later.
  useLayoutEffect(() => {
    const title = titleFor(location.path);
    if (title !== null) document.title = title;
  }, [location.path]);

  return (
    <ErrorBoundary>
      <Router onRouteChange={() => focusMainHeadingSoon()}>
        <Route path="/" component={SignIn} />
        <Route path="/agent" component={Agent} />
        <Route path="/agent/workspace/:id" component={Agent} />
        <Route path="/agent/manage" component={Agent} view="manage" />
        <Route path="/support" component={Support} />
        <Route path="/kb" component={Kb} view="list" />
        <Route path="/kb/new" component={Kb} view="new" />
        <Route path="/kb/:article" component={Kb} view="article" />
        <Route path="/kb/:article/edit" component={Kb} view="edit" />
        <Route default component={NotFound} />
      </Router>
    </ErrorBoundary>
  );
}
