import { beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { NotFoundError } from "@/lib/errors";
import { addMember, changeRole, listMembers, removeMember } from "@/lib/console/members";
import { createProvider, listProviders } from "@/lib/console/providers";
import { authenticate, createUser } from "@/lib/auth/users";
import { accessOf } from "../support/access";

let admin: string;
let channelId: string;

beforeAll(async () => {
  admin = (await createUser("owner@example.com", "owner-password")).user.id;
  const provider = await createProvider(admin, "Roles provider");
  channelId = (await createChannel(admin, provider.id, { name: "Roles bot", description: "", email: "" })).id;
});

const roleOf = async (email: string) =>
  (await listMembers(await accessOf(admin, channelId))).find((m) => m.email === email)?.role;
const idOf = async (email: string) =>
  (await listMembers(await accessOf(admin, channelId))).find((m) => m.email === email)!.userId;

describe("roles", () => {
  test("adding a new email creates an account whose password works once passed on", async () => {
    const { createdPassword } = await addMember(await accessOf(admin, channelId), { email: "New.Person@Example.com", role: "TESTER" });
    expect(createdPassword).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    expect(await roleOf("new.person@example.com")).toBe("TESTER");
    expect(await authenticate("new.person@example.com", createdPassword!)).toMatchObject({
      email: "new.person@example.com",
    });
    expect(await authenticate("new.person@example.com", "wrong")).toBeNull();
  });

  test("adding an existing account creates no password", async () => {
    await createUser("existing@example.com", "pw");
    expect(await addMember(await accessOf(admin, channelId), { email: "existing@example.com", role: "MEMBER" })).toEqual({
      createdPassword: null,
    });
  });

  test("refuses duplicates, bad emails and unknown roles", async () => {
    await expect(accessOf(admin, channelId).then((access) => addMember(access, { email: "existing@example.com", role: "ADMIN" }))).rejects.toThrow(
      "already a member",
    );
    await expect(accessOf(admin, channelId).then((access) => addMember(access, { email: "nope", role: "ADMIN" }))).rejects.toThrow(
      "Enter a valid email address.",
    );
    await expect(accessOf(admin, channelId).then((access) => addMember(access, { email: "x@example.com", role: "OWNER" }))).rejects.toThrow(
      "Choose Admin, Member or Tester.",
    );
    expect(await roleOf("existing@example.com")).toBe("MEMBER");
    expect(await roleOf("x@example.com")).toBeUndefined();
  });

  test("Members and Testers cannot manage roles", async () => {
    const member = await idOf("existing@example.com");
    const tester = await idOf("new.person@example.com");
    await expect(accessOf(member, channelId).then((access) => changeRole(access, tester, "ADMIN"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(tester, channelId).then((access) => removeMember(access, member))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(member, channelId).then((access) => addMember(access, { email: "y@example.com", role: "ADMIN" }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await roleOf("new.person@example.com")).toBe("TESTER");
  });

  test("the last Admin can be neither demoted nor removed", async () => {
    await expect(accessOf(admin, channelId).then((access) => changeRole(access, admin, "MEMBER"))).rejects.toThrow("at least one Admin");
    await expect(accessOf(admin, channelId).then((access) => removeMember(access, admin))).rejects.toThrow("last Admin");
    expect(await roleOf("owner@example.com")).toBe("ADMIN");
  });

  test("with a second Admin, the first can step down", async () => {
    const second = await idOf("existing@example.com");
    await changeRole(await accessOf(admin, channelId), second, "ADMIN");
    await changeRole(await accessOf(admin, channelId), admin, "MEMBER");
    expect(await roleOf("owner@example.com")).toBe("MEMBER");
    await changeRole(await accessOf(second, channelId), admin, "ADMIN");
    await removeMember(await accessOf(admin, channelId), second);
    expect(await roleOf("existing@example.com")).toBeUndefined();
  });

  test("a removed member no longer finds the channel", async () => {
    const tester = await idOf("new.person@example.com");
    await removeMember(await accessOf(admin, channelId), tester);
    await expect(accessOf(tester, channelId).then((access) => listMembers(access))).rejects.toBeInstanceOf(NotFoundError);
    expect((await listProviders(tester)).flatMap((p) => p.channels)).toEqual([]);
  });
});
