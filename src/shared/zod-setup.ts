/**
 * Zod without its eval-compiled fast path. Zod 4 probes `new Function` to decide whether it may
 * compile object parsers; under our Content-Security-Policy (no 'unsafe-eval') that probe is a
 * CSP violation in the browser. Imported first by every shared schema module, before any
 * schema is built.
 */
import { z } from "zod";

z.config({ jitless: true });
