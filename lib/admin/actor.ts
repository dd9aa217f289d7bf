import { db } from "../db.ts";
import type { AdminRole } from "../generated/prisma/client.ts";
import { MERCHANT_ACCOUNT_ID } from "./password.ts";

/** The signed-in person an admin action is done by: named on every event and catalog change they cause. */
export type AdminActor = { accountId: string; name: string; email: string | null; role: AdminRole };

/** The columns PaymentEvent and CatalogChange keep about who did it. */
export function actorFields(actor: AdminActor): { actorAccountId: string; actorName: string } {
  return { actorAccountId: actor.accountId, actorName: actor.name };
}

/** The account a session belongs to (the first owner for a session that names none), or null when it is gone. */
export async function actorOfSession(session: { accountId?: string | null }): Promise<AdminActor | null> {
  const account = await db.adminAccount.findUnique({
    where: { id: session.accountId ?? MERCHANT_ACCOUNT_ID },
    select: { id: true, name: true, email: true, role: true, disabledAt: true },
  });
  if (!account || account.disabledAt) return null;
  return { accountId: account.id, name: account.name, email: account.email, role: account.role };
}
