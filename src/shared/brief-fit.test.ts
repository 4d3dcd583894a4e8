import { describe, expect, it } from "vitest";
import { briefFit } from "./brief-fit";
import { campaignFileSchema, campaignInputSchema, fieldErrors } from "./campaign";

const base = {
  name: "STM32 lab board",
  product: "Nucleo-F4 Discovery Kit",
  audience: "embedded engineering students and hobbyists",
  message: "A full ARM Cortex-M4 lab on one board. Built-in debugger, no extra probe needed. Motion sensors and eight LEDs ready to code. Order yours today for under thirty dollars.",
  voice: "slt",
};

describe("what of the brief fits the length", () => {
  it("says what fits: hook and CTA only at 6 s, the whole message at 20 s", () => {
    expect(briefFit({ ...base, targetSeconds: 6, cta: { text: "Order today" } }).summary).toBe("At 6 s: hook and CTA only (the message does not fit).");
    expect(briefFit({ ...base, targetSeconds: 10 }).summary).toBe("At 10 s: hook, CTA and 1 of 4 message sentences.");
    expect(briefFit({ ...base, targetSeconds: 20, mustSay: ["Under thirty dollars."] }).summary).toBe("At 20 s: hook, CTA, 1 must-say line and the whole message (3 sentences).");
  });

  it("a CTA or must-say line that cannot be said in the length is a field error, not a silent cut", () => {
    const long = "Terms and conditions apply, see our website for the full details of this limited offer and its eligibility rules.";
    const r = campaignInputSchema.safeParse({ ...base, targetSeconds: 6, cta: { text: "Order yours today" }, mustSay: ["Under thirty dollars", long] });
    expect(r.success).toBe(false);
    const errors = fieldErrors(r.error!);
    expect(Object.keys(errors)).toEqual(["mustSay.0", "mustSay.1"]);
    expect(errors["mustSay.1"]).toMatch(/at 6 s only/);
    // The same lines fit a 30 s ad.
    expect(campaignInputSchema.safeParse({ ...base, targetSeconds: 30, cta: { text: "Order yours today" }, mustSay: ["Under thirty dollars", long] }).success).toBe(true);
    const cta = campaignFileSchema.safeParse({ ...base, targetSeconds: 6, cta: { text: "Order your own Nucleo-F4 Discovery Kit today from any of our partner distributors" } });
    expect(fieldErrors(cta.error!)).toEqual({ "cta.text": expect.stringMatching(/to say; at 6 s only .* is left after the hook and end card/) });
  });

  it("the CTA link is a web address or a handle", () => {
    for (const url of ["st.com/nucleo", "https://shop.example.com/x?y=1", "@stm32"]) expect(campaignInputSchema.safeParse({ ...base, cta: { text: "Order now", url } }).success).toBe(true);
    for (const url of ["not a url", "javascript:alert(1)", "@"]) {
      const r = campaignInputSchema.safeParse({ ...base, cta: { text: "Order now", url } });
      expect(fieldErrors(r.error!)["cta.url"]).toMatch(/web address/);
    }
  });
});
