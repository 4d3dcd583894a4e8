-- AlterTable
ALTER TABLE "ProviderBreaker" ADD COLUMN     "lastSuccessAt" TIMESTAMP(3),
ADD COLUMN     "probeAt" TIMESTAMP(3),
ADD COLUMN     "probeOwner" TEXT;
