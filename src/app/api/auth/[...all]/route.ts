import { auth } from "~/server/auth";

export const dynamic = "force-dynamic";

/** better-auth's endpoints: /api/auth/sign-in/email, /api/auth/sign-out, /api/auth/get-session... */
const handler = (req: Request) => auth().handler(req);

export { handler as GET, handler as POST };
