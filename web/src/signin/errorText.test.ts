import { describe, expect, it } from "vitest";
import { ApiError } from "../shared/api";
import { signInErrorText } from "./errorText";

describe("signInErrorText", () => {
  const cases: { name: string; error: ApiError; text: string }[] = [
    {
      name: "wrong password shows the server's words",
      error: new ApiError(401, "invalid_credentials", "Wrong username or password."),
      text: "Wrong username or password.",
    },
    {
      name: "rate limited says how long to wait",
      error: new ApiError(429, "rate_limited", "Too many sign-in attempts.", 30),
      text: "Too many sign-in attempts. Try again in 30 seconds.",
    },
    {
      name: "rate limited message that already says when is not repeated",
      error: new ApiError(429, "rate_limited", "Too many failed sign-ins. Try again in 30 s.", 30),
      text: "Too many failed sign-ins. Try again in 30 seconds.",
    },
    {
      name: "rate limited for one second is singular",
      error: new ApiError(429, "rate_limited", "Too many sign-in attempts.", 1),
      text: "Too many sign-in attempts. Try again in 1 second.",
    },
    {
      name: "rate limited without Retry-After still says to wait",
      error: new ApiError(429, "rate_limited", "Too many sign-in attempts."),
      text: "Too many sign-in attempts. Try again in a little while.",
    },
    {
      name: "server down shows the fallback message",
      error: new ApiError(0, "network_error", "Could not reach the server."),
      text: "Could not reach the server.",
    },
  ];

  it.each(cases)("$name", ({ error, text }) => {
    expect(signInErrorText(error)).toBe(text);
  });
});
