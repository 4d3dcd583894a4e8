-- AlterEnum
ALTER TYPE "AssetStatus" ADD VALUE 'cancelled';
