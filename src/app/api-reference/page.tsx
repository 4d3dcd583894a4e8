import { openApiDocument } from "~/server/api/rest/openapi";
import { PROBLEM_TYPES } from "~/server/api/rest/problem";
import { operations } from "~/server/api/rest/v1";

export const metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

type Json = Record<string, unknown>;
interface Param {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Json;
}
interface OperationDoc {
  summary: string;
  description?: string;
  parameters?: Param[];
  requestBody?: { description?: string; content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
}

const schemaName = (s: Json | undefined) => (typeof s?.$ref === "string" ? s.$ref.split("/").pop() : undefined);
const TAGS = ["Campaigns", "Images", "Renders", "Meta"] as const;

function SchemaLink({ schema }: { schema: Json | undefined }) {
  const name = schemaName(schema);
  return name ? <a href={`#schema-${name}`}>{name}</a> : <code>{JSON.stringify(schema)}</code>;
}

/**
 * The REST API v1 reference, rendered from the same OpenAPI document /api/v1/openapi.json serves
 * (itself generated from the handlers' zod schemas). Public: it documents, it grants nothing.
 */
export default function ApiReferencePage() {
  const doc = openApiDocument() as { info: { description: string }; paths: Record<string, Record<string, OperationDoc>>; webhooks: Record<string, { post: OperationDoc }>; components: { schemas: Record<string, Json> } };
  const base = "/api/v1";
  return (
    <main style={{ maxWidth: 980, margin: "0 auto", padding: "2rem 1.25rem", lineHeight: 1.5 }}>
      <h1>Reelfarm API v1</h1>
      <p>{doc.info.description}</p>
      <p>
        Machine-readable: <a href={`${base}/openapi.json`}>{base}/openapi.json</a> (OpenAPI 3.1). Examples: <code>examples/api-client.ts</code> goes from a brief to a video with only a token.
      </p>
      <nav aria-label="Operations">
        {TAGS.map((tag) => (
          <section key={tag}>
            <h2>{tag}</h2>
            <ul>
              {operations
                .filter((o) => o.tag === tag)
                .map((o) => (
                  <li key={o.operationId}>
                    <a href={`#${o.operationId}`}>
                      <code>
                        {o.method} {base}
                        {o.path}
                      </code>
                    </a>{" "}
                    — {o.summary}
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </nav>

      <h2>Operations</h2>
      {operations.map((o) => {
        const d = doc.paths[o.path]![o.method.toLowerCase()]!;
        return (
          <section key={o.operationId} id={o.operationId} data-operation={`${o.method} ${base}${o.path}`} style={{ borderTop: "1px solid #ddd", paddingTop: "0.75rem", marginTop: "1.5rem" }}>
            <h3>
              <code>
                {o.method} {base}
                {o.path}
              </code>
            </h3>
            <p>
              <strong>{d.summary}</strong>
              {o.public ? " (no token needed)" : ""}
            </p>
            {d.description ? <p>{d.description}</p> : null}
            {d.parameters?.length ? (
              <table>
                <thead>
                  <tr>
                    <th align="left">parameter</th>
                    <th align="left">in</th>
                    <th align="left">meaning</th>
                  </tr>
                </thead>
                <tbody>
                  {d.parameters.map((p) => (
                    <tr key={`${p.in}-${p.name}`}>
                      <td>
                        <code>{p.name}</code>
                        {p.required ? " *" : ""}
                      </td>
                      <td>{p.in}</td>
                      <td>{p.description ?? <code>{JSON.stringify(p.schema)}</code>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {d.requestBody ? (
              <p>
                Body ({Object.keys(d.requestBody.content).join(", ")}): <SchemaLink schema={Object.values(d.requestBody.content)[0]!.schema} />. {d.requestBody.description}
              </p>
            ) : null}
            <ul>
              {Object.entries(d.responses).map(([status, r]) => (
                <li key={status}>
                  <code>{status}</code> {r.description}
                  {r.content ? (
                    <>
                      {" "}
                      — {Object.keys(r.content).join(", ")}
                      {Object.values(r.content)[0]!.schema.$ref ? (
                        <>
                          {" "}
                          <SchemaLink schema={Object.values(r.content)[0]!.schema} />
                        </>
                      ) : null}
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        );
      })}

      <h2 id="webhooks">Webhooks</h2>
      {Object.entries(doc.webhooks).map(([name, h]) => (
        <section key={name}>
          <h3>{h.post.summary}</h3>
          <p>{h.post.description}</p>
          <p>
            Body: <SchemaLink schema={Object.values(h.post.requestBody!.content)[0]!.schema} />
          </p>
        </section>
      ))}

      <h2 id="errors">Errors</h2>
      <p>
        Every error is <code>application/problem+json</code> (RFC 9457): <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, and <code>errors</code>, one{" "}
        <code>{"{field, message}"}</code> per field at fault.
      </p>
      <table>
        <thead>
          <tr>
            <th align="left">type</th>
            <th align="left">status</th>
            <th align="left">title</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(PROBLEM_TYPES).map(([slug, [status, title]]) => (
            <tr key={slug} id={`problem-${slug}`}>
              <td>
                <code>{slug}</code>
              </td>
              <td>{status}</td>
              <td>{title}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Schemas</h2>
      {Object.entries(doc.components.schemas).map(([name, s]) => (
        <details key={name} id={`schema-${name}`}>
          <summary>
            <code>{name}</code>
            {typeof s.description === "string" ? ` — ${s.description}` : ""}
          </summary>
          <pre style={{ overflowX: "auto", fontSize: "0.8rem" }}>{JSON.stringify(s, null, 2)}</pre>
        </details>
      ))}
    </main>
  );
}
