-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "dailyRenderLimit" INTEGER,
ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY['read', 'render']::TEXT[];

-- AlterTable
ALTER TABLE "Render" ADD COLUMN     "estimatedCostUsd" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "dailyBudgetUsd" DOUBLE PRECISION,
ADD COLUMN     "dailyRenderLimit" INTEGER;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "dailyRenderLimit" INTEGER;
