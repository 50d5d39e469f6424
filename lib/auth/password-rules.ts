import { formatUserText, type UserText } from "../errors";
import { DEFAULT_LOCALE } from "../i18n/locales";

/**
 * The rules for a password someone chooses (through an invitation, a reset, the Account page or
 * ADMIN_PASSWORD). Length does most of the work; the short list catches the long passwords that
 * leaked lists show people pick most often.
 */
export const MIN_PASSWORD_LENGTH = 12;

/** Long enough for any passphrase, short enough that nobody hashes a megabyte. */
export const MAX_PASSWORD_LENGTH = 1024;

const COMMON_PASSWORDS = new Set([
  "123456789012",
  "1234567890123",
  "12345678901234",
  "123456789123",
  "111111111111",
  "000000000000",
  "123123123123",
  "112233445566",
  "password1234",
  "password12345",
  "password123456",
  "passwordpassword",
  "password1234567",
  "p@ssw0rd1234",
  "qwertyuiop12",
  "qwertyuiopasdf",
  "qwertyuiopasdfgh",
  "qwerty123456",
  "1qaz2wsx3edc",
  "1q2w3e4r5t6y",
  "asdfghjkl123",
  "zxcvbnm12345",
  "iloveyou1234",
  "abcdefghijkl",
  "abc123456789",
  "abcd12345678",
  "letmein12345",
  "welcome12345",
  "changeme1234",
  "administrator",
  "admin1234567",
  "adminadmin12",
  "football1234",
  "baseball1234",
  "superman1234",
  "sunshine1234",
  "princess1234",
  "dragon123456",
  "monkey123456",
  "trustno11234",
  "passw0rd1234",
  "linebot12345",
  "lineline1234",
]);

/** What is wrong with `password` for the account `email`, as a sentence of the catalogue; null when it may be used. */
export function passwordProblemText(password: string, email: string): UserText | null {
  if (password.length < MIN_PASSWORD_LENGTH) return { key: "passwordTooShort", values: { min: MIN_PASSWORD_LENGTH } };
  if (password.length > MAX_PASSWORD_LENGTH) return { key: "passwordTooLong", values: { max: MAX_PASSWORD_LENGTH } };
  const folded = password.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  if (folded === address || folded === address.split("@")[0]) return { key: "passwordIsEmail" };
  if (COMMON_PASSWORDS.has(folded) || /^(.)\1*$/.test(folded)) return { key: "passwordTooCommon" };
  return null;
}

/** What is wrong with `password` for the account `email`, as an English sentence; null when it may be used. */
export function passwordProblem(password: string, email: string): string | null {
  const problem = passwordProblemText(password, email);
  return problem && formatUserText(problem, DEFAULT_LOCALE);
}
