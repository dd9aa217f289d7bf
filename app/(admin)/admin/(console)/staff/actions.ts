"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { adminAction } from "@/lib/admin/guard";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/admin/password";
import { ADMIN_ROLES, addStaffMember, changeRole, switchOff, switchOn } from "@/lib/admin/staff";

// The Staff page's actions: owners only (adminAction refuses anyone else before reading the form).

const STAFF_PATH = "/admin/staff";
const ownerOnly = { ownerOnly: true } as const;

const role = z.enum(ADMIN_ROLES, { error: "choose Owner or Staff" });
const accountInput = z.object({ accountId: z.string().min(1).max(40) });

const newPersonInput = z.object({
  name: z.string({ error: "is required" }).trim().min(1, "is required").max(100, "must be at most 100 characters"),
  email: z
    .string({ error: "is required" })
    .trim()
    .min(1, "is required")
    .max(254, "is too long")
    .pipe(z.email({ error: "must be an e-mail address, like anna@example.se" })),
  role,
  // Empty: a password is made for them and shown once.
  password: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters (or leave it empty to have one made)`)
      .max(MAX_PASSWORD_LENGTH, "is too long")
      .optional(),
  ),
});

export const addStaffAction = adminAction(
  newPersonInput,
  async (input, admin) => {
    const added = await addStaffMember(input, admin.actor);
    revalidatePath(STAFF_PATH);
    return { message: added.message, generatedPassword: added.generatedPassword };
  },
  ownerOnly,
);

export const changeRoleAction = adminAction(
  accountInput.extend({ role }),
  async ({ accountId, role: newRole }, admin) => {
    const outcome = await changeRole(accountId, newRole, admin.actor);
    revalidatePath(STAFF_PATH);
    return outcome;
  },
  ownerOnly,
);

export const switchOffAction = adminAction(
  accountInput,
  async ({ accountId }, admin) => {
    const outcome = await switchOff(accountId, admin.actor);
    revalidatePath(STAFF_PATH);
    return outcome;
  },
  ownerOnly,
);

export const switchOnAction = adminAction(
  accountInput,
  async ({ accountId }, admin) => {
    const outcome = await switchOn(accountId, admin.actor);
    revalidatePath(STAFF_PATH);
    return outcome;
  },
  ownerOnly,
);
