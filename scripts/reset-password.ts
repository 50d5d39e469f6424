// Lets the operator give someone who forgot their password a way back in, without touching the
// data: `npm run reset-password -- <email>` prints a single-use link to choose a new password.
import { createPasswordReset, PASSWORD_RESET_TTL_MS } from "../lib/auth/password-resets";
import { InputError } from "../lib/errors";
import { migrateDatabase } from "../lib/migrate";
import { formatUtc9 } from "../lib/time";

const email = process.argv[2];
if (!email || process.argv.length > 3) {
  console.error("Usage: npm run reset-password -- <email>");
  process.exit(2);
}
await migrateDatabase();
try {
  const reset = await createPasswordReset(email);
  console.log(
    [
      `A link for ${reset.email} to choose a new password (it works once, for ${PASSWORD_RESET_TTL_MS / 3_600_000} hours, until ${formatUtc9(reset.expiresAt)} UTC+9):`,
      "",
      `  ${reset.url}`,
      "",
      "Sessions of the account stay signed in until the new password is chosen; then they all end.",
    ].join("\n"),
  );
  process.exit(0);
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  console.error(error.message);
  process.exit(1);
}
