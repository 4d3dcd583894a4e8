/**
 * A process that writes one large key slowly and never finishes on its own: the storage tests
 * kill it (SIGKILL) mid-upload. argv[2]: JSON { driver: "local", root } or { driver: "s3", s3 }
 * plus { key }. Prints "sent <bytes>" after each MiB it hands to the driver.
 */
import { Readable } from "node:stream";
import { LocalStorage, type Storage } from "~/server/storage";
import { S3Storage, type S3StorageOptions } from "~/server/storage/s3";

const args = JSON.parse(process.argv[2]!) as { driver: "local"; root: string; key: string } | { driver: "s3"; s3: S3StorageOptions; key: string };
const store: Storage = args.driver === "local" ? new LocalStorage(args.root) : new S3Storage(args.s3);
let sent = 0;
const chunk = Buffer.alloc(1024 * 1024, 7);
const source = new Readable({
  read() {
    setTimeout(() => {
      sent += chunk.length;
      this.push(chunk);
      console.log(`sent ${sent}`);
    }, 15);
  },
});
await store.putStream(args.key, source);
console.log("finished"); // never reached: the source never ends
