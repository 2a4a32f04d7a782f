// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { now, useClockText } from "./now";

afterEach(cleanup);

describe("useClockText", () => {
  it("follows_the_clock_without_re_rendering_its_component", async () => {
    now.value = 1_000;
    let renders = 0;
    function Waited({ since }: { since: number }) {
      renders += 1;
      const text = useClockText((at) => `${(at - since) / 1000} s`);
      return <p data-testid="waited">{text}</p>;
    }
    render(<Waited since={0} />);
    expect(screen.getByTestId("waited").textContent).toBe("1 s");
    const before = renders;

    now.value = 2_000;
    await waitFor(() => expect(screen.getByTestId("waited").textContent).toBe("2 s"));
    now.value = 3_000;
    await waitFor(() => expect(screen.getByTestId("waited").textContent).toBe("3 s"));
    expect(renders, "a tick rewrites the text, it does not re-render the component").toBe(before);
  });

  it("follows_new_props_at_once", async () => {
    now.value = 10_000;
    function Waited({ since }: { since: number }) {
      const text = useClockText((at) => `${(at - since) / 1000} s`);
      return <p data-testid="waited">{text}</p>;
    }
    const { rerender } = render(<Waited since={0} />);
    expect(screen.getByTestId("waited").textContent).toBe("10 s");
    rerender(<Waited since={4_000} />);
    await waitFor(() => expect(screen.getByTestId("waited").textContent, "the new prop, before the next tick").toBe("6 s"));
  });
});
