// Defects written in less common shapes.
import axios from "axios";

const api = axios.create({ baseURL: "https://api.example.com" }); // expect: missing-timeout

export async function search(db: any, term: string, sort: string) {
  const rows = await db.query(
    "SELECT * FROM products WHERE title LIKE '%" + term + "%'", // expect: sql-interpolation
  );
  const sorted = await db.query(
    `SELECT * FROM products WHERE owner = $1 ORDER BY ${sort}`, // expect: sql-partial-parameterization
    [term],
  );
  return [rows, sorted, api];
}

export function banner(el: HTMLElement, msg: string) {
  el.outerHTML = "<div class='banner'>" + msg + "</div>"; // expect: xss-unescaped-render
}

export function sessionId(): string {
  return Math.random().toString(16).slice(2); // expect: insecure-random
}
