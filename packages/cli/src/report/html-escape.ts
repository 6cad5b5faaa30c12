/**
 * Column names, category values, messages and hashes in report.json come from user data or
 * from other packages; every one goes through this before it reaches the page, in text and in
 * attribute values alike.
 */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
