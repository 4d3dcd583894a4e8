import { RenderView } from "../../../_components/render-view";

export const metadata = { title: "Render" };

export default async function RenderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RenderView id={id} />;
}
