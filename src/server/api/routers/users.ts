import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { ROLES } from "~/server/auth/session";
import { createTeam, createUser, deleteUser, listTeams, listUsers, newUserSchema, resetPassword, updateUser } from "~/server/services/users";
import { adminProcedure, createTRPCRouter } from "../trpc";

const userId = z.object({ userId: z.string().min(1) });

/** Admin → Users and teams. An admin cannot demote or delete themself (no locking out). */
export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  teams: adminProcedure.query(({ ctx }) => listTeams(ctx.db)),
  createTeam: adminProcedure.input(z.object({ name: z.string().trim().min(1).max(120) })).mutation(({ ctx, input }) => createTeam(ctx.db, input.name)),
  create: adminProcedure.input(newUserSchema).mutation(async ({ ctx, input }) => {
    const { user, password } = await createUser(ctx.db, input);
    return { id: user.id, email: user.email, password };
  }),
  update: adminProcedure
    .input(userId.extend({ role: z.enum(ROLES).optional(), teamId: z.string().min(1).nullable().optional(), name: z.string().trim().min(1).max(120).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { userId: id, ...patch } = input;
      if (id === ctx.user.id && patch.role && patch.role !== "admin") throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot remove your own admin role" });
      const u = await updateUser(ctx.db, id, patch);
      return { id: u.id };
    }),
  resetPassword: adminProcedure.input(userId).mutation(async ({ ctx, input }) => ({ password: await resetPassword(ctx.db, input.userId) })),
  delete: adminProcedure.input(userId).mutation(async ({ ctx, input }) => {
    if (input.userId === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot delete your own account" });
    await deleteUser(ctx.db, input.userId);
    return { ok: true };
  }),
});
