import { describe, expect, it } from "vitest";
import { fillPlaceholders } from "./placeholders";

const values = { customer: "Carol Customer", agent: "Alice Agent", queue: "IT Service Desk" };

describe("fillPlaceholders", () => {
  it.each([
    ["Hi {customer.first_name}!", "Hi Carol!"],
    ["{customer.name}", "Carol Customer"],
    ["I am {agent.first_name} ({agent.name})", "I am Alice (Alice Agent)"],
    ["Welcome to {queue.name}.", "Welcome to IT Service Desk."],
    ["Unknown {incident.number} stays", "Unknown {incident.number} stays"],
    ["No placeholders", "No placeholders"],
  ])("fills %s", (body, expected) => {
    expect(fillPlaceholders(body, values)).toBe(expected);
  });
});
