-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "cta" JSONB,
ADD COLUMN     "mustSay" TEXT[] DEFAULT ARRAY[]::TEXT[];
