/**
 * npm run api:types — writes examples/reelfarm-api.d.ts, the TypeScript types of REST API v1
 * (openapi-typescript from the OpenAPI document the app serves), used by the typed client in
 * examples/api-client.ts. test/api/example-client.test.ts fails when the file is out of date.
 * `--check`: exit 1 instead of writing when it differs.
 */
import fs from "node:fs";
import path from "node:path";
import { apiTypesSource } from "./api-types-source";

const file = path.resolve(import.meta.dirname, "../examples/reelfarm-api.d.ts");
const source = await apiTypesSource();
if (process.argv.includes("--check")) {
  const same = fs.existsSync(file) && fs.readFileSync(file, "utf8") === source;
  console.log(same ? "examples/reelfarm-api.d.ts is up to date" : "examples/reelfarm-api.d.ts is out of date: run npm run api:types");
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(file, source);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
