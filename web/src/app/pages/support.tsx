/**
 * The support page's route (also the widget's frame), loaded by the shell only for `/support`:
 * its styles, and the page's data and connection, started once per page load.
 */
import { useEffect } from "preact/hooks";
import "../../shared/conversation.css";
import "../../customer/support.css";
import { loadSupport, SupportPage } from "../../customer/SupportPage";

let started = false;

export default function SupportRoute() {
  useEffect(() => {
    if (started) return;
    started = true;
    void loadSupport();
  }, []);
  return <SupportPage />;
}
