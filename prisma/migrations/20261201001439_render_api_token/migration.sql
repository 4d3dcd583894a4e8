-- AlterTable
ALTER TABLE "Render" ADD COLUMN     "apiTokenId" TEXT;

-- AddForeignKey
ALTER TABLE "Render" ADD CONSTRAINT "Render_apiTokenId_fkey" FOREIGN KEY ("apiTokenId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;
