-- The video's segments as the render engine joined them (issue 13: the joins the browser test seeks onto, and the
-- render page's account of which segments were reused).
ALTER TABLE "Render" ADD COLUMN "segments" JSONB;
