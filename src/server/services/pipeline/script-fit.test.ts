import { describe, expect, it } from "vitest";
import { campaignFieldsSchema } from "~/shared/campaign";
import { renderSettingsSchema } from "../renders";
import { finalizeScript } from "./script-fit";

const campaign = {
  name: "Nucleo launch",
  product: "Nucleo-F4 Discovery Kit",
  audience: "embedded engineering students and hobbyists",
  message: "A full ARM Cortex-M4 lab on one board. Built-in debugger, no extra probe needed.",
  tone: "bold",
  targetSeconds: 20,
  fps: 24,
  voice: "slt",
  musicMood: "upbeat",
  brandColor: "#03234b",
  captionStyle: { preset: "karaoke", position: "bottom" },
  images: [],
  cta: { text: "Order yours today for under thirty dollars", url: "st.com/nucleo" },
};

describe("finalizeScript", () => {
  it("a script that does not end on the campaign's CTA gets it, said word for word and shown from the CTA itself", () => {
    const settings = renderSettingsSchema.parse({ campaignId: "c1", campaign: campaignFieldsSchema.parse(campaign), images: [], preset: "preview" });
    const draft = {
      title: "Nucleo",
      hook: "Meet Nucleo-F4 Discovery Kit.",
      callToAction: "Make the switch to Nucleo-F4 Discovery Kit now.",
      scenes: [
        { narration: "Meet Nucleo-F4 Discovery Kit.", onScreenText: "Nucleo-F4 Discovery Kit", visualPrompt: "board", durationSec: 3 },
        { narration: "Make the switch to Nucleo-F4 Discovery Kit now.", onScreenText: "Make the switch", visualPrompt: "board", durationSec: 3 },
      ],
    };
    const script = finalizeScript(draft, settings, "Gemini");
    const last = script.scenes.at(-1)!;
    expect(last.narration).toBe("Order yours today for under thirty dollars.");
    expect(last.onScreenText).toBe("Order yours today · Under $30 · st.com/nucleo");
    expect(script.notes?.some((n) => n.includes("did not end on the call to action"))).toBe(true);
  });
});
