// Code that resembles defects but is fine: every rule must stay quiet here.
import { readFile } from "node:fs/promises";

const USE_CREDENTIALS = "use-credentials";
const options = { credentials: "include", mode: "cors", redirect: "follow" };
const globalObject = Function("return this")();

export class Client {
  async fetch(url: string): Promise<string> {
    return readFile(url, "utf8");
  }

  public eval(expression: string): number {
    return expression.length;
  }
}

export function copyIcon(button: HTMLElement, icon: HTMLElement): void {
  button.innerHTML = icon.innerHTML;
  button.textContent = "Copied";
}

export function matches(pattern: RegExp, text: string): RegExpExecArray | null {
  return pattern.exec(text);
}

export function progress(done: number, total: number): string {
  return `${Math.round((done / total) * 100)}%`;
}

export { USE_CREDENTIALS, options, globalObject };
