// What the guard answers a staff member, in one module without imports, so that the end-to-end tests can expect the
// very words (lib/admin/guard.ts uses them).

/** What a staff member sees when they try what only an owner may do (refunds, staff accounts). */
export const OWNER_ONLY_MESSAGE = "Only the shop's owner can do this. Ask an owner to do it for you.";
/** What a staff member sees instead of a page only owners may open (requireOwnerPage). */
export const OWNER_ONLY_PAGE_MESSAGE = "Only the shop's owner can see this page.";
