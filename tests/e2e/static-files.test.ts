import { describe, expect, test } from "vitest";
import { url } from "./browser";

describe("files served from public/", () => {
  test("the console's icon, linked from every page, and a robots.txt that keeps crawlers out", async () => {
    const page = await (await fetch(url("/login"))).text();
    expect(page).toMatch(/<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml"/);

    const svg = await fetch(url("/favicon.svg"));
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
    expect(await svg.text()).toContain("<svg");

    const ico = await fetch(url("/favicon.ico"));
    expect(ico.status).toBe(200);
    const bytes = Buffer.from(await ico.arrayBuffer());
    // An ICO header (reserved 0, type 1) holding one 32×32 PNG.
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(bytes.subarray(22, 26).toString("latin1")).toBe("\x89PNG");

    const robots = await fetch(url("/robots.txt"));
    expect(robots.status).toBe(200);
    expect(await robots.text()).toMatch(/User-agent: \*\nDisallow: \/\n/);
  });
});
