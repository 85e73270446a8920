/** Shown next to password fields; the server (api/auth/passwords.ts) has the final word. */
export const PASSWORD_RULES = 'At least 12 characters, mixing three of: lower case, upper case, digits, symbols.';

export function passwordMismatch(password: string, confirm: string): string | null {
  return password === confirm ? null : 'The two passwords do not match.';
}
