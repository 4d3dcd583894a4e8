-- Content-addressed assets (issue 13 item 2): an asset whose provider request matches one that
-- already succeeded in the same team reuses its stored file.
ALTER TABLE "RenderAsset" ADD COLUMN "reuseScope" TEXT,
ADD COLUMN "contentKey" TEXT,
ADD COLUMN "reusedFromAssetId" TEXT,
ADD COLUMN "reusedFromRenderId" TEXT,
ADD COLUMN "savedUsd" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "RenderAsset_reuseScope_contentKey_status_idx" ON "RenderAsset"("reuseScope", "contentKey", "status");
