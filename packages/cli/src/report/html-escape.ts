/**
 * Column names, category values, messages and hashes in report.json come from user data or
 * from other packages; every one goes through this before it reaches the page, in text and in
 * attribute values alike.
 */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes text and shows its `backquoted` spans as code (the sentences of report.json use them for commands). */
export function escWithCode(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}
