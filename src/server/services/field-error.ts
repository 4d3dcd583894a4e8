import { z } from "zod";

/**
 * A ZodError for one field, thrown by services for checks zod cannot express (a font's glyphs,
 * an asset of another team), so tRPC answers 400 with the field's path like any input error.
 *
 * Built through a failing parse, not `new z.ZodError(...)`: in zod 4 a directly constructed
 * ZodError is not an `Error` instance, so tRPC would wrap it as an unknown cause and answer 500.
 */
export function fieldError(path: string, message: string): z.ZodError {
  return z
    .any()
    .superRefine((_, ctx) => ctx.addIssue({ code: "custom", path: [path], message }))
    .safeParse(null).error!;
}
