-- AlterTable
ALTER TABLE "Render" ADD COLUMN     "assembleStartedAt" TIMESTAMP(3);
