import type { Metadata } from "next";

import { roleName } from "@/lib/admin/actor";
import { requireOwnerPage } from "@/lib/admin/guard";
import { formatShopTime } from "@/lib/admin/periods";
import { listStaff } from "@/lib/admin/staff";

import { AdminActionForm } from "../admin-action-form";
import { OwnerOnly } from "../owner-only";
import { addStaffAction, changeRoleAction, switchOffAction, switchOnAction } from "./actions";
import { AddPersonForm } from "./add-person-form";

export const metadata: Metadata = { title: "Staff" };

// Owners only: who may sign in to the admin, and in which role.
export default async function StaffPage() {
  const admin = await requireOwnerPage();
  if (!admin) return <OwnerOnly />;
  const people = await listStaff();
  return (
    <>
      <h1>Staff</h1>
      <p className="muted">
        Owners can do everything, including refunds and managing staff. Staff can work with orders, shipping and the
        catalog, but cannot refund or manage staff. Each person signs in with their own e-mail address and password.
      </p>

      <section className="admin-card" aria-labelledby="people-heading">
        <h2 id="people-heading">People ({people.length})</h2>
        <table className="admin-table stack admin-people" aria-label="People">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail address</th>
              <th scope="col">Role</th>
              <th scope="col">Two-factor sign-in</th>
              <th scope="col">Status</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {people.map((person) => {
              const you = person.id === admin.actor.accountId;
              // Two people may share a name: the e-mail address tells their forms apart for screen readers.
              const who = person.email ? `${person.name} (${person.email})` : person.name;
              return (
                <tr key={person.id} data-testid="person" data-email={person.email ?? ""}>
                  <td data-label="Name">
                    {person.name}
                    {you ? <span className="muted"> (you)</span> : null}
                  </td>
                  <td data-label="E-mail address">{person.email ?? "–"}</td>
                  <td data-label="Role">{roleName(person.role)}</td>
                  <td data-label="Two-factor sign-in">{person.twoFactorOn ? "On" : "Off"}</td>
                  <td data-label="Status">
                    {person.disabledAt ? `Switched off ${formatShopTime(person.disabledAt)}` : "Can sign in"}
                  </td>
                  <td data-label="Change">
                    {you ? (
                      <span className="muted">Another owner can change your account.</span>
                    ) : (
                      <div className="admin-person-actions">
                        <AdminActionForm
                          action={changeRoleAction}
                          submitLabel="Change role"
                          aria-label={`Change the role of ${who}`}
                          buttonClass="button secondary"
                        >
                          <input type="hidden" name="accountId" value={person.id} />
                          <select name="role" defaultValue={person.role} aria-label={`Role of ${who}`}>
                            <option value="STAFF">Staff</option>
                            <option value="OWNER">Owner</option>
                          </select>
                        </AdminActionForm>
                        {person.disabledAt ? (
                          <AdminActionForm
                            action={switchOnAction}
                            submitLabel="Switch on"
                            aria-label={`Switch on ${who}`}
                            buttonClass="button secondary"
                          >
                            <input type="hidden" name="accountId" value={person.id} />
                          </AdminActionForm>
                        ) : (
                          <AdminActionForm
                            action={switchOffAction}
                            submitLabel="Switch off"
                            confirm={`Switch off ${person.name}? They are signed out everywhere and cannot sign in.`}
                            aria-label={`Switch off ${who}`}
                            buttonClass="button secondary"
                          >
                            <input type="hidden" name="accountId" value={person.id} />
                          </AdminActionForm>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <section className="admin-card" aria-labelledby="add-person-heading">
        <h2 id="add-person-heading">Add a person</h2>
        <AddPersonForm action={addStaffAction} />
      </section>
    </>
  );
}
