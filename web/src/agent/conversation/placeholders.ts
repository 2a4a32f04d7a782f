/** Fills a canned message's placeholders for the preview (the server fills them when posting). */
import { firstName } from "../../shared/format";

export interface PlaceholderValues {
  customer: string;
  agent: string;
  queue: string;
}

export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  const table: Record<string, string> = {
    "customer.first_name": firstName(values.customer),
    "customer.name": values.customer,
    "agent.first_name": firstName(values.agent),
    "agent.name": values.agent,
    "queue.name": values.queue,
  };
  return body.replace(/\{([a-z_.]+)\}/g, (whole, key: string) => table[key] ?? whole);
}
