import { z } from "zod";
import { describeMissingGlyphs, findMissingGlyphs } from "~/render/glyphs";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const glyphsRouter = createTRPCRouter({
  /** The characters of `texts` no installed font can draw, and a sentence naming them ("" when none). */
  check: protectedProcedure
    .input(z.object({ texts: z.array(z.string().max(10_000)).max(200) }))
    .query(async ({ input }) => {
      const missing = await findMissingGlyphs(input.texts);
      return { missing, message: describeMissingGlyphs(missing) };
    }),
});
