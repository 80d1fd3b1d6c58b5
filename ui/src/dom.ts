// Small helpers for the page's fixed elements and its status line.

/** The element `sel` names; the page always has it (a missing one is a bug). */
export const $ = <T extends HTMLElement>(sel: string): T => {
  const e = document.querySelector<T>(sel);
  if (!e) throw new Error(`missing ${sel}`);
  return e;
};

/** "1 span", "3 spans": a count with its noun, singular for one. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export function say(msg: string): void {
  $<HTMLSpanElement>("#status").textContent = msg;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function fail(e: unknown): void {
  say(`error: ${errorText(e)}`);
}

/** A table cell holding `text` as text (never as markup). */
export function td(text: string, cls?: string): HTMLTableCellElement {
  const c = document.createElement("td");
  c.textContent = text;
  if (cls) c.className = cls;
  return c;
}
