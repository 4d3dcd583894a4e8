-- AlterTable
ALTER TABLE "Render" ADD COLUMN     "qa" JSONB,
ADD COLUMN     "qaWarnings" INTEGER;
