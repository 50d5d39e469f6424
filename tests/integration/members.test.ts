import { beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { NotFoundError } from "@/lib/errors";
import { changeRole, inviteMember, listInvitations, listMembers, removeMember } from "@/lib/console/members";
import { createProvider, listProviders } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { accessOf, joinChannel } from "../support/access";

let admin: string;
let channelId: string;

beforeAll(async () => {
  admin = (await createUser("owner@example.com", "owner-password")).user.id;
  const provider = await createProvider(admin, "Roles provider");
  channelId = (await createChannel(admin, provider.id, { name: "Roles bot", description: "", email: "" })).id;
  await createUser("existing@example.com", "existing-password");
  await joinChannel(await accessOf(admin, channelId), "new.person@example.com", "TESTER");
  await joinChannel(await accessOf(admin, channelId), "existing@example.com", "MEMBER");
});

const roleOf = async (email: string) =>
  (await listMembers(await accessOf(admin, channelId))).find((m) => m.email === email)?.role;
const idOf = async (email: string) =>
  (await listMembers(await accessOf(admin, channelId))).find((m) => m.email === email)!.userId;

describe("roles", () => {
  test("invited people join with the role they were invited with", async () => {
    expect(await roleOf("new.person@example.com")).toBe("TESTER");
    expect(await roleOf("existing@example.com")).toBe("MEMBER");
  });

  test("refuses members, bad emails and unknown roles, and invites nobody for them", async () => {
    const invite = (email: string, role: string) => accessOf(admin, channelId).then((access) => inviteMember(access, { email, role }));
    await expect(invite("Existing@Example.com", "ADMIN")).rejects.toThrow("existing@example.com is already a member of this channel.");
    await expect(invite("nope", "ADMIN")).rejects.toThrow("Enter a valid email address.");
    await expect(invite("x@example.com", "OWNER")).rejects.toThrow("Choose Admin, Member or Tester.");
    expect(await roleOf("existing@example.com")).toBe("MEMBER");
    expect(await listInvitations(await accessOf(admin, channelId))).toEqual([]);
  });

  test("Members and Testers cannot manage roles or invite", async () => {
    const member = await idOf("existing@example.com");
    const tester = await idOf("new.person@example.com");
    await expect(accessOf(member, channelId).then((access) => changeRole(access, tester, "ADMIN"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(tester, channelId).then((access) => removeMember(access, member))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accessOf(member, channelId).then((access) => inviteMember(access, { email: "y@example.com", role: "ADMIN" }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(accessOf(member, channelId).then((access) => listInvitations(access))).rejects.toBeInstanceOf(NotFoundError);
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
