-- Issue 13: the cache holds encoded H.264 segments (keyed by everything that decides their pixels) instead of
-- raw-frame Ken Burns clips. The old rows point at clips no render asks for any more: they go (the worker deletes
-- their files under cache/kenburns/ once), and each row now records its file's sha256, checked on every hit.
DELETE FROM "CacheEntry";

-- AlterTable
ALTER TABLE "CacheEntry" ADD COLUMN     "sha256" TEXT NOT NULL;
