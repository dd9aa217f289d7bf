import { db } from "../db.ts";
import type { AdminRole } from "../generated/prisma/client.ts";

/** The signed-in person an admin action is done by: named on every event and catalog change they cause. */
export type AdminActor = { accountId: string; name: string; email: string | null; role: AdminRole };

/** The columns PaymentEvent and CatalogChange keep about who did it. */
export function actorFields(actor: AdminActor): { actorAccountId: string; actorName: string } {
  return { actorAccountId: actor.accountId, actorName: actor.name };
}

/**
 * actorFields for writers that are also called without a signed-in person (tests, scripts): nothing to name then.
 * Every admin Server Action passes its AdminContext, whose actor is always there.
 */
export function actorFieldsOf(admin: { actor?: AdminActor | null }): { actorAccountId?: string; actorName?: string } {
  return admin.actor ? actorFields(admin.actor) : {};
}

/** The role in words, as the admin's header and the staff page show it. */
export function roleName(role: AdminRole): string {
  return role === "OWNER" ? "Owner" : "Staff";
}

/** The account a session belongs to, or null when it is gone or switched off. */
export async function actorOfSession(session: { accountId: string }): Promise<AdminActor | null> {
  const account = await db.adminAccount.findUnique({
    where: { id: session.accountId },
    select: { id: true, name: true, email: true, role: true, disabledAt: true },
  });
  if (!account || account.disabledAt) return null;
  return { accountId: account.id, name: account.name, email: account.email, role: account.role };
}
