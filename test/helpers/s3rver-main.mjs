// Starts s3rver (the tests' S3-compatible server) with one fix. s3rver's filesystem store removes a key's
// parent directories once a DELETE leaves them empty; a PUT under the same prefix racing it (mkdirp, then
// open) then fails with ENOENT as an unhandled 'error' event and the whole server exits - seen when two
// worker hosts publish through the same temp-key prefix at once. Real S3 has no directories, so here
// empty directories are simply kept (fs-extra's rmdir, as s3rver's store calls it, does nothing).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const s3rverDir = path.dirname(require.resolve("s3rver/package.json"));
const fsx = require(require.resolve("fs-extra", { paths: [s3rverDir] }));
fsx.rmdir = async () => {};
require(path.join(s3rverDir, "bin/s3rver.js"));
