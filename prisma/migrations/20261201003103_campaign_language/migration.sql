-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'en';
