// What the sign-in pages answer, in one module without imports, so that the end-to-end tests can expect the very
// words (lib/admin/sign-in.ts uses them).

/** The one answer for an unknown e-mail address, a wrong password and an account switched off alike. */
export const WRONG_CREDENTIALS_MESSAGE = "That e-mail address and password do not match. Check both and try again.";

/** The one answer for a wrong two-factor code and a code already used. */
export const WRONG_CODE_MESSAGE = "That code is not right. Type the code your authenticator app shows now.";
